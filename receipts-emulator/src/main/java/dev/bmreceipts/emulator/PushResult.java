// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.emulator;

import java.util.Objects;

/**
 * What a webhook answered to a payload the emulator signed and delivered.
 *
 * @param status the webhook's HTTP status
 * @param body the webhook's answer as text
 */
public record PushResult(int status, String body) {
  public PushResult {
    Objects.requireNonNull(body, "body cannot be null, use \"\"");
  }
}
