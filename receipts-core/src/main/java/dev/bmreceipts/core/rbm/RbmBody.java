// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.core.rbm;

import dev.bmreceipts.core.Verification;
import java.util.Objects;
import java.util.Optional;

/**
 * One RBM webhook body: exactly one of the verification handshake and a push envelope.
 *
 * @param handshake present when the body is {@code {"clientToken":"…","secret":"…"}}; answer the
 *     secret as plain text with {@code 200} only when {@link Verification#tokenMatches} the
 *     configured client token, else {@code 403}
 * @param envelope present when the body is a Pub/Sub push envelope
 */
public record RbmBody(Optional<Verification> handshake, Optional<RbmEnvelope> envelope) {
  /** @throws IllegalArgumentException unless exactly one of the two is present */
  public RbmBody {
    Objects.requireNonNull(handshake, "handshake cannot be null, use Optional.empty()");
    Objects.requireNonNull(envelope, "envelope cannot be null, use Optional.empty()");
    if (handshake.isPresent() == envelope.isPresent()) {
      throw new IllegalArgumentException("exactly one of handshake and envelope must be present");
    }
  }

  /** A handshake body. */
  public static RbmBody of(Verification handshake) {
    return new RbmBody(Optional.of(handshake), Optional.empty());
  }

  /** An envelope body. */
  public static RbmBody of(RbmEnvelope envelope) {
    return new RbmBody(Optional.empty(), Optional.of(envelope));
  }

  /** Whether the body is the verification handshake. */
  public boolean isHandshake() {
    return handshake.isPresent();
  }
}
