// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link Webhook#process} and {@link RbmWebhook#process} answer: write it to the client as is.
 *
 * <p>A response is a value that no caller can change: the constructor copies the body it is given
 * and {@link #body()} hands out a copy, so the fixed answers the webhook shares between requests
 * stay as they are whatever a caller does with its bytes. The webhook's own server adapter writes
 * the body without copying it.
 *
 * @param status the HTTP status
 * @param contentType the {@code Content-Type} header value
 * @param body the body bytes (UTF-8 text), never {@code null}; copied in and out
 * @param headers further headers to send, such as {@code Allow} or {@code Retry-After}
 */
public record WebhookResponse(int status, String contentType, byte[] body, Map<String, String> headers) {
  /** The content type of every answer the webhook gives. */
  public static final String TEXT_PLAIN = "text/plain; charset=utf-8";

  public WebhookResponse {
    Objects.requireNonNull(contentType, "contentType cannot be null");
    Objects.requireNonNull(body, "body cannot be null, use new byte[0]");
    body = body.clone();
    headers = Map.copyOf(headers);
  }

  /** A copy of the body bytes: changing it changes no response. */
  @Override
  public byte[] body() {
    return body.clone();
  }

  /** The body's length in bytes. */
  public int bodyLength() {
    return body.length;
  }

  /** Writes the body to {@code out} without copying it (the webhook's server adapter). */
  void writeBody(OutputStream out) throws IOException {
    out.write(body);
  }

  /** A {@code text/plain; charset=utf-8} answer with no further headers. */
  static WebhookResponse text(int status, String text) {
    return new WebhookResponse(status, TEXT_PLAIN, text.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  /** A {@code text/plain; charset=utf-8} answer with one further header. */
  static WebhookResponse text(int status, String text, String header, String value) {
    return new WebhookResponse(
        status, TEXT_PLAIN, text.getBytes(StandardCharsets.UTF_8), Map.of(header, value));
  }

  /** The body decoded as UTF-8. */
  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** Equal when status, content type, body bytes and headers are. */
  @Override
  public boolean equals(Object o) {
    return o instanceof WebhookResponse r && status == r.status && contentType.equals(r.contentType)
        && Arrays.equals(body, r.body) && headers.equals(r.headers);
  }

  @Override
  public int hashCode() {
    return Objects.hash(status, contentType, Arrays.hashCode(body), headers);
  }

  @Override
  public String toString() {
    // the handshake's body is the secret: never show bodies
    return "WebhookResponse[status=" + status + ", contentType=" + contentType + ", bodyBytes="
        + body.length + ", headers=" + headers + "]";
  }
}
