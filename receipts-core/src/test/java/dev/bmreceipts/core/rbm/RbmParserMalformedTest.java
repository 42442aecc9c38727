// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.core.rbm;

import static dev.bmreceipts.core.rbm.RbmFixtures.PHONE;
import static dev.bmreceipts.core.rbm.RbmFixtures.base64;
import static dev.bmreceipts.core.rbm.RbmFixtures.envelope;
import static dev.bmreceipts.core.rbm.RbmFixtures.envelopeWithEncodedData;
import static dev.bmreceipts.core.rbm.RbmFixtures.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bodies and data that must be refused: each fails with one {@link RbmPayloadException} whose
 * path and reason are exact, and whose message repeats neither {@value #SECRET}, hidden in a
 * value of every case, nor a whole phone number.
 */
class RbmParserMalformedTest {
  private static final String SECRET = "SECRETVALUE";
  private static final String BAD_PHONE = "+0447700900123";
  /** Three bytes whose URL-safe base64 uses both of that alphabet's own characters. */
  private static final String URL_SAFE =
      Base64.getUrlEncoder().encodeToString(new byte[] {(byte) 0xFB, (byte) 0xFF, (byte) 0xBF});

  /** One refused body, the step that refuses it, and what it must say. */
  record Case(String name, byte[] body, String path, String reason) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static Case body(String name, String body, String path, String reason) {
    return new Case(name, utf8(body), path, reason);
  }

  private static Case data(String name, String data, String path, String reason) {
    return new Case(name, envelope(data, "{\"k\":\"" + SECRET + "\"}"), path, reason);
  }

  private static String event(String members) {
    return "{\"agentId\":\"" + SECRET + "\"," + members + "}";
  }

  static Stream<Case> cases() {
    List<Case> c = new ArrayList<>();
    // the body
    c.add(body("empty body", " \r\n", "", "body is empty"));
    c.add(body("not JSON", "hello " + SECRET, "", "body is malformed JSON at line 1, column 1"));
    c.add(body("cut short", "{\"message\":{\"data\":\"" + SECRET, "", "body is malformed JSON: it ends early"));
    c.add(body("array", "[\"" + SECRET + "\"]", "", "body is not a JSON object (it is an array)"));
    c.add(body("trailing", "{\"message\":{\"data\":\"e30=\"}} {\"x\":\"" + SECRET + "\"}", "",
        "body has content after its JSON object"));
    c.add(new Case("not UTF-8", new byte[] {'{', '"', (byte) 0xC3, '"', ':', '1', '}'}, "",
        "body is not valid UTF-8 (byte 2)"));
    c.add(body("no message", "{\"subscription\":\"" + SECRET + "\"}", "message", "missing"));
    c.add(body("null message", "{\"message\":null,\"subscription\":\"" + SECRET + "\"}", "message", "missing"));
    c.add(body("message a string", "{\"message\":\"" + SECRET + "\"}", "message",
        "expected an object, got a string"));
    c.add(body("no data", "{\"message\":{\"messageId\":\"" + SECRET + "\"}}", "message.data", "missing"));
    c.add(body("data a number", "{\"message\":{\"data\":42,\"messageId\":\"" + SECRET + "\"}}", "message.data",
        "expected a string, got a number"));
    c.add(body("messageId a number", "{\"message\":{\"data\":\"e30=\",\"messageId\":7,\"x\":\"" + SECRET + "\"}}",
        "message.messageId", "expected a string, got a number"));
    c.add(body("publish_time an object", "{\"message\":{\"data\":\"e30=\",\"publish_time\":{\"s\":\"" + SECRET
        + "\"}}}", "message.publish_time", "expected a string, got an object"));
    c.add(body("subscription a boolean", "{\"message\":{\"data\":\"e30=\"},\"subscription\":true,\"x\":\""
        + SECRET + "\"}", "subscription", "expected a string, got a boolean"));
    c.add(body("attributes an array", "{\"message\":{\"data\":\"e30=\",\"attributes\":[\"" + SECRET + "\"]}}",
        "message.attributes", "expected an object, got an array"));
    c.add(body("attribute a number", "{\"message\":{\"data\":\"e30=\",\"attributes\":{\"type\":1,\"b\":\""
        + SECRET + "\"}}}", "message.attributes.type", "expected a string, got a number"));
    c.add(body("odd attribute name", "{\"message\":{\"data\":\"e30=\",\"attributes\":{\"" + SECRET
        + " x\":1}}}", "message.attributes.[?]", "expected a string, got a number"));
    c.add(body("handshake without secret", "{\"clientToken\":\"" + SECRET + "\"}", "secret", "missing"));
    c.add(body("handshake without token", "{\"secret\":\"" + SECRET + "\"}", "clientToken", "missing"));
    c.add(body("handshake token a number", "{\"clientToken\":5,\"secret\":\"" + SECRET + "\"}", "clientToken",
        "expected a string, got a number"));
    // base64
    c.add(new Case("data not base64", envelopeWithEncodedData(SECRET + "!!", "{}"), "message.data",
        "not valid base64"));
    c.add(new Case("data in the URL-safe alphabet",
        envelopeWithEncodedData(base64("{\"k\":\"" + SECRET + "\"}") + URL_SAFE, "{}"),
        "message.data", "not valid base64"));
    c.add(new Case("data with a line break", envelopeWithEncodedData(
        base64("{\"k\":\"" + SECRET + "\"}").substring(0, 8) + "\\n" + base64("{}"), "{}"), "message.data",
        "not valid base64"));
    return c.stream();
  }

  static Stream<Case> dataCases() {
    List<Case> c = new ArrayList<>();
    c.add(new Case("empty data", envelopeWithEncodedData("", "{}"), "message.data", "decoded data is empty"));
    c.add(data("data not JSON", "hello " + SECRET, "message.data",
        "decoded data is malformed JSON at line 1, column 1"));
    c.add(data("data cut short", "{\"a\":\"" + SECRET, "message.data", "decoded data is malformed JSON: it ends early"));
    c.add(data("data an array", "[\"" + SECRET + "\"]", "message.data", "decoded data is not a JSON object (it is an array)"));
    c.add(data("data a string", "\"" + SECRET + "\"", "message.data", "decoded data is not a JSON object (it is a string)"));
    c.add(data("data with trailing content", "{} \"" + SECRET + "\"", "message.data",
        "decoded data has content after its JSON object"));
    c.add(new Case("data not UTF-8", envelopeWithEncodedData(
        Base64.getEncoder().encodeToString(new byte[] {'{', '"', (byte) 0xFF, '"', ':', '1', '}'}), "{}"),
        "message.data", "decoded data is not valid UTF-8 (byte 2)"));
    // user events
    c.add(data("event without eventId", event("\"senderPhoneNumber\":\"" + PHONE + "\",\"eventType\":\"READ\","
        + "\"messageId\":\"m\""), "message.data.eventId", "missing"));
    c.add(data("event with empty eventId", event("\"senderPhoneNumber\":\"" + PHONE + "\",\"eventType\":\"READ\","
        + "\"eventId\":\"\",\"messageId\":\"m\""), "message.data.eventId", "must not be empty"));
    c.add(data("event with numeric eventId", event("\"senderPhoneNumber\":\"" + PHONE + "\",\"eventType\":\"READ\","
        + "\"eventId\":12,\"messageId\":\"m\""), "message.data.eventId", "expected a string, got a number"));
    c.add(data("DELIVERED without messageId", event("\"senderPhoneNumber\":\"" + PHONE + "\","
        + "\"eventType\":\"DELIVERED\",\"eventId\":\"e\""), "message.data.messageId",
        "missing, a DELIVERED event names the agent's message"));
    c.add(data("READ with empty messageId", event("\"senderPhoneNumber\":\"" + PHONE + "\","
        + "\"eventType\":\"READ\",\"eventId\":\"e\",\"messageId\":\"\""), "message.data.messageId",
        "missing, a READ event names the agent's message"));
    c.add(data("event without sender", event("\"eventType\":\"DELIVERED\",\"eventId\":\"e\",\"messageId\":\"m\""),
        "message.data.senderPhoneNumber", "missing"));
    c.add(data("typing without sender", event("\"eventType\":\"IS_TYPING\",\"eventId\":\"e\""),
        "message.data.senderPhoneNumber", "missing"));
    c.add(data("event with a bad phone", event("\"senderPhoneNumber\":\"" + BAD_PHONE + "\","
        + "\"eventType\":\"READ\",\"eventId\":\"e\",\"messageId\":\"m\""), "message.data.senderPhoneNumber",
        "phone number must be E.164 ('+' then 8 to 15 digits, the first not 0): its first digit is 0"));
    c.add(data("event with a phone without plus", event("\"senderPhoneNumber\":\"" + PHONE.substring(1) + "\","
        + "\"eventType\":\"READ\",\"eventId\":\"e\",\"messageId\":\"m\""), "message.data.senderPhoneNumber",
        "phone number must be E.164 ('+' then 8 to 15 digits, the first not 0): it does not start with '+'"));
    c.add(data("event with a numeric phone", event("\"senderPhoneNumber\":447700900123,"
        + "\"eventType\":\"READ\",\"eventId\":\"e\",\"messageId\":\"m\""), "message.data.senderPhoneNumber",
        "expected a string, got a number"));
    c.add(data("event type a number", event("\"senderPhoneNumber\":\"" + PHONE + "\",\"eventType\":3,"
        + "\"eventId\":\"e\""), "message.data.eventType", "expected a string, got a number"));
    c.add(data("agentId a number", "{\"agentId\":1,\"x\":\"" + SECRET + "\"}", "message.data.agentId",
        "expected a string, got a number"));
    // user messages
    c.add(data("message without messageId", event("\"senderPhoneNumber\":\"" + PHONE + "\",\"text\":\"hi\""),
        "message.data.messageId", "missing"));
    c.add(data("message with empty messageId", event("\"senderPhoneNumber\":\"" + PHONE + "\","
        + "\"messageId\":\"\",\"text\":\"hi\""), "message.data.messageId", "must not be empty"));
    c.add(data("message text an object", event("\"senderPhoneNumber\":\"" + PHONE + "\",\"messageId\":\"m\","
        + "\"text\":{\"t\":\"hi\"}"), "message.data.text", "expected a string, got an object"));
    c.add(data("message location a string", event("\"senderPhoneNumber\":\"" + PHONE + "\",\"messageId\":\"m\","
        + "\"location\":\"here\""), "message.data.location", "expected an object, got a string"));
    c.add(data("message with two contents", event("\"senderPhoneNumber\":\"" + PHONE + "\",\"messageId\":\"m\","
        + "\"text\":\"hi\",\"location\":{\"latitude\":1,\"longitude\":2}"), "message.data",
        "a user message carries one of text, userFile, location and suggestionResponse, this one more"));
    c.add(data("message without sender", event("\"messageId\":\"m\",\"text\":\"hi\""),
        "message.data.senderPhoneNumber", "missing"));
    c.add(data("message with a short phone", event("\"senderPhoneNumber\":\"+4477009\",\"messageId\":\"m\","
        + "\"text\":\"hi\""), "message.data.senderPhoneNumber",
        "phone number must be E.164 ('+' then 8 to 15 digits, the first not 0): it has 7 digits"));
    return c.stream();
  }

  @ParameterizedTest
  @MethodSource("cases")
  void refusesTheBody(Case c) {
    RbmPayloadException e = assertThrows(RbmPayloadException.class, () -> RbmParser.create().parse(c.body()));
    check(c, e);
  }

  @ParameterizedTest
  @MethodSource("cases")
  void refusesTheBodyAtAnOffset(Case c) {
    byte[] padded = new byte[c.body().length + 6];
    System.arraycopy(c.body(), 0, padded, 3, c.body().length);
    padded[0] = '{';
    padded[padded.length - 1] = '}';
    RbmPayloadException e = assertThrows(RbmPayloadException.class,
        () -> RbmParser.create().parse(padded, 3, c.body().length));
    check(c, e);
  }

  @ParameterizedTest
  @MethodSource("dataCases")
  void acceptsTheEnvelopeButRefusesItsData(Case c) {
    RbmParser parser = RbmParser.create();
    RbmEnvelope envelope = parser.parse(c.body()).envelope().orElseThrow();
    RbmPayloadException e = assertThrows(RbmPayloadException.class, () -> parser.payload(envelope));
    check(c, e);
  }

  private static void check(Case c, RbmPayloadException e) {
    assertEquals(c.path(), e.path(), c.name());
    assertEquals(c.reason(), e.reason(), c.name());
    assertEquals(c.path().isEmpty() ? c.reason() : c.path() + ": " + c.reason(), e.getMessage());
    assertFalse(e.getMessage().contains(SECRET), e.getMessage());
    assertFalse(e.getMessage().contains(PHONE.substring(1)), e.getMessage());
    assertFalse(e.getMessage().contains(BAD_PHONE.substring(1)), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }
}
