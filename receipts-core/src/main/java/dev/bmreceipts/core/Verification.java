// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * The webhook verification handshake: {@code {"clientToken":"…","secret":"…"}}. Its
 * {@link #toString()} shows neither value.
 *
 * @param clientToken the client token Google sent
 * @param secret the secret to echo back when the token matches
 */
public record Verification(String clientToken, String secret) {
  public Verification {
    Objects.requireNonNull(clientToken, "clientToken cannot be null");
    Objects.requireNonNull(secret, "secret cannot be null");
  }

  /** Constant-time comparison of the received client token with the configured one. */
  public boolean tokenMatches(String configuredToken) {
    if (configuredToken == null || configuredToken.isEmpty()) {
      return false;
    }
    return MessageDigest.isEqual(
        clientToken.getBytes(StandardCharsets.UTF_8),
        configuredToken.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "Verification[clientToken=<redacted>, secret=<redacted>]";
  }
}
