// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.emulator;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One request as read and decoded by {@link Server}, secrets still in it.
 *
 * @param headers names lower-cased
 * @param body after undoing the {@code Content-Encoding}
 */
record Incoming(Instant time, String method, boolean methodOverride, String path,
    String rawQuery, Map<String, List<String>> query, Map<String, List<String>> headers,
    byte[] body, String contentEncoding) {

  String header(String name) {
    List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  String queryParameter(String name) {
    List<String> v = query.get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  /** What a test may see: secrets redacted; status and auth still unknown. */
  RecordedRequest recorded(long sequence, String body) {
    Map<String, List<String>> h = new LinkedHashMap<>();
    headers.forEach((k, v) -> h.put(k, redactHeader(k, v)));
    Map<String, List<String>> q = new LinkedHashMap<>();
    query.forEach((k, v) -> q.put(k, SECRET_PARAMS.contains(k)
        ? v.stream().map(x -> "<redacted>").toList() : v));
    return new RecordedRequest(sequence, time, method, methodOverride, path, q, h, body,
        contentEncoding, 0, "", 0);
  }

  /** Form and query parameters whose values are secrets. */
  static final List<String> SECRET_PARAMS = List.of("assertion", "key", "access_token",
      "oauth_token", "client_secret", "refresh_token", "code", "password");

  private static List<String> redactHeader(String name, List<String> values) {
    if (!name.equals("authorization") && !name.equals("proxy-authorization")
        && !name.equals("cookie")) {
      return List.copyOf(values);
    }
    List<String> r = new ArrayList<>();
    for (String v : values) {
      r.add(!name.equals("cookie") && v.regionMatches(true, 0, "Bearer ", 0, 7)
          ? "Bearer <redacted>" : "<redacted>");
    }
    return r;
  }

  /**
   * Parses {@code a=1&b=2}, percent-decoding names and values as UTF-8.
   *
   * @throws IllegalArgumentException on a malformed escape
   */
  static Map<String, List<String>> parseForm(String form) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (form == null) {
      return out;
    }
    for (String pair : form.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
    }
    return out;
  }

  /**
   * A form body as text with secret values redacted; names are compared after decoding, so
   * {@code %61ssertion=} is redacted like {@code assertion=}.
   */
  static String redactForm(String form) {
    StringBuilder b = new StringBuilder();
    for (String pair : form.split("&", -1)) {
      if (b.length() > 0) {
        b.append('&');
      }
      int eq = pair.indexOf('=');
      String rawName = eq < 0 ? pair : pair.substring(0, eq);
      String name;
      try {
        name = URLDecoder.decode(rawName, StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        b.append("<redacted>");
        continue;
      }
      b.append(SECRET_PARAMS.contains(name.strip()) ? name.strip() + "=<redacted>" : pair);
    }
    return b.toString();
  }
}
