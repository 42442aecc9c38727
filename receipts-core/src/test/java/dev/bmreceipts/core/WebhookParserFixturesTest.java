// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** One fixture per payload kind in DESIGN.md, each parsed from byte[] and from an InputStream. */
class WebhookParserFixturesTest {
  private final WebhookParser parser = WebhookParser.create();

  /** Parses both ways and checks that both give the same payload. */
  private WebhookPayload parse(String fixture) {
    byte[] body = Fixtures.bytes(fixture);
    WebhookPayload fromBytes = parser.parse(body);
    WebhookPayload fromStream = parser.parse(new ByteArrayInputStream(body));
    assertEquals(fromBytes, fromStream);
    return fromBytes;
  }

  private static List<String> keys(JsonObject o) {
    return new ArrayList<>(o.keySet());
  }

  private static Receipt receipt(String c, String m, ReceiptType type, String raw) {
    return new Receipt(MessageName.of(c, m), type, raw);
  }

  @Test
  void readsSeveralReceiptsOfBothTypesAndSkipsUnknownMembersAtEveryLevel() {
    WebhookPayload p = parse("receipts.json");

    assertEquals(PayloadKind.RECEIPTS, p.kind());
    assertEquals("brands/brand-1/agents/agent-1", p.agent());
    assertEquals("conv-1", p.conversationId());
    assertEquals("custom-1", p.customAgentId());
    assertEquals(Optional.of("req-1"), p.requestId());
    assertEquals(Instant.parse("2024-03-05T06:07:08.123456789Z"), p.sendTime().instant().orElseThrow());
    assertEquals(123_456_789, p.sendTime().instant().orElseThrow().getNano());
    assertEquals("2024-03-05T06:07:08.123456789Z", p.sendTime().raw());
    assertTrue(p.message().isEmpty());
    assertTrue(p.verification().isEmpty());
    assertEquals(Optional.empty(), p.content());

    UserReceipts r = p.receipts().orElseThrow();
    assertEquals("brands/brand-1/agents/agent-1", r.agent());
    assertEquals("conv-1", r.conversationId());
    assertEquals("custom-1", r.customAgentId());
    assertEquals(Optional.of("req-1"), r.requestId());
    assertEquals(p.sendTime(), r.sendTime());
    assertEquals(new Timestamp("2024-03-05T06:07:08.120Z",
        Optional.of(Instant.parse("2024-03-05T06:07:08.120Z"))), r.createTime());
    assertEquals(List.of(
        receipt("conv-1", "msg-1", ReceiptType.DELIVERED, "DELIVERED"),
        receipt("conv-1", "msg-1", ReceiptType.READ, "READ"),
        receipt("conv-1", "msg-2", ReceiptType.DELIVERED, "DELIVERED"),
        receipt("conv-1", "msg-3", ReceiptType.READ, "READ")), r.receipts());

    assertThrows(UnsupportedOperationException.class, () -> r.receipts().clear());
    assertThrows(UnsupportedOperationException.class, () -> p.json().remove("context"));
    assertEquals("WebhookPayload[kind=RECEIPTS, agent=brands/brand-1/agents/agent-1, conversationId=conv-1, "
        + "requestId=req-1, receipts=4]", p.toString());

    // unknown top-level members are kept as JSON, in wire order; receipts is never a tree
    assertEquals(List.of("futureTopLevel", "context"), keys(p.json()));
    assertEquals("{\"nested\":[1,{\"deep\":true}],\"n\":null}", p.json().get("futureTopLevel").toString());
    assertEquals("place-1", p.json().getJsonObject("context").getString("placeId"));
  }

  @Test
  void keepsPlaceholdersAndUnknownReceiptTypesWithoutRequestId() {
    WebhookPayload p = parse("receipts-placeholders.json");

    assertEquals(PayloadKind.RECEIPTS, p.kind());
    assertEquals(Optional.empty(), p.requestId());
    assertEquals(new Timestamp("SEND_TIME", Optional.empty()), p.sendTime());
    assertTrue(p.sendTime().unparsable());
    UserReceipts r = p.receipts().orElseThrow();
    assertEquals(Optional.empty(), r.requestId());
    assertEquals(new Timestamp("SEND_TIME", Optional.empty()), r.createTime());
    assertEquals(List.of(
        receipt("C", "M1", ReceiptType.RECEIPT_TYPE_UNSPECIFIED, "SEEN_BY_ROBOT"),
        receipt("C", "M2", ReceiptType.RECEIPT_TYPE_UNSPECIFIED, "RECEIPT_TYPE_UNSPECIFIED"),
        receipt("C", "M3", ReceiptType.RECEIPT_TYPE_UNSPECIFIED, ""),
        receipt("C", "M4", ReceiptType.RECEIPT_TYPE_UNSPECIFIED, "read")), r.receipts());
    assertEquals("BOOLEAN", p.json().getJsonObject("context").getString("placeholderFlag"));
  }

  @Test
  void givesTypedAccessToAUserMessage() {
    WebhookPayload p = parse("message.json");

    assertEquals(PayloadKind.MESSAGE, p.kind());
    assertEquals(Optional.of("R-msg"), p.requestId());
    assertEquals(new Timestamp("SEND_TIME", Optional.empty()), p.sendTime());
    assertTrue(p.receipts().isEmpty());
    UserMessage m = p.message().orElseThrow();
    assertEquals("M-user-1", m.messageId());
    assertEquals("conversations/C/messages/M-user-1", m.name());
    assertEquals("Gr\u00fc\u00dfe, \u00e7a va? \ud83d\udc4b", m.text());
    assertEquals(Timestamp.of(Instant.parse("2024-03-05T06:07:08Z")), m.createTime());
    assertEquals(MessageName.of("C", "M-user-1"), MessageName.parse(m.name()));
    assertEquals("[true,\"BOOLEAN\"]", m.json().getJsonObject("unknownInMessage").get("x").toString());
    assertSame(m.json(), p.content().orElseThrow());
    assertEquals(List.of("message", "context", "dialogflowResponse"), keys(p.json()));
    JsonObject dialogflow = p.json().getJsonObject("dialogflowResponse");
    assertEquals("BOOLEAN", dialogflow.getString("autoResponded"));
    assertEquals("CONFIDENCE_NUMERIC",
        dialogflow.getJsonArray("intentResponses").getJsonObject(0).getString("intentDetectionConfidence"));
    // the text is user content and stays out of toString
    assertFalse(p.toString().contains("va?"));
    assertFalse(m.toString().contains("va?"));
    assertEquals("UserMessage[messageId=M-user-1, name=conversations/C/messages/M-user-1, "
        + "createTime=2024-03-05T06:07:08Z]", m.toString());
  }

  @Test
  void recognisesUserStatusWithPlaceholderBooleans() {
    WebhookPayload p = parse("user-status.json");

    assertEquals(PayloadKind.USER_STATUS, p.kind());
    assertEquals(Optional.of("userStatus"), p.kind().member());
    assertEquals(Optional.of("R-status"), p.requestId());
    assertEquals(Instant.parse("2024-03-05T06:07:08.500Z"), p.sendTime().instant().orElseThrow());
    JsonObject status = p.content().orElseThrow();
    assertEquals("{\"isTyping\":\"BOOLEAN\",\"requestedLiveAgent\":\"BOOLEAN\",\"createTime\":\"SEND_TIME\"}",
        status.toString());
    assertTrue(p.receipts().isEmpty());
    assertTrue(p.message().isEmpty());
  }

  @Test
  void recognisesSuggestionResponse() {
    WebhookPayload p = parse("suggestion-response.json");

    assertEquals(PayloadKind.SUGGESTION_RESPONSE, p.kind());
    JsonObject s = p.content().orElseThrow();
    assertEquals("conversations/C/messages/M-agent-1", s.getString("message"));
    assertEquals("post-1", s.getString("postbackData"));
    assertEquals("REPLY", s.getString("suggestionType"));
    assertEquals(Optional.of("R-sugg"), p.requestId());
  }

  @Test
  void recognisesAuthenticationResponse() {
    WebhookPayload p = parse("authentication-response.json");

    assertEquals(PayloadKind.AUTHENTICATION_RESPONSE, p.kind());
    JsonObject a = p.content().orElseThrow();
    assertEquals("auth-code-1", a.getString("code"));
    assertEquals("https://example.com/cb", a.getString("redirectUri"));
    assertEquals(Optional.of("R-auth"), p.requestId());
  }

  @Test
  void recognisesSurveyResponse() {
    WebhookPayload p = parse("survey-response.json");

    assertEquals(PayloadKind.SURVEY_RESPONSE, p.kind());
    JsonObject s = p.content().orElseThrow();
    assertEquals("VERY_SATISFIED", s.getString("rating"));
    assertEquals(1, s.getInt("questionIndex"));
    assertEquals(2, s.getInt("totalQuestionCount"));
    assertEquals(Optional.of("R-survey"), p.requestId());
  }

  @Test
  void recognisesTheVerificationHandshakeAndHidesItsValues() {
    WebhookPayload p = parse("verification.json");

    assertEquals(PayloadKind.VERIFICATION, p.kind());
    assertEquals(Optional.empty(), p.kind().member());
    Verification v = p.verification().orElseThrow();
    assertEquals("client-token-1", v.clientToken());
    assertEquals("handshake-secret-1", v.secret());
    assertTrue(v.tokenMatches("client-token-1"));
    assertFalse(v.tokenMatches("client-token-2"));
    assertFalse(v.tokenMatches(""));
    assertFalse(v.tokenMatches(null));
    assertEquals("Verification[clientToken=<redacted>, secret=<redacted>]", v.toString());
    assertSame(JsonValue.EMPTY_JSON_OBJECT, p.json());
    assertEquals(Optional.empty(), p.content());
    assertFalse(p.toString().contains("handshake-secret-1"));
  }

  @Test
  void acceptsAnUnknownKindAndKeepsItsMembers() {
    WebhookPayload p = parse("unknown-kind.json");

    assertEquals(PayloadKind.UNKNOWN, p.kind());
    assertEquals("brands/B/agents/A", p.agent());
    assertEquals("", p.customAgentId());
    assertEquals(Optional.of("R-new"), p.requestId());
    assertEquals(Optional.empty(), p.content());
    assertEquals(List.of("newKindOfEvent", "context"), keys(p.json()));
    assertEquals("{\"a\":[1,2,{\"b\":\"c\"}]}", p.json().get("newKindOfEvent").toString());
  }

  @Test
  void acceptsAnEmptyObjectAsUnknownWithEveryFieldAbsent() {
    WebhookPayload p = parser.parse(Fixtures.utf8(" {}\r\n"));

    assertEquals(new WebhookPayload(PayloadKind.UNKNOWN, "", "", "", Optional.empty(),
        Timestamp.ABSENT, Optional.empty(), Optional.empty(), Optional.empty(),
        JsonValue.EMPTY_JSON_OBJECT), p);
    assertEquals("WebhookPayload[kind=UNKNOWN, agent=, conversationId=, requestId=, receipts=0]",
        p.toString());
  }

  @Test
  void treatsNullCommonFieldsAsAbsent() {
    WebhookPayload p = parser.parse(Fixtures.utf8(
        "{\"agent\":null,\"requestId\":null,\"sendTime\":null,\"receipts\":{\"receipts\":null,\"createTime\":null}}"));

    assertEquals(PayloadKind.RECEIPTS, p.kind());
    assertEquals("", p.agent());
    assertEquals(Optional.empty(), p.requestId());
    assertEquals(Timestamp.ABSENT, p.sendTime());
    assertEquals(List.of(), p.receipts().orElseThrow().receipts());
    assertEquals(Timestamp.ABSENT, p.receipts().orElseThrow().createTime());
  }

  @Test
  void verificationNeedsBothTokenAndSecret() {
    assertEquals(PayloadKind.UNKNOWN, parser.parse(Fixtures.utf8("{\"clientToken\":\"t\"}")).kind());
    assertEquals(PayloadKind.UNKNOWN, parser.parse(Fixtures.utf8("{\"secret\":\"s\"}")).kind());
  }

  @Test
  void skipsALeadingByteOrderMarkAndParsesAnOffsetRange() {
    byte[] json = Fixtures.bytes("verification.json");
    byte[] framed = new byte[json.length + 7];
    framed[0] = 'x';
    framed[1] = 'x';
    framed[2] = (byte) 0xEF;
    framed[3] = (byte) 0xBB;
    framed[4] = (byte) 0xBF;
    System.arraycopy(json, 0, framed, 5, json.length);
    framed[framed.length - 2] = '!';
    framed[framed.length - 1] = '!';

    WebhookPayload p = parser.parse(framed, 2, json.length + 3);

    assertEquals("handshake-secret-1", p.verification().orElseThrow().secret());
  }

  @Test
  void sendsTheSameReceiptsWhenOnlyKeyOrderDiffers() {
    WebhookPayload a = parser.parse(Fixtures.utf8(
        "{\"receipts\":{\"receipts\":[{\"message\":\"conversations/c/messages/m\",\"receiptType\":\"READ\"}]},\"requestId\":\"r\"}"));
    WebhookPayload b = parser.parse(Fixtures.utf8(
        "{\"requestId\":\"r\",\"receipts\":{\"receipts\":[{\"receiptType\":\"READ\",\"message\":\"conversations/c/messages/m\"}]}}"));

    assertEquals(a.receipts(), b.receipts());
  }
}
