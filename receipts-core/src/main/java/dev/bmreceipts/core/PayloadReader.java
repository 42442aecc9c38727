// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.core;

import static dev.bmreceipts.core.internal.JsonText.describe;
import static dev.bmreceipts.core.internal.JsonText.isBlank;
import static dev.bmreceipts.core.internal.JsonText.segment;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonLocation;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParser.Event;
import jakarta.json.stream.JsonParserFactory;
import jakarta.json.stream.JsonParsingException;
import dev.bmreceipts.core.internal.StrictUtf8;
import java.io.CharArrayReader;
import java.nio.CharBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** One parse: the event-driven reader behind {@link WebhookParser}. Not thread-safe; one per body. */
final class PayloadReader {
  private static final JsonProvider PROVIDER = JsonProvider.provider();

  private final JsonParserFactory factory;
  private final ParserLimits limits;
  private JsonParser parser;
  /** Chars in the decoded body: a syntax error located at or past it is the body ending early. */
  private int bodyChars;

  private String agent = "";
  private String conversationId = "";
  private String customAgentId = "";
  private String requestId;
  private String sendTime;
  private String clientToken;
  private String secret;
  private PayloadKind kind;
  private ReceiptsPart receipts;
  private JsonObjectBuilder others;

  /** What the {@code receipts} member held, before the common fields are known. */
  private record ReceiptsPart(List<Receipt> receipts, String createTime) {}

  PayloadReader(JsonParserFactory factory, ParserLimits limits) {
    this.factory = factory;
    this.limits = limits;
  }

  WebhookPayload read(byte[] body, int offset, int length) {
    CharBuffer chars;
    try {
      chars = StrictUtf8.decode(body, offset, length);
    } catch (StrictUtf8.MalformedException e) {
      throw new PayloadException("", "body is not valid UTF-8 (byte " + e.offset() + ")");
    }
    if (isBlank(chars.array(), chars.position())) {
      throw new PayloadException("", "body is empty");
    }
    bodyChars = chars.position();
    parser = factory.createParser(new CharArrayReader(chars.array(), 0, bodyChars));
    try {
      Event first = parser.next();
      if (first != Event.START_OBJECT) {
        throw new PayloadException("", "expected a JSON object, got " + describe(first));
      }
      readTopLevel();
      if (hasTrailingContent()) {
        throw new PayloadException("", "unexpected content after the JSON object");
      }
    } catch (JsonParsingException e) {
      throw syntax("", e);
    } finally {
      parser.close();
    }
    return build();
  }

  /** Parsson's hasNext() throws, rather than answers true, when a token follows the object. */
  private boolean hasTrailingContent() {
    try {
      return parser.hasNext();
    } catch (JsonParsingException e) {
      return true;
    }
  }

  private void readTopLevel() {
    Event e;
    while ((e = parser.next()) != Event.END_OBJECT) {
      String key = key(e, "");
      switch (key) {
        case "agent":
          agent = string(key);
          break;
        case "conversationId":
          conversationId = string(key);
          break;
        case "customAgentId":
          customAgentId = string(key);
          break;
        case "requestId":
          requestId = nullableString(key);
          break;
        case "sendTime":
          sendTime = nullableString(key);
          break;
        case "clientToken":
          clientToken = nullableString(key);
          break;
        case "secret":
          secret = nullableString(key);
          break;
        case "receipts":
          expectObject(parser.next(), key);
          receipts = readReceipts();
          kind = kind == null ? PayloadKind.RECEIPTS : kind;
          break;
        default:
          PayloadKind k = PayloadKind.ofMember(key);
          Event valueEvent = parser.next();
          if (k != null) {
            expectObject(valueEvent, key);
            kind = kind == null ? k : kind;
          }
          if (others == null) {
            others = PROVIDER.createObjectBuilder();
          }
          others.add(key, tree(valueEvent, 2, segment(key)));
      }
    }
  }

  private ReceiptsPart readReceipts() {
    List<Receipt> list = List.of();
    String createTime = null;
    Event e;
    while ((e = parser.next()) != Event.END_OBJECT) {
      String key = skippedKey("receipts");
      if (key.equals("receipts")) {
        list = readReceiptArray();
      } else if (key.equals("createTime")) {
        createTime = nullableString("receipts.createTime");
      } else {
        skip(parser.next(), 3, "receipts." + segment(key));
      }
    }
    return new ReceiptsPart(list, createTime);
  }

  private List<Receipt> readReceiptArray() {
    Event e = parser.next();
    if (e == Event.VALUE_NULL) {
      return List.of();
    }
    if (e != Event.START_ARRAY) {
      throw new PayloadException("receipts.receipts", "expected an array, got " + describe(e));
    }
    List<Receipt> list = new ArrayList<>();
    while ((e = parser.next()) != Event.END_ARRAY) {
      int index = list.size();
      if (index == limits.maxReceipts()) {
        throw new PayloadException(
            "receipts.receipts", "more than " + limits.maxReceipts() + " receipts");
      }
      try {
        list.add(readReceipt(e, index));
      } catch (JsonParsingException ex) {
        throw syntax("receipts.receipts[" + index + "]", ex);
      }
    }
    return list;
  }

  private Receipt readReceipt(Event start, int index) {
    if (start != Event.START_OBJECT) {
      throw new PayloadException(
          "receipts.receipts[" + index + "]", "expected an object, got " + describe(start));
    }
    String message = null;
    String rawType = "";
    Event e;
    while ((e = parser.next()) != Event.END_OBJECT) {
      String key = skippedKey("receipts.receipts[" + index + "]");
      if (key.equals("message")) {
        message = nullableString("receipts.receipts[" + index + "].message");
      } else if (key.equals("receiptType")) {
        String t = nullableString("receipts.receipts[" + index + "].receiptType");
        rawType = t == null ? "" : t;
      } else {
        skip(parser.next(), 5, "receipts.receipts[" + index + "]." + segment(key));
      }
    }
    if (message == null) {
      throw new PayloadException("receipts.receipts[" + index + "].message", "missing");
    }
    MessageName name;
    try {
      name = MessageName.parse(message);
    } catch (InvalidMessageNameException ex) {
      throw new PayloadException("receipts.receipts[" + index + "].message", ex.getMessage());
    }
    return new Receipt(name, ReceiptType.fromWire(rawType), rawType);
  }

  private WebhookPayload build() {
    JsonObject json = others == null ? JsonValue.EMPTY_JSON_OBJECT : others.build();
    Optional<String> request = Optional.ofNullable(requestId);
    Timestamp sent = Timestamp.parse(sendTime);
    if (kind == null) {
      kind = clientToken != null && secret != null ? PayloadKind.VERIFICATION : PayloadKind.UNKNOWN;
    }
    Optional<UserReceipts> userReceipts = Optional.empty();
    if (kind == PayloadKind.RECEIPTS) {
      userReceipts = Optional.of(new UserReceipts(agent, conversationId, customAgentId, request,
          sent, Timestamp.parse(receipts.createTime()), receipts.receipts()));
    }
    Optional<UserMessage> message = Optional.empty();
    if (kind == PayloadKind.MESSAGE) {
      message = Optional.of(userMessage(json.getJsonObject("message")));
    }
    Optional<Verification> verification = kind == PayloadKind.VERIFICATION
        ? Optional.of(new Verification(clientToken, secret))
        : Optional.empty();
    return new WebhookPayload(kind, agent, conversationId, customAgentId, request, sent,
        userReceipts, message, verification, json);
  }

  static UserMessage userMessage(JsonObject m) {
    return new UserMessage(
        member(m, "messageId"),
        member(m, "name"),
        member(m, "text"),
        Timestamp.parse(member(m, "createTime")),
        m);
  }

  private static String member(JsonObject m, String name) {
    JsonValue v = m.get(name);
    if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
      return "";
    }
    if (v.getValueType() != JsonValue.ValueType.STRING) {
      throw new PayloadException("message." + name, "expected a string, got " + describe(v));
    }
    return ((jakarta.json.JsonString) v).getString();
  }

  // ---- building blocks ----

  private String key(Event e, String parentPath) {
    // only KEY_NAME can follow inside an object; the parser itself rejects anything else
    String key = skippedKey(parentPath);
    if (MessageName.unpairedSurrogate(key, 0, key.length()) >= 0) {
      throw new PayloadException(parentPath, "member name " + MessageName.UNPAIRED);
    }
    return key;
  }

  /** A member name whose value is skipped: only the length limit applies, it is never exposed. */
  private String skippedKey(String parentPath) {
    String key = parser.getString();
    if (key.length() > limits.maxStringLength()) {
      throw new PayloadException(parentPath,
          "member name longer than " + limits.maxStringLength() + " characters");
    }
    return key;
  }

  /**
   * Checks a string this reader exposes: within the length limit, and valid Unicode. JSON's
   * {@code \ud800} escape can name a lone surrogate, which no UTF-8 journal, URL or database can
   * hold as it is; the strict UTF-8 decoding of the body rules out every other way to get one.
   */
  private String exposed(String s, String path) {
    if (s.length() > limits.maxStringLength()) {
      throw tooLong(path);
    }
    if (MessageName.unpairedSurrogate(s, 0, s.length()) >= 0) {
      throw new PayloadException(path, "string " + MessageName.UNPAIRED);
    }
    return s;
  }

  private String string(String path) {
    String s = nullableString(path);
    return s == null ? "" : s;
  }

  private String nullableString(String path) {
    Event e = parser.next();
    if (e == Event.VALUE_STRING) {
      return exposed(parser.getString(), path);
    }
    if (e == Event.VALUE_NULL) {
      return null;
    }
    throw new PayloadException(path, "expected a string, got " + describe(e));
  }

  private static void expectObject(Event e, String path) {
    if (e != Event.START_OBJECT) {
      throw new PayloadException(path, "expected an object, got " + describe(e));
    }
  }

  /** Reads the value that {@code e} starts into a tree, at nesting {@code depth}. */
  private JsonValue tree(Event e, int depth, String path) {
    try {
      switch (e) {
        case START_OBJECT: {
          checkDepth(depth, path);
          JsonObjectBuilder b = PROVIDER.createObjectBuilder();
          Event next;
          while ((next = parser.next()) != Event.END_OBJECT) {
            String key = key(next, path);
            String child = path + "." + segment(key);
            b.add(key, tree(parser.next(), depth + 1, child));
          }
          return b.build();
        }
        case START_ARRAY: {
          checkDepth(depth, path);
          JsonArrayBuilder b = PROVIDER.createArrayBuilder();
          Event next;
          int i = 0;
          while ((next = parser.next()) != Event.END_ARRAY) {
            b.add(tree(next, depth + 1, path + "[" + i++ + "]"));
          }
          return b.build();
        }
        case VALUE_STRING:
          exposed(parser.getString(), path);
          return parser.getValue();
        case VALUE_NUMBER:
          return number(path);
        default:
          return parser.getValue();
      }
    } catch (JsonParsingException ex) {
      throw syntax(path, ex);
    }
  }

  /**
   * A number as JSON. The implementation may refuse one it deems too long (Parsson throws
   * UnsupportedOperationException past 1100 chars): that is bad input, not a server error.
   */
  private JsonValue number(String path) {
    try {
      return parser.getValue();
    } catch (UnsupportedOperationException | ArithmeticException | NumberFormatException ex) {
      throw new PayloadException(path, "number too long to read");
    }
  }

  /** Skips the value that {@code e} starts, enforcing the depth limit. */
  private void skip(Event e, int depth, String path) {
    if (e == Event.VALUE_STRING) {
      checkLength(path);
      return;
    }
    if (e != Event.START_OBJECT && e != Event.START_ARRAY) {
      return;
    }
    checkDepth(depth, path);
    int open = 1;
    try {
      while (open > 0) {
        Event next = parser.next();
        if (next == Event.START_OBJECT || next == Event.START_ARRAY) {
          open++;
          checkDepth(depth + open - 1, path);
        } else if (next == Event.END_OBJECT || next == Event.END_ARRAY) {
          open--;
        } else if (next == Event.KEY_NAME) {
          skippedKey(path);
        } else if (next == Event.VALUE_STRING) {
          checkLength(path);
        }
      }
    } catch (JsonParsingException ex) {
      throw syntax(path, ex);
    }
  }

  private void checkDepth(int depth, String path) {
    if (depth > limits.maxDepth()) {
      throw new PayloadException(path, "nested deeper than " + limits.maxDepth() + " levels");
    }
  }

  /** Applies the string limit to skipped strings and member names too. */
  private void checkLength(String path) {
    if (parser.getString().length() > limits.maxStringLength()) {
      throw tooLong(path);
    }
  }

  private PayloadException tooLong(String path) {
    return new PayloadException(path, "string longer than " + limits.maxStringLength() + " characters");
  }

  private PayloadException syntax(String path, JsonParsingException e) {
    JsonLocation at = e.getLocation();
    if (at != null && at.getStreamOffset() >= bodyChars) {
      // at the end of input Parsson reports a location past the body; it is no help to a caller
      return new PayloadException(path, "malformed JSON: the body ends early");
    }
    String where = at == null ? "" : " at line " + at.getLineNumber() + ", column " + at.getColumnNumber();
    return new PayloadException(path, "malformed JSON" + where);
  }
}
