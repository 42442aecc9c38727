// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.core.rbm;

/**
 * What a user event says. A value this version does not know is {@link #UNKNOWN}, never an
 * error; {@link RbmUserEvent#rawEventType()} keeps the text.
 */
public enum RbmEventType {
  /** The wire said {@code EVENT_TYPE_UNSPECIFIED}. */
  EVENT_TYPE_UNSPECIFIED,
  /** The agent's message reached the user's device. */
  DELIVERED,
  /** The user opened the agent's message (users can turn these off). */
  READ,
  /** The user is typing. */
  IS_TYPING,
  /** The user subscribed to the agent. */
  SUBSCRIBE,
  /** The user unsubscribed from the agent. */
  UNSUBSCRIBE,
  /** A value this version does not know; see {@link RbmUserEvent#rawEventType()}. */
  UNKNOWN;

  /** Maps a wire value; a value not listed above maps to {@link #UNKNOWN}. */
  public static RbmEventType fromWire(String value) {
    if (value == null) {
      return UNKNOWN;
    }
    switch (value) {
      case "EVENT_TYPE_UNSPECIFIED":
        return EVENT_TYPE_UNSPECIFIED;
      case "DELIVERED":
        return DELIVERED;
      case "READ":
        return READ;
      case "IS_TYPING":
        return IS_TYPING;
      case "SUBSCRIBE":
        return SUBSCRIBE;
      case "UNSUBSCRIBE":
        return UNSUBSCRIBE;
      default:
        return UNKNOWN;
    }
  }

  /** Whether an event of this type is about one agent message and so must name it ({@code messageId}). */
  public boolean namesAMessage() {
    return this == DELIVERED || this == READ;
  }
}
