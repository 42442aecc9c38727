// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.emulator;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One request the emulator received, as a test asserts on it. Secrets never appear: the
 * {@code Authorization}, {@code Proxy-Authorization} and {@code Cookie} headers read
 * {@code <redacted>} (a bearer token {@code Bearer <redacted>}), a token request's
 * {@code assertion} reads {@code <redacted>}, and so does a {@code key} query parameter.
 *
 * @param sequence 1 for the first request the emulator received, then 2, 3, …
 * @param time when it arrived, on the emulator's clock
 * @param method the effective method: for a {@code POST} with {@code X-HTTP-Method-Override}, the
 *     override ({@code PATCH}), otherwise the method on the wire
 * @param methodOverride whether the method came from {@code X-HTTP-Method-Override} on a
 *     {@code POST}
 * @param path the raw (still percent-encoded) path
 * @param query the query parameters, decoded, in order ({@code key} redacted)
 * @param headers the headers, names lower-cased, values in order
 * @param body the body as UTF-8 text after undoing its {@code Content-Encoding} (for a token
 *     request, with the assertion redacted)
 * @param contentEncoding the body's {@code Content-Encoding} ({@code gzip}, {@code deflate}), or
 *     {@code ""}
 * @param status the status it was answered with (0: no answer, or not yet known)
 * @param auth the bearer token it carried: {@code none}, {@code not-bearer}, {@code unknown},
 *     {@code expired}, {@code fixed} (the builder's access token) or {@code issued}; {@code ""} for
 *     a token request
 * @param tokenSerial for an {@code issued} (or {@code expired}) token, which one: 1 for the first
 *     the emulator issued; otherwise 0
 */
public record RecordedRequest(long sequence, Instant time, String method, boolean methodOverride,
    String path, Map<String, List<String>> query, Map<String, List<String>> headers, String body,
    String contentEncoding, int status, String auth, int tokenSerial) {
  public RecordedRequest {
    Objects.requireNonNull(time, "time cannot be null");
    Objects.requireNonNull(method, "method cannot be null");
    Objects.requireNonNull(path, "path cannot be null");
    query = Collections.unmodifiableMap(new LinkedHashMap<>(
        Objects.requireNonNull(query, "query cannot be null, use Map.of()")));
    headers = Collections.unmodifiableMap(new TreeMap<>(
        Objects.requireNonNull(headers, "headers cannot be null, use Map.of()")));
    Objects.requireNonNull(body, "body cannot be null, use \"\"");
    Objects.requireNonNull(contentEncoding, "contentEncoding cannot be null, use \"\"");
    Objects.requireNonNull(auth, "auth cannot be null, use \"\"");
  }

  /** The first value of a header (any case), or {@code null}. */
  public String header(String name) {
    List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  /** The first value of a query parameter, or {@code null}. */
  public String queryParameter(String name) {
    List<String> v = query.get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  /** Whether the body came gzip-compressed. */
  public boolean gzipped() {
    return contentEncoding.equals("gzip");
  }

  RecordedRequest withStatus(int status) {
    return new RecordedRequest(sequence, time, method, methodOverride, path, query, headers, body,
        contentEncoding, status, auth, tokenSerial);
  }

  RecordedRequest withAuth(String auth, int tokenSerial) {
    return new RecordedRequest(sequence, time, method, methodOverride, path, query, headers, body,
        contentEncoding, status, auth, tokenSerial);
  }
}
