// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.sender;

import java.io.IOException;
import java.util.Objects;

/**
 * Where {@link ReceiptSender} gets its OAuth bearer tokens. {@code receipts-auth} implements it
 * with a service-account key; a host can plug in its own token source.
 *
 * <p>Implementations must be thread-safe: the sender calls them from many threads at once. They
 * should cache a token until shortly before it expires, so that concurrent calls cause one fetch.
 * Tokens must never be logged or put into exception messages.
 */
public interface AccessTokenProvider {
  /**
   * A token valid now. May block while a token is fetched.
   *
   * @throws IOException when no token can be had
   */
  String accessToken() throws IOException;

  /**
   * The API rejected {@code rejected} with {@code 401}: forget it and return a fresh token. If
   * another thread already replaced it, return the replacement without a new fetch. A provider
   * whose token cannot change returns {@code rejected}; the sender then fails the receipt at once
   * with {@link ReceiptSendException.Rejected} instead of sending the same token again. The sender
   * asks at most once per receipt.
   *
   * @throws IOException when no token can be had
   */
  String refresh(String rejected) throws IOException;

  /**
   * A provider that always returns {@code token} (a token minted elsewhere, or a test's). A
   * {@code 401} for it is final: there is no other token to try.
   *
   * <pre>{@code
   * String token = System.getenv("BM_ACCESS_TOKEN");
   * if (token == null || token.isBlank()) {
   *   throw new IllegalStateException("set BM_ACCESS_TOKEN to an OAuth access token");
   * }
   * AccessTokenProvider tokens = AccessTokenProvider.fixed(token);
   * }</pre>
   *
   * @throws NullPointerException when {@code token} is null (an unset environment variable?)
   * @throws IllegalArgumentException when it is empty or holds whitespace or control characters
   *     (which no OAuth token holds: often a newline read from a file); the token is not echoed
   */
  static AccessTokenProvider fixed(String token) {
    Objects.requireNonNull(token,
        "token cannot be null (an unset environment variable?); for tokens that expire use receipts-auth");
    if (token.isEmpty()) {
      throw new IllegalArgumentException("token cannot be empty");
    }
    if (token.chars().anyMatch(c -> c <= ' ' || c == 0x7F)) {
      throw new IllegalArgumentException(
          "token must not contain whitespace or control characters (a trailing newline?)");
    }
    return new AccessTokenProvider() {
      @Override
      public String accessToken() {
        return token;
      }

      @Override
      public String refresh(String rejected) {
        return token;
      }

      @Override
      public String toString() {
        return "AccessTokenProvider.fixed(<redacted>)";
      }
    };
  }
}
