// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.core.rbm;

import static dev.bmreceipts.core.rbm.RbmFixtures.AGENT;
import static dev.bmreceipts.core.rbm.RbmFixtures.PHONE;
import static dev.bmreceipts.core.rbm.RbmFixtures.SUBSCRIPTION;
import static dev.bmreceipts.core.rbm.RbmFixtures.envelope;
import static dev.bmreceipts.core.rbm.RbmFixtures.userEvent;
import static dev.bmreceipts.core.rbm.RbmFixtures.userMessage;
import static dev.bmreceipts.core.rbm.RbmFixtures.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bmreceipts.core.ParserLimits;
import dev.bmreceipts.core.Timestamp;
import dev.bmreceipts.core.Verification;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Envelopes, handshakes and the classification of decoded data, from the reference pages' fields. */
class RbmParserTest {
  private final RbmParser parser = RbmParser.create();

  private RbmEnvelope envelopeOf(byte[] body) {
    RbmBody b = parser.parse(body);
    assertFalse(b.isHandshake());
    return b.envelope().orElseThrow();
  }

  private RbmPayload payloadOf(String data) {
    return parser.payload(envelopeOf(envelope(data)));
  }

  @Test
  void readsAnEnvelopeWithBothSpellingsAndDecodesItsData() {
    String data = userEvent("DELIVERED", "evt-1", "msg-1", null);
    RbmEnvelope e = envelopeOf(envelope(data, "{\"product\":\"RBM\",\"project_number\":\"333\"}"));
    assertArrayEquals(utf8(data), e.data());
    assertEquals(utf8(data).length, e.dataLength());
    assertEquals(Map.of("product", "RBM", "project_number", "333"), e.attributes());
    assertEquals(List.of("product", "project_number"), List.copyOf(e.attributes().keySet()));
    assertEquals("14150481888479752", e.messageId());
    assertEquals(Optional.of(Instant.parse("2025-03-05T18:50:21.880Z")), e.publishTime().instant());
    assertEquals(SUBSCRIPTION, e.subscription());
  }

  @Test
  void readsTheCamelCaseSpellingsAlone() {
    byte[] body = utf8("{\"message\":{\"data\":\"" + RbmFixtures.base64("{}") + "\",\"messageId\":\"m-camel\","
        + "\"publishTime\":\"2024-01-02T03:04:05Z\"}}");
    RbmEnvelope e = envelopeOf(body);
    assertEquals("m-camel", e.messageId());
    assertEquals("2024-01-02T03:04:05Z", e.publishTime().raw());
    assertEquals(Map.of(), e.attributes());
    assertEquals("", e.subscription());
  }

  @Test
  void readsTheSnakeCaseSpellingsAlone() {
    byte[] body = utf8("{\"message\":{\"data\":\"" + RbmFixtures.base64("{}") + "\",\"message_id\":\"m-snake\","
        + "\"publish_time\":\"2024-01-02T03:04:05.5Z\"},\"subscription\":\"s\"}");
    RbmEnvelope e = envelopeOf(body);
    assertEquals("m-snake", e.messageId());
    assertEquals(Optional.of(Instant.parse("2024-01-02T03:04:05.500Z")), e.publishTime().instant());
    assertEquals("s", e.subscription());
  }

  @Test
  void prefersTheCamelCaseSpellingWhenBothDiffer() {
    byte[] body = utf8("{\"message\":{\"data\":\"e30=\",\"messageId\":\"camel\",\"message_id\":\"snake\","
        + "\"publishTime\":\"2024-01-02T03:04:05Z\",\"publish_time\":\"2020-01-01T00:00:00Z\"}}");
    RbmEnvelope e = envelopeOf(body);
    assertEquals("camel", e.messageId());
    assertEquals("2024-01-02T03:04:05Z", e.publishTime().raw());
  }

  @Test
  void anEnvelopeWithoutIdsOrTimesStillParses() {
    RbmEnvelope e = envelopeOf(utf8("{\"message\":{\"data\":\"e30\",\"publishTime\":\"PUBLISH_TIME\"}}"));
    assertEquals("", e.messageId());
    assertTrue(e.publishTime().unparsable());
    assertArrayEquals(utf8("{}"), e.data(), "unpadded base64 is accepted");
  }

  @Test
  void theEnvelopeHandsOutCopiesOfItsData() {
    RbmEnvelope e = envelopeOf(envelope("{}"));
    byte[] first = e.data();
    first[0] = 'x';
    assertArrayEquals(utf8("{}"), e.data());
    assertEquals("RbmEnvelope[messageId=14150481888479752, publishTime=2025-03-05T18:50:21.88Z,"
        + " attributes=[product], data=2 bytes]", e.toString());
  }

  @Test
  void recognisesTheHandshake() {
    RbmBody b = parser.parse(utf8("{\"clientToken\":\"tok-123\",\"secret\":\"s3cr3t\"}"));
    assertTrue(b.isHandshake());
    assertTrue(b.envelope().isEmpty());
    Verification v = b.handshake().orElseThrow();
    assertEquals("tok-123", v.clientToken());
    assertEquals("s3cr3t", v.secret());
    assertTrue(v.tokenMatches("tok-123"));
    assertFalse(v.tokenMatches("tok-124"));
    assertFalse(b.toString().contains("s3cr3t"));
    assertFalse(b.toString().contains("tok-123"));
  }

  @Test
  void anEnvelopeIsNeverAHandshakeEvenWithHandshakeMembers() {
    RbmBody b = parser.parse(utf8("{\"clientToken\":\"t\",\"secret\":\"s\",\"message\":{\"data\":\"e30=\"}}"));
    assertFalse(b.isHandshake());
  }

  @Test
  void readsADeliveredEvent() {
    RbmPayload p = payloadOf(userEvent("DELIVERED", "evt-1", "msg-1", "2025-03-05T18:50:20Z"));
    assertEquals(RbmPayloadKind.USER_EVENT, p.kind());
    assertEquals(AGENT, p.agentId());
    assertTrue(p.userMessage().isEmpty());
    RbmUserEvent e = p.userEvent().orElseThrow();
    assertEquals(PhoneNumber.of(PHONE), e.senderPhoneNumber());
    assertEquals(RbmEventType.DELIVERED, e.eventType());
    assertEquals("DELIVERED", e.rawEventType());
    assertEquals("evt-1", e.eventId());
    assertEquals("msg-1", e.messageId());
    assertEquals(Optional.of(Instant.parse("2025-03-05T18:50:20Z")), e.sendTime().instant());
    assertEquals(AGENT, e.agentId());
    assertEquals(Optional.of(e.dedupeKey()), p.dedupeKey());
    assertEquals("evt-1", p.json().getString("eventId"));
  }

  @Test
  void anEventWithoutSendTimeHasTheAbsentTimestamp() {
    RbmUserEvent e = payloadOf(userEvent("READ", "evt-2", "msg-1", null)).userEvent().orElseThrow();
    assertEquals(RbmEventType.READ, e.eventType());
    assertSame(Timestamp.ABSENT, e.sendTime());
  }

  @Test
  void anEventWithoutAgentIdHasAnEmptyOne() {
    RbmPayload p = payloadOf("{\"senderPhoneNumber\":\"" + PHONE + "\",\"eventType\":\"READ\","
        + "\"eventId\":\"e\",\"messageId\":\"m\"}");
    assertEquals("", p.agentId());
    assertEquals("", p.userEvent().orElseThrow().agentId());
  }

  @ParameterizedTest
  @ValueSource(strings = {"IS_TYPING", "SUBSCRIBE", "UNSUBSCRIBE", "EVENT_TYPE_UNSPECIFIED"})
  void readsEventsThatNameNoMessage(String type) {
    RbmUserEvent e = payloadOf(userEvent(type, "evt-9", null, null)).userEvent().orElseThrow();
    assertEquals(RbmEventType.valueOf(type), e.eventType());
    assertEquals("", e.messageId());
  }

  @Test
  void keepsAnUnknownEventTypeRawAndPassesItOn() {
    RbmPayload p = payloadOf(userEvent("REACTION_ADDED", "evt-7", "msg-1", null));
    RbmUserEvent e = p.userEvent().orElseThrow();
    assertEquals(RbmEventType.UNKNOWN, e.eventType());
    assertEquals("REACTION_ADDED", e.rawEventType());
    assertEquals("evt-7", e.eventId());
  }

  @Test
  void readsATextMessage() {
    RbmPayload p = payloadOf(userMessage("\"text\":\"Hello, agent\""));
    assertEquals(RbmPayloadKind.USER_MESSAGE, p.kind());
    assertTrue(p.userEvent().isEmpty());
    RbmUserMessage m = p.userMessage().orElseThrow();
    assertEquals(PhoneNumber.of(PHONE), m.senderPhoneNumber());
    assertEquals("MxABCDEF", m.messageId());
    assertEquals(Optional.of(Instant.parse("2025-03-05T18:50:20.123456Z")), m.sendTime().instant());
    assertEquals(AGENT, m.agentId());
    assertEquals(RbmUserMessage.Content.TEXT, m.contentKind());
    assertEquals(Optional.of("Hello, agent"), m.text());
    assertEquals(Optional.of(m.dedupeKey()), p.dedupeKey());
    assertFalse(m.toString().contains("Hello"), m.toString());
    assertFalse(p.toString().contains("Hello"), p.toString());
  }

  @Test
  void readsAFileMessage() {
    RbmUserMessage m = payloadOf(userMessage("\"userFile\":{\"payload\":{\"mimeType\":\"image/jpeg\","
        + "\"fileSizeBytes\":1234,\"fileUri\":\"https://rcs-user-content.storage.googleapis.com/f\","
        + "\"fileName\":\"f.jpg\"}}")).userMessage().orElseThrow();
    assertEquals(RbmUserMessage.Content.USER_FILE, m.contentKind());
    assertEquals("image/jpeg", m.content().asJsonObject().getJsonObject("payload").getString("mimeType"));
    assertEquals(Optional.empty(), m.text());
  }

  @Test
  void readsALocationMessage() {
    RbmUserMessage m = payloadOf(userMessage("\"location\":{\"latitude\":37.422,\"longitude\":-122.084}"))
        .userMessage().orElseThrow();
    assertEquals(RbmUserMessage.Content.LOCATION, m.contentKind());
    assertEquals(-122.084, m.content().asJsonObject().getJsonNumber("longitude").doubleValue());
  }

  @Test
  void readsASuggestionResponse() {
    RbmUserMessage m = payloadOf(userMessage("\"suggestionResponse\":{\"postbackData\":\"yes\","
        + "\"text\":\"Yes\",\"type\":\"REPLY\"}")).userMessage().orElseThrow();
    assertEquals(RbmUserMessage.Content.SUGGESTION_RESPONSE, m.contentKind());
    assertEquals("yes", m.content().asJsonObject().getString("postbackData"));
    assertEquals(Optional.empty(), m.text(), "a suggestion's text is not the message's text");
  }

  @Test
  void aMessageOfAnUnknownContentKindIsPassedOn() {
    RbmPayload p = payloadOf(userMessage("\"sticker\":{\"id\":\"s1\"}"));
    RbmUserMessage m = p.userMessage().orElseThrow();
    assertEquals(RbmUserMessage.Content.UNKNOWN, m.contentKind());
    assertEquals(JsonValue.NULL, m.content());
    assertEquals("s1", p.json().getJsonObject("sticker").getString("id"));
  }

  @Test
  void anAgentLaunchEventIsPassedOnAsJson() {
    String data = "{\"agentId\":\"" + AGENT + "\",\"launchDetails\":{\"carrier\":\"Carrier\","
        + "\"launchState\":\"LAUNCHED\"}}";
    RbmPayload p = parser.payload(envelopeOf(envelope(data, "{\"business_id\":\"" + AGENT + "\","
        + "\"event_type\":\"LAUNCHED\",\"product\":\"RBM\",\"project_number\":\"3338881441851\","
        + "\"type\":\"agent_launch_event\"}")));
    assertEquals(RbmPayloadKind.AGENT_LAUNCH_EVENT, p.kind());
    assertEquals(AGENT, p.agentId());
    assertTrue(p.userEvent().isEmpty());
    assertTrue(p.dedupeKey().isEmpty());
    assertEquals("LAUNCHED", p.json().getJsonObject("launchDetails").getString("launchState"));
  }

  @Test
  void theLaunchAttributeWinsOverUserLookingData() {
    RbmPayload p = parser.payload(envelopeOf(envelope(userEvent("READ", "e", "m", null),
        "{\"type\":\"agent_launch_event\"}")));
    assertEquals(RbmPayloadKind.AGENT_LAUNCH_EVENT, p.kind());
  }

  @Test
  void aServerEventIsPassedOnAsJson() {
    RbmPayload p = payloadOf("{\"phoneNumber\":\"" + PHONE + "\",\"messageId\":\"msg-1\",\"agentId\":\""
        + AGENT + "\",\"eventType\":\"TTL_EXPIRATION_REVOKED\",\"eventId\":\"srv-1\","
        + "\"sendTime\":\"2025-03-05T18:50:20Z\"}");
    assertEquals(RbmPayloadKind.SERVER_EVENT, p.kind());
    assertEquals(AGENT, p.agentId());
    assertEquals("TTL_EXPIRATION_REVOKED", p.json().getString("eventType"));
    assertFalse(p.toString().contains(PHONE), p.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"{}", "{\"eventType\":\"SOMETHING_NEW\",\"eventId\":\"x\"}",
      "{\"eventType\":\"EVENT_TYPE_UNSPECIFIED\"}", "{\"future\":{\"a\":[1,2]}}"})
  void anythingElseIsPassedOnAsUnknown(String data) {
    RbmPayload p = payloadOf(data);
    assertEquals(RbmPayloadKind.UNKNOWN, p.kind());
    assertTrue(p.userEvent().isEmpty());
    assertTrue(p.userMessage().isEmpty());
  }

  @Test
  void aDeeperLimitRejectsWhatTheDefaultTakes() {
    String deep = "{\"a\":{\"b\":{\"c\":{\"d\":1}}}}";
    assertEquals(RbmPayloadKind.UNKNOWN, payloadOf(deep).kind());
    RbmParser shallow = RbmParser.create(ParserLimits.DEFAULTS.withMaxDepth(4));
    assertEquals(RbmPayloadKind.UNKNOWN, shallow.payload(shallow.parse(envelope(deep)).envelope().orElseThrow()).kind());
    String deeper = "{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":1}}}}}";
    RbmPayloadException e = assertThrows(RbmPayloadException.class,
        () -> shallow.payload(shallow.parse(envelope(deeper)).envelope().orElseThrow()));
    assertEquals("message.data: decoded data is nested deeper than 4 levels", e.getMessage());
  }

  @Test
  void depthCountsNoBracketsInsideStrings() {
    char[] text = "{\"a\":\"[[[[{{{{\\\"[[[[\"}".toCharArray();
    assertFalse(RbmParser.tooDeep(text, text.length, 1));
    char[] two = "{\"a\":[]}".toCharArray();
    assertTrue(RbmParser.tooDeep(two, two.length, 1));
  }

  @Test
  void aThousandLevelsFailWithOurErrorNotJsonPs() {
    String data = "[".repeat(1_000) + "]".repeat(1_000);
    RbmPayloadException e = assertThrows(RbmPayloadException.class, () -> payloadOf(data));
    assertEquals("message.data", e.path());
    assertEquals("decoded data is nested deeper than 64 levels", e.reason());
  }
}
