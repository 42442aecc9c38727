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
   * another thread already replaced it, return the replacement without a new fetch.
   *
   * @throws IOException when no token can be had
   */
  String refresh(String rejected) throws IOException;

  /** A provider that always returns {@code token} (a token minted elsewhere, or a test's). */
  static AccessTokenProvider fixed(String token) {
    Objects.requireNonNull(token, "token cannot be null");
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
