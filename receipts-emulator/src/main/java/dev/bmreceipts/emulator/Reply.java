// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.emulator;

import jakarta.json.JsonValue;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** One HTTP answer about to be written; {@code reset} closes the connection instead. */
record Reply(int status, String contentType, byte[] body, Map<String, String> headers,
    boolean reset) {
  static final String JSON = "application/json; charset=UTF-8";

  static Reply json(int status, byte[] body) {
    return new Reply(status, JSON, body, Map.of(), false);
  }

  static Reply json(int status, JsonValue body) {
    return json(status, body.toString().getBytes(StandardCharsets.UTF_8));
  }

  static Reply empty(int status) {
    return new Reply(status, null, new byte[0], Map.of(), false);
  }

  static Reply dropped() {
    return new Reply(0, null, new byte[0], Map.of(), true);
  }

  Reply with(String header, String value) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.put(header, value);
    return new Reply(status, contentType, body, h, reset);
  }

  Reply withAll(Map<String, String> more) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.putAll(more);
    return new Reply(status, contentType, body, h, reset);
  }
}
