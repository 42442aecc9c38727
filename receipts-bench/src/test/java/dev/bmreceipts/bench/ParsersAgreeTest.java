// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bmreceipts.core.MessageName;
import dev.bmreceipts.core.Receipt;
import dev.bmreceipts.core.ReceiptType;
import dev.bmreceipts.core.WebhookParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every parser in the parser benchmark reads the same values from every fixture. */
class ParsersAgreeTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @ParameterizedTest
  @ValueSource(strings = {"receipts-1", "receipts-10", "receipts-100", "message"})
  void oursJacksonTreeAndJacksonStreamingExtractTheSameFields(String name) throws IOException {
    byte[] body = Fixtures.payload(name);
    Extracted ours = Extracted.of(WebhookParser.create().parse(body));
    Extracted tree = fromTree(MAPPER.readTree(body));
    Extracted streaming = JacksonStreaming.create().extract(body);
    assertEquals(tree, ours);
    assertEquals(tree, streaming);
    assertFalse(ours.agent().isEmpty());
    assertFalse(ours.conversationId().isEmpty());
    assertFalse(ours.requestId().isEmpty());
    assertFalse(ours.sendTime().isEmpty());
    assertFalse(ours.createTime().isEmpty());
  }

  @ParameterizedTest
  @ValueSource(strings = {"receipts-1", "receipts-10", "receipts-100", "message"})
  void parssonFloorReadsEveryStringValueInOrder(String name) throws IOException {
    byte[] body = Fixtures.payload(name);
    List<String> seen = new ArrayList<>();
    int events = ParssonFloor.create().scan(body, seen::add);
    List<String> expected = new ArrayList<>();
    int tokens = 0;
    try (JsonParser p = new JsonFactory().createParser(body)) {
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        tokens++;
        if (t == JsonToken.VALUE_STRING) {
          expected.add(p.getText());
        }
      }
    }
    assertEquals(expected, seen);
    assertEquals(tokens, events);
  }

  @Test
  void receiptFixturesCarryTheAskedNumberOfAlternatingReceipts() {
    for (int n : new int[] {1, 10, 100}) {
      List<Receipt> receipts =
          WebhookParser.create().parse(Fixtures.receipts(n)).receipts().orElseThrow().receipts();
      assertEquals(n, receipts.size());
      for (int i = 0; i < n; i++) {
        assertEquals(i % 2 == 0 ? ReceiptType.DELIVERED : ReceiptType.READ, receipts.get(i).type());
      }
    }
  }

  @Test
  void messageFixtureKeepsNonAsciiText() {
    Extracted m = JacksonStreaming.create().extract(Fixtures.userMessage());
    assertEquals("Hi! Is the blue one still in stock in size M? Thanks \u2014 J\u00fcrgen",
        m.text());
  }

  @Test
  void unknownFixtureNameIsRejected() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Fixtures.payload("receipts-x"));
    assertEquals("unknown fixture 'receipts-x', use one of "
        + "[receipts-1, receipts-10, receipts-100, message]", e.getMessage());
  }

  /** The same fields from Jackson's tree, the way a databind user would read them. */
  private static Extracted fromTree(JsonNode root) {
    JsonNode r = root.path("receipts");
    JsonNode m = root.path("message");
    List<Receipt> receipts = new ArrayList<>();
    for (JsonNode each : r.path("receipts")) {
      String type = each.path("receiptType").asText("");
      receipts.add(new Receipt(MessageName.parse(each.path("message").asText()),
          ReceiptType.fromWire(type), type));
    }
    String createTime = r.isMissingNode() ? m.path("createTime").asText("")
        : r.path("createTime").asText("");
    return new Extracted(
        root.path("agent").asText(""),
        root.path("conversationId").asText(""),
        root.path("requestId").asText(""),
        root.path("sendTime").asText(""),
        createTime,
        receipts,
        m.path("messageId").asText(""),
        m.path("name").asText(""),
        m.path("text").asText(""));
  }
}
