// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.core.rbm;

import java.util.Objects;

/**
 * Dedupe keys for RBM: RBM retries anything but {@code 200} for 7 days, so the same event or
 * message arrives again. Events are keyed on ({@code eventId}, {@code senderPhoneNumber}) and
 * messages on ({@code messageId}, {@code senderPhoneNumber}); never on {@code messageId} alone, which
 * a {@code DELIVERED} and a {@code READ} of one message share.
 *
 * <p>Keys are opaque strings in the spirit of Business Messages' {@code Deduplicator} keys in
 * receipts-http, and they share one store with them: {@code "rbm-event "} and {@code
 * "rbm-message "} begin no Business Messages key ({@code "request "}, {@code "receipt "}). The id's
 * UTF-16 length comes first, so no two (id, phone) pairs share a key, whatever characters the id
 * holds; the phone, E.164, holds only {@code +} and digits. A key holds the whole phone number: it
 * belongs in a dedupe store, never in a log line.
 */
public final class RbmKeys {
  private RbmKeys() {}

  /** {@code "rbm-event " + eventId.length() + " " + eventId + " " + phone.e164()}. */
  public static String eventKey(String eventId, PhoneNumber phone) {
    return key("rbm-event ", "eventId", eventId, phone);
  }

  /** {@code "rbm-message " + messageId.length() + " " + messageId + " " + phone.e164()}. */
  public static String messageKey(String messageId, PhoneNumber phone) {
    return key("rbm-message ", "messageId", messageId, phone);
  }

  private static String key(String prefix, String what, String id, PhoneNumber phone) {
    Objects.requireNonNull(id, what + " cannot be null");
    Objects.requireNonNull(phone, "phone cannot be null");
    if (id.isEmpty()) {
      throw new IllegalArgumentException(what + " must not be empty");
    }
    return prefix + id.length() + " " + id + " " + phone.e164();
  }
}
