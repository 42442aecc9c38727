// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.core.rbm;

import static dev.bmreceipts.core.internal.JsonText.describe;
import static dev.bmreceipts.core.internal.JsonText.isBlank;
import static dev.bmreceipts.core.internal.JsonText.segment;

import dev.bmreceipts.core.ParserLimits;
import dev.bmreceipts.core.Timestamp;
import dev.bmreceipts.core.Verification;
import dev.bmreceipts.core.internal.StrictUtf8;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonLocation;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParser.Event;
import jakarta.json.stream.JsonParserFactory;
import jakarta.json.stream.JsonParsingException;
import java.io.CharArrayReader;
import java.nio.CharBuffer;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads RBM webhook bodies in two steps, so that a webhook can check the signature in between:
 *
 * <ol>
 *   <li>{@link #parse(byte[])}: the body is the verification handshake or a Pub/Sub push
 *       envelope, whose {@code message.data} it base64-decodes. {@link RbmSignature} then checks
 *       {@link RbmEnvelope#data()}.
 *   <li>{@link #payload(RbmEnvelope)}: the decoded data, which must be a JSON object, classified
 *       as a user event, a user message, a server event, an agent launch event or something else.
 *       Only user events and user messages have required members; every other kind, and every
 *       unknown member or {@code eventType}, is passed on, never an error.
 * </ol>
 *
 * <p>Anything wrong fails with one {@link RbmPayloadException} whose one-line message names the
 * JSON path and never repeats the payload's values or a whole phone number. Bodies and decoded
 * data must be UTF-8 (a leading byte-order mark is skipped) and nest no deeper than
 * {@link ParserLimits#maxDepth()}; their size is the caller's to bound (the webhook's body limit).
 * A JSON {@code null} counts as absent.
 *
 * <p>{@code message.data} is decoded with the standard base64 alphabet ({@link
 * Base64#getDecoder()}), padding optional: a push carries proto3 JSON bytes, which Pub/Sub writes
 * in that alphabet. The URL-safe alphabet, and line breaks or spaces inside the text, are errors.
 *
 * <p>Instances are thread-safe and stateless; create one and share it. The JSON-P provider is
 * looked up once, at {@link #create()}.
 */
public final class RbmParser {
  private static final String DATA = "message.data";
  private static final String DATA_MEMBER = DATA + ".";
  private static final String AGENT_LAUNCH_EVENT = "agent_launch_event";

  private final JsonParserFactory factory;
  private final ParserLimits limits;

  private RbmParser(ParserLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits cannot be null, use ParserLimits.DEFAULTS");
    this.factory = Json.createParserFactory(Map.of());
  }

  /** A parser with {@link ParserLimits#DEFAULTS}. */
  public static RbmParser create() {
    return new RbmParser(ParserLimits.DEFAULTS);
  }

  /** A parser with the given limits; only {@link ParserLimits#maxDepth()} applies. */
  public static RbmParser create(ParserLimits limits) {
    return new RbmParser(limits);
  }

  /** The limits this parser applies. */
  public ParserLimits limits() {
    return limits;
  }

  /**
   * Reads one webhook body: the handshake when it has no {@code message} member but has {@code
   * clientToken} or {@code secret}, else the push envelope.
   *
   * @throws RbmPayloadException when the body is not JSON, not an object, a handshake without
   *     both strings, or an envelope without {@code message}, with a member of the wrong type, or
   *     with {@code message.data} missing or not base64
   */
  public RbmBody parse(byte[] body) {
    return parse(body, 0, body.length);
  }

  /**
   * Reads {@code length} bytes of {@code body} from {@code offset}, as {@link #parse(byte[])}.
   *
   * @throws RbmPayloadException as {@link #parse(byte[])}
   */
  public RbmBody parse(byte[] body, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, body.length);
    JsonObject top = readObject(body, offset, length, "", "body");
    JsonValue message = present(top, "message");
    if (message == null) {
      if (present(top, "clientToken") != null || present(top, "secret") != null) {
        return RbmBody.of(new Verification(
            requiredString(top, "clientToken", ""), requiredString(top, "secret", "")));
      }
      throw new RbmPayloadException("message", "missing");
    }
    JsonObject m = object(message, "message");
    Map<String, String> attributes = attributes(m);
    String data = requiredString(m, "data", "message.");
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(data);
    } catch (IllegalArgumentException e) {
      throw new RbmPayloadException(DATA, "not valid base64");
    }
    String messageId = eitherString(m, "messageId", "message_id");
    Timestamp publishTime = Timestamp.parse(eitherString(m, "publishTime", "publish_time"));
    String subscription = optionalString(top, "subscription", "");
    return RbmBody.of(new RbmEnvelope(attributes, decoded, messageId, publishTime, subscription));
  }

  /**
   * Classifies an envelope's decoded data:
   *
   * <ul>
   *   <li>{@code attributes.type} is {@code agent_launch_event}: {@link
   *       RbmPayloadKind#AGENT_LAUNCH_EVENT};
   *   <li>{@code senderPhoneNumber} with {@code eventType}: {@link RbmPayloadKind#USER_EVENT},
   *       which needs {@code eventId}, and {@code messageId} for {@code DELIVERED} and {@code READ};
   *   <li>{@code senderPhoneNumber} without {@code eventType}: {@link
   *       RbmPayloadKind#USER_MESSAGE}, which needs {@code messageId} and carries at most one of
   *       {@code text}, {@code userFile}, {@code location}, {@code suggestionResponse};
   *   <li>{@code phoneNumber}: {@link RbmPayloadKind#SERVER_EVENT};
   *   <li>a user event's {@code eventType} ({@code DELIVERED}, {@code READ}, {@code IS_TYPING},
   *       {@code SUBSCRIBE}, {@code UNSUBSCRIBE}) or a user message's content without {@code
   *       senderPhoneNumber}: an error, since it is a user event or message that lost its sender;
   *   <li>anything else: {@link RbmPayloadKind#UNKNOWN}.
   * </ul>
   *
   * @throws RbmPayloadException when the data is not a JSON object, or a user event or message
   *     misses a required member, has one of the wrong type, or has a phone number that is not
   *     E.164
   */
  public RbmPayload payload(RbmEnvelope envelope) {
    byte[] data = envelope.dataUnsafe();
    JsonObject json = readObject(data, 0, data.length, DATA, "decoded data");
    String agentId = optionalString(json, "agentId", DATA_MEMBER);
    if (AGENT_LAUNCH_EVENT.equals(envelope.attributes().get("type"))) {
      return other(RbmPayloadKind.AGENT_LAUNCH_EVENT, agentId, json);
    }
    boolean hasEventType = present(json, "eventType") != null;
    if (present(json, "senderPhoneNumber") != null) {
      return hasEventType ? userEvent(json, agentId) : userMessage(json, agentId);
    }
    if (present(json, "phoneNumber") != null) {
      return other(RbmPayloadKind.SERVER_EVENT, agentId, json);
    }
    boolean userEventType = hasEventType
        && json.get("eventType") instanceof JsonString
        && isUserEventType(RbmEventType.fromWire(json.getString("eventType")));
    boolean userContent = !hasEventType && contentCount(json) > 0;
    if (userEventType || userContent) {
      throw new RbmPayloadException(DATA_MEMBER + "senderPhoneNumber", "missing");
    }
    return other(RbmPayloadKind.UNKNOWN, agentId, json);
  }

  private static boolean isUserEventType(RbmEventType type) {
    return type != RbmEventType.UNKNOWN && type != RbmEventType.EVENT_TYPE_UNSPECIFIED;
  }

  private static RbmPayload other(RbmPayloadKind kind, String agentId, JsonObject json) {
    return new RbmPayload(kind, agentId, Optional.empty(), Optional.empty(), json);
  }

  private static RbmPayload userEvent(JsonObject json, String agentId) {
    PhoneNumber phone = phone(json, "senderPhoneNumber");
    String rawType = requiredString(json, "eventType", DATA_MEMBER);
    RbmEventType type = RbmEventType.fromWire(rawType);
    String eventId = nonEmptyString(json, "eventId");
    String messageId = optionalString(json, "messageId", DATA_MEMBER);
    if (type.namesAMessage() && messageId.isEmpty()) {
      throw new RbmPayloadException(DATA_MEMBER + "messageId",
          "missing, a " + type + " event names the agent's message");
    }
    Timestamp sendTime = Timestamp.parse(optionalString(json, "sendTime", DATA_MEMBER));
    RbmUserEvent event = new RbmUserEvent(phone, type, rawType, eventId, messageId, sendTime, agentId);
    return new RbmPayload(RbmPayloadKind.USER_EVENT, agentId, Optional.of(event),
        Optional.empty(), json);
  }

  private static RbmPayload userMessage(JsonObject json, String agentId) {
    PhoneNumber phone = phone(json, "senderPhoneNumber");
    String messageId = nonEmptyString(json, "messageId");
    Timestamp sendTime = Timestamp.parse(optionalString(json, "sendTime", DATA_MEMBER));
    if (contentCount(json) > 1) {
      throw new RbmPayloadException(DATA, "a user message carries one of text, userFile, location"
          + " and suggestionResponse, this one more");
    }
    RbmUserMessage.Content kind = RbmUserMessage.Content.UNKNOWN;
    JsonValue content = JsonValue.NULL;
    for (RbmUserMessage.Content c : RbmUserMessage.Content.values()) {
      JsonValue v = c == RbmUserMessage.Content.UNKNOWN ? null : present(json, c.member());
      if (v != null) {
        JsonValue.ValueType want = c == RbmUserMessage.Content.TEXT
            ? JsonValue.ValueType.STRING : JsonValue.ValueType.OBJECT;
        if (v.getValueType() != want) {
          throw wrongType(DATA_MEMBER + c.member(), want == JsonValue.ValueType.STRING ? "a string" : "an object", v);
        }
        kind = c;
        content = v;
      }
    }
    RbmUserMessage message = new RbmUserMessage(phone, messageId, sendTime, agentId, kind, content);
    return new RbmPayload(RbmPayloadKind.USER_MESSAGE, agentId, Optional.empty(),
        Optional.of(message), json);
  }

  private static int contentCount(JsonObject json) {
    int n = 0;
    for (RbmUserMessage.Content c : RbmUserMessage.Content.values()) {
      if (c != RbmUserMessage.Content.UNKNOWN && present(json, c.member()) != null) {
        n++;
      }
    }
    return n;
  }

  private static PhoneNumber phone(JsonObject json, String name) {
    String text = requiredString(json, name, DATA_MEMBER);
    try {
      return new PhoneNumber(text);
    } catch (InvalidPhoneNumberException e) {
      throw new RbmPayloadException(DATA_MEMBER + name, e.getMessage());
    }
  }

  private static Map<String, String> attributes(JsonObject message) {
    JsonValue v = present(message, "attributes");
    if (v == null) {
      return Map.of();
    }
    JsonObject o = object(v, "message.attributes");
    Map<String, String> attributes = new LinkedHashMap<>();
    for (Map.Entry<String, JsonValue> e : o.entrySet()) {
      if (!(e.getValue() instanceof JsonString)) {
        throw wrongType("message.attributes." + segment(e.getKey()), "a string", e.getValue());
      }
      attributes.put(e.getKey(), ((JsonString) e.getValue()).getString());
    }
    return attributes;
  }

  /** The member's value, or {@code null} when it is absent or JSON {@code null}. */
  private static JsonValue present(JsonObject o, String name) {
    JsonValue v = o.get(name);
    return v == null || v.getValueType() == JsonValue.ValueType.NULL ? null : v;
  }

  private static JsonObject object(JsonValue v, String path) {
    if (v.getValueType() != JsonValue.ValueType.OBJECT) {
      throw wrongType(path, "an object", v);
    }
    return v.asJsonObject();
  }

  private static String optionalString(JsonObject o, String name, String prefix) {
    JsonValue v = present(o, name);
    if (v == null) {
      return "";
    }
    if (!(v instanceof JsonString)) {
      throw wrongType(prefix + name, "a string", v);
    }
    return ((JsonString) v).getString();
  }

  private static String requiredString(JsonObject o, String name, String prefix) {
    if (present(o, name) == null) {
      throw new RbmPayloadException(prefix + name, "missing");
    }
    return optionalString(o, name, prefix);
  }

  private static String nonEmptyString(JsonObject o, String name) {
    String s = requiredString(o, name, DATA_MEMBER);
    if (s.isEmpty()) {
      throw new RbmPayloadException(DATA_MEMBER + name, "must not be empty");
    }
    return s;
  }

  /** The first spelling when present, else the second; {@code ""} when neither is. */
  private static String eitherString(JsonObject message, String camel, String snake) {
    return present(message, camel) != null
        ? optionalString(message, camel, "message.")
        : optionalString(message, snake, "message.");
  }

  private static RbmPayloadException wrongType(String path, String expected, JsonValue got) {
    return new RbmPayloadException(path, "expected " + expected + ", got " + describe(got));
  }

  /** Reads one JSON object, {@code subject} naming it in reasons ({@code body}, {@code decoded data}). */
  private JsonObject readObject(byte[] bytes, int offset, int length, String path, String subject) {
    CharBuffer chars;
    try {
      chars = StrictUtf8.decode(bytes, offset, length);
    } catch (StrictUtf8.MalformedException e) {
      throw new RbmPayloadException(path, subject + " is not valid UTF-8 (byte " + e.offset() + ")");
    }
    int n = chars.position();
    char[] a = chars.array();
    if (isBlank(a, n)) {
      throw new RbmPayloadException(path, subject + " is empty");
    }
    if (tooDeep(a, n, limits.maxDepth())) {
      throw new RbmPayloadException(path, subject + " is nested deeper than " + limits.maxDepth() + " levels");
    }
    try (JsonParser parser = factory.createParser(new CharArrayReader(a, 0, n))) {
      Event first = parser.next();
      if (first != Event.START_OBJECT) {
        throw new RbmPayloadException(path, subject + " is not a JSON object (it is " + describe(first) + ")");
      }
      JsonObject object = parser.getObject();
      if (hasTrailingContent(parser)) {
        throw new RbmPayloadException(path, subject + " has content after its JSON object");
      }
      return object;
    } catch (JsonParsingException e) {
      JsonLocation at = e.getLocation();
      if (at == null || at.getStreamOffset() >= n) {
        throw new RbmPayloadException(path, subject + " is malformed JSON: it ends early");
      }
      throw new RbmPayloadException(path, subject + " is malformed JSON at line " + at.getLineNumber()
          + ", column " + at.getColumnNumber());
    } catch (JsonException e) {
      throw new RbmPayloadException(path, subject + " is malformed JSON");
    }
  }

  /** Parsson's hasNext() throws, rather than answers true, when a token follows the object. */
  private static boolean hasTrailingContent(JsonParser parser) {
    try {
      return parser.hasNext();
    } catch (JsonParsingException e) {
      return true;
    }
  }

  /**
   * Whether objects and arrays nest deeper than {@code max} outside strings: checked before
   * JSON-P builds a tree, which from depth 1000 on fails with an exception that is no JSON error.
   */
  static boolean tooDeep(char[] a, int n, int max) {
    int depth = 0;
    boolean inString = false;
    for (int i = 0; i < n; i++) {
      char c = a[i];
      if (inString) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '{' || c == '[') {
        if (++depth > max) {
          return true;
        }
      } else if (c == '}' || c == ']') {
        depth--;
      }
    }
    return false;
  }
}
