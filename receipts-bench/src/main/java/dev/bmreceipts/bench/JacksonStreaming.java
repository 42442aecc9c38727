// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.bmreceipts.core.MessageName;
import dev.bmreceipts.core.Receipt;
import dev.bmreceipts.core.ReceiptType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The hand-written Jackson streaming baseline: pulls exactly the {@link Extracted} fields and
 * skips everything else. For fairness it builds the same {@link Receipt} records as our parser,
 * validating each message name with {@link MessageName#parse}. Thread-safe.
 */
public final class JacksonStreaming {
  private final JsonFactory factory;

  private JacksonStreaming(JsonFactory factory) {
    this.factory = Objects.requireNonNull(factory, "factory cannot be null");
  }

  /** An extractor over a default {@link JsonFactory}. */
  public static JacksonStreaming create() {
    return new JacksonStreaming(new JsonFactory());
  }

  /**
   * Extracts the fields of one UTF-8 body.
   *
   * @throws IllegalArgumentException when the body is not a JSON object of the expected types
   * @throws UncheckedIOException when Jackson reports malformed JSON
   */
  public Extracted extract(byte[] body) {
    try (JsonParser p = factory.createParser(body)) {
      return read(p);
    } catch (IOException e) {
      throw new UncheckedIOException("malformed JSON", e);
    }
  }

  private static Extracted read(JsonParser p) throws IOException {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      throw new IllegalArgumentException("expected a JSON object");
    }
    String agent = "";
    String conversationId = "";
    String requestId = "";
    String sendTime = "";
    Part part = Part.NONE;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      switch (name) {
        case "agent":
          agent = string(p, value);
          break;
        case "conversationId":
          conversationId = string(p, value);
          break;
        case "requestId":
          requestId = string(p, value);
          break;
        case "sendTime":
          sendTime = string(p, value);
          break;
        case "receipts":
          part = receipts(p, value);
          break;
        case "message":
          part = message(p, value);
          break;
        default:
          p.skipChildren();
      }
    }
    return new Extracted(agent, conversationId, requestId, sendTime, part.createTime,
        part.receipts, part.messageId, part.messageName, part.text);
  }

  /** What the kind's member held. */
  private static final class Part {
    static final Part NONE = new Part("", List.of(), "", "", "");

    final String createTime;
    final List<Receipt> receipts;
    final String messageId;
    final String messageName;
    final String text;

    Part(String createTime, List<Receipt> receipts, String messageId, String messageName,
        String text) {
      this.createTime = createTime;
      this.receipts = receipts;
      this.messageId = messageId;
      this.messageName = messageName;
      this.text = text;
    }
  }

  private static Part receipts(JsonParser p, JsonToken start) throws IOException {
    expectObject(start, "receipts");
    String createTime = "";
    List<Receipt> list = List.of();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      if (name.equals("receipts")) {
        list = receiptArray(p, value);
      } else if (name.equals("createTime")) {
        createTime = string(p, value);
      } else {
        p.skipChildren();
      }
    }
    return new Part(createTime, list, "", "", "");
  }

  private static List<Receipt> receiptArray(JsonParser p, JsonToken start) throws IOException {
    if (start == JsonToken.VALUE_NULL) {
      return List.of();
    }
    if (start != JsonToken.START_ARRAY) {
      throw new IllegalArgumentException("receipts.receipts: expected an array");
    }
    List<Receipt> list = new ArrayList<>();
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      expectObject(t, "receipts.receipts[]");
      String message = null;
      String type = "";
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (name.equals("message")) {
          message = string(p, value);
        } else if (name.equals("receiptType")) {
          type = string(p, value);
        } else {
          p.skipChildren();
        }
      }
      if (message == null) {
        throw new IllegalArgumentException("receipts.receipts[].message: missing");
      }
      list.add(new Receipt(MessageName.parse(message), ReceiptType.fromWire(type), type));
    }
    return list;
  }

  private static Part message(JsonParser p, JsonToken start) throws IOException {
    expectObject(start, "message");
    String messageId = "";
    String name = "";
    String text = "";
    String createTime = "";
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "messageId":
          messageId = string(p, value);
          break;
        case "name":
          name = string(p, value);
          break;
        case "text":
          text = string(p, value);
          break;
        case "createTime":
          createTime = string(p, value);
          break;
        default:
          p.skipChildren();
      }
    }
    return new Part(createTime, List.of(), messageId, name, text);
  }

  private static String string(JsonParser p, JsonToken t) throws IOException {
    if (t == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    if (t == JsonToken.VALUE_NULL) {
      return "";
    }
    throw new IllegalArgumentException(p.currentName() + ": expected a string");
  }

  private static void expectObject(JsonToken t, String path) {
    if (t != JsonToken.START_OBJECT) {
      throw new IllegalArgumentException(path + ": expected an object");
    }
  }
}
