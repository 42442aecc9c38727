// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.core;

import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The agent READ receipt's JSON: the request body the API takes, the response it gives, and the
 * {@code {"error":{…}}} body it fails with.
 */
public final class AgentReceipts {
  private static final byte[] READ_BODY = "{\"receiptType\":\"READ\"}".getBytes(StandardCharsets.UTF_8);
  private static final JsonProvider PROVIDER = JsonProvider.provider();
  private static final JsonReaderFactory READERS = PROVIDER.createReaderFactory(Map.of());

  private AgentReceipts() {}

  /** {@code {"receiptType":"READ"}}, a fresh copy each call. */
  public static byte[] readRequestBody() {
    return READ_BODY.clone();
  }

  /**
   * The API's answer: {@code {"name":"conversations/C/messages/M/receipt","receiptType":"READ"}}.
   *
   * @param name the receipt's resource name
   * @param receiptType the type as the API said it
   * @param rawType the type's text as received
   */
  public record Response(String name, ReceiptType receiptType, String rawType) {}

  /**
   * Google's error body, {@code {"error":{"code":…,"message":…,"status":…}}}.
   *
   * @param code the HTTP status Google put in the body, 0 when absent
   * @param message the human-readable message, {@code ""} when absent
   * @param status the canonical status name such as {@code NOT_FOUND}, {@code ""} when absent
   */
  public record ApiError(int code, String message, String status) {}

  /**
   * Parses the API's response.
   *
   * @throws PayloadException when the body is not a JSON object with a string {@code name}
   */
  public static Response parseResponse(byte[] body) {
    JsonObject o = object(body);
    JsonValue name = o.get("name");
    if (name == null || name.getValueType() != JsonValue.ValueType.STRING) {
      throw new PayloadException("name", "expected a string");
    }
    String raw = o.getString("receiptType", "");
    return new Response(o.getString("name"), ReceiptType.fromWire(raw), raw);
  }

  /** Parses Google's error body; empty when the body is not of that shape. Never throws. */
  public static Optional<ApiError> parseError(byte[] body) {
    try {
      JsonValue error = object(body).get("error");
      if (error == null || error.getValueType() != JsonValue.ValueType.OBJECT) {
        return Optional.empty();
      }
      JsonObject e = error.asJsonObject();
      JsonValue code = e.get("code");
      int c = code instanceof jakarta.json.JsonNumber ? ((jakarta.json.JsonNumber) code).intValue() : 0;
      return Optional.of(new ApiError(c, e.getString("message", ""), e.getString("status", "")));
    } catch (PayloadException | ClassCastException e) {
      return Optional.empty();
    }
  }

  /** Google's error body for a status, as the API (and the emulator) writes it. */
  public static byte[] errorBody(int code, String status, String message) {
    return PROVIDER.createObjectBuilder()
        .add("error", PROVIDER.createObjectBuilder()
            .add("code", code)
            .add("message", message)
            .add("status", status))
        .build().toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The API's success body for a receipt name. */
  public static byte[] responseBody(MessageName message) {
    return PROVIDER.createObjectBuilder()
        .add("name", message.receiptName())
        .add("receiptType", "READ")
        .build().toString().getBytes(StandardCharsets.UTF_8);
  }

  private static JsonObject object(byte[] body) {
    Objects.requireNonNull(body, "body cannot be null");
    JsonValue v;
    try (JsonReader r = READERS.createReader(new ByteArrayInputStream(body), StandardCharsets.UTF_8)) {
      v = r.readValue();
    } catch (JsonException e) {
      throw new PayloadException("", "malformed JSON");
    } catch (RuntimeException e) {
      // Parsson refuses a number over 1100 chars (UnsupportedOperationException) and nesting from
      // depth 1000 on (a plain RuntimeException): bad input like any other, not a server error
      throw new PayloadException("", "number too long or nesting too deep");
    }
    if (v.getValueType() != JsonValue.ValueType.OBJECT) {
      throw new PayloadException("", "expected a JSON object");
    }
    return v.asJsonObject();
  }
}
