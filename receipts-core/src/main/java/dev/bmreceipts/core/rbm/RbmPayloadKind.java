// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.core.rbm;

/** What the decoded {@code message.data} of an RBM push carries. */
public enum RbmPayloadKind {
  /** A user event ({@code senderPhoneNumber} and {@code eventType}): see {@link RbmPayload#userEvent()}. */
  USER_EVENT,
  /** A user message ({@code senderPhoneNumber}, no {@code eventType}): see {@link RbmPayload#userMessage()}. */
  USER_MESSAGE,
  /** A server event ({@code phoneNumber}, such as {@code TTL_EXPIRATION_REVOKED}): passed on as JSON. */
  SERVER_EVENT,
  /** An agent launch event ({@code attributes.type} is {@code agent_launch_event}): passed on as JSON. */
  AGENT_LAUNCH_EVENT,
  /** Anything else: passed on as JSON, never an error. */
  UNKNOWN
}
