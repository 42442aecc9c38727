// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link Webhook#process} answers: write it to the client as is.
 *
 * <p>The body is shared and pre-encoded for the fixed answers: callers must not modify it.
 *
 * @param status the HTTP status
 * @param contentType the {@code Content-Type} header value
 * @param body the body bytes (UTF-8 text), never {@code null}
 * @param headers further headers to send, such as {@code Allow} or {@code Retry-After}
 */
public record WebhookResponse(int status, String contentType, byte[] body, Map<String, String> headers) {
  /** The content type of every answer the webhook gives. */
  public static final String TEXT_PLAIN = "text/plain; charset=utf-8";

  public WebhookResponse {
    Objects.requireNonNull(contentType, "contentType cannot be null");
    Objects.requireNonNull(body, "body cannot be null, use new byte[0]");
    headers = Map.copyOf(headers);
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

  @Override
  public String toString() {
    // the handshake's body is the secret: never show bodies
    return "WebhookResponse[status=" + status + ", contentType=" + contentType + ", bodyBytes="
        + body.length + ", headers=" + headers + "]";
  }
}
