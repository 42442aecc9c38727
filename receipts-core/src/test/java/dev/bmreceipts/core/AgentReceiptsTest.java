// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AgentReceiptsTest {
  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  @Test
  void theRequestBodyIsExactlyReadAndAFreshCopyEachCall() {
    byte[] body = AgentReceipts.readRequestBody();
    assertArrayEquals(utf8("{\"receiptType\":\"READ\"}"), body);
    assertEquals(22, body.length);
    body[2] = 'X';
    assertEquals("{\"receiptType\":\"READ\"}", text(AgentReceipts.readRequestBody()));
  }

  @Test
  void parsesTheApiResponse() {
    assertEquals(new AgentReceipts.Response("conversations/C/messages/M/receipt", ReceiptType.READ, "READ"),
        AgentReceipts.parseResponse(utf8("{\"name\":\"conversations/C/messages/M/receipt\",\"receiptType\":\"READ\"}")));
  }

  @Test
  void keepsAnUnknownOrMissingReceiptTypeAsUnspecified() {
    assertEquals(new AgentReceipts.Response("n", ReceiptType.RECEIPT_TYPE_UNSPECIFIED, "SEEN"),
        AgentReceipts.parseResponse(utf8("{\"name\":\"n\",\"receiptType\":\"SEEN\",\"extra\":{\"a\":1}}")));
    assertEquals(new AgentReceipts.Response("n", ReceiptType.RECEIPT_TYPE_UNSPECIFIED, ""),
        AgentReceipts.parseResponse(utf8("{\"name\":\"n\"}")));
    assertEquals(new AgentReceipts.Response("n", ReceiptType.DELIVERED, "DELIVERED"),
        AgentReceipts.parseResponse(utf8(" {\"receiptType\":\"DELIVERED\",\"name\":\"n\"}\n")));
  }

  @Test
  void rejectsAResponseWithoutAStringName() {
    for (String body : new String[] {"{}", "{\"name\":5}", "{\"name\":null}", "{\"name\":[\"n\"]}"}) {
      PayloadException e = assertThrows(PayloadException.class, () -> AgentReceipts.parseResponse(utf8(body)));
      assertEquals("name: expected a string", e.getMessage(), body);
      assertEquals("name", e.path());
      assertEquals("expected a string", e.reason());
    }
  }

  @Test
  void rejectsAResponseThatIsNotAnObject() {
    for (String body : new String[] {"[]", "\"n\"", "42", "null"}) {
      PayloadException e = assertThrows(PayloadException.class, () -> AgentReceipts.parseResponse(utf8(body)));
      assertEquals("expected a JSON object", e.getMessage(), body);
      assertEquals("", e.path());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "{", "<html>Bad Gateway</html>", "{\"name\":\"n\",}"})
  void rejectsAResponseThatIsNotJson(String body) {
    assertEquals("malformed JSON",
        assertThrows(PayloadException.class, () -> AgentReceipts.parseResponse(utf8(body))).getMessage());
  }

  @Test
  void anOverLongNumberIsBadInputNotACrash() {
    byte[] body = utf8("{\"name\":\"n\",\"error\":{\"code\":1" + "0".repeat(5_000) + "}}");
    assertEquals("number too long or nesting too deep",
        assertThrows(PayloadException.class, () -> AgentReceipts.parseResponse(body)).getMessage());
    assertEquals(Optional.empty(), AgentReceipts.parseError(body));
  }

  @Test
  void deepNestingIsBadInputNotACrash() {
    byte[] body = utf8("{\"name\":\"n\",\"error\":" + "[".repeat(2_000) + "]".repeat(2_000) + "}");
    assertEquals("number too long or nesting too deep",
        assertThrows(PayloadException.class, () -> AgentReceipts.parseResponse(body)).getMessage());
    assertEquals(Optional.empty(), AgentReceipts.parseError(body));
  }

  @Test
  void aHugeExponentInTheCodeGivesZeroQuickly() {
    assertEquals(Optional.of(new AgentReceipts.ApiError(0, "", "S")),
        AgentReceipts.parseError(utf8("{\"error\":{\"code\":1e999999999,\"status\":\"S\"}}")));
  }

  @Test
  void parsesGooglesErrorBody() {
    assertEquals(Optional.of(new AgentReceipts.ApiError(404, "Requested entity was not found.", "NOT_FOUND")),
        AgentReceipts.parseError(utf8(
            "{\"error\":{\"code\":404,\"message\":\"Requested entity was not found.\",\"status\":\"NOT_FOUND\","
                + "\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\"}]}}")));
  }

  @Test
  void fillsMissingErrorMembersWithDefaults() {
    assertEquals(Optional.of(new AgentReceipts.ApiError(0, "", "")),
        AgentReceipts.parseError(utf8("{\"error\":{}}")));
    assertEquals(Optional.of(new AgentReceipts.ApiError(0, "", "UNAVAILABLE")),
        AgentReceipts.parseError(utf8("{\"error\":{\"code\":\"503\",\"message\":7,\"status\":\"UNAVAILABLE\"}}")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "not json", "[]", "{}", "{\"error\":\"boom\"}", "{\"error\":[1]}", "{\"error\":null}", "{"})
  void anythingElseIsNoErrorBodyAndNeverThrows(String body) {
    assertEquals(Optional.empty(), AgentReceipts.parseError(utf8(body)));
  }

  @Test
  void writesErrorBodiesAsTheApiDoesAndReadsThemBack() {
    byte[] body = AgentReceipts.errorBody(404, "NOT_FOUND", "Requested entity was not found.");
    assertEquals("{\"error\":{\"code\":404,\"message\":\"Requested entity was not found.\",\"status\":\"NOT_FOUND\"}}",
        text(body));
    String awkward = "Quota \"x\" exceeded \u00fc\n";
    assertEquals(Optional.of(new AgentReceipts.ApiError(429, awkward, "RESOURCE_EXHAUSTED")),
        AgentReceipts.parseError(AgentReceipts.errorBody(429, "RESOURCE_EXHAUSTED", awkward)));
  }

  @Test
  void writesTheSuccessBodyAndReadsItBack() {
    byte[] body = AgentReceipts.responseBody(MessageName.of("C", "M"));
    assertEquals("{\"name\":\"conversations/C/messages/M/receipt\",\"receiptType\":\"READ\"}", text(body));
    assertEquals(new AgentReceipts.Response("conversations/C/messages/M/receipt", ReceiptType.READ, "READ"),
        AgentReceipts.parseResponse(body));
  }
}
