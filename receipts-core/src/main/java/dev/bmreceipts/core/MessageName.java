// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.core;

import java.util.Objects;

/**
 * The resource name of one message: {@code conversations/{conversationId}/messages/{messageId}}.
 *
 * <p>Both ids are kept as the wire carries them. They are never empty, contain neither
 * {@code /} nor a control character, and are valid Unicode (no unpaired UTF-16 surrogate, which
 * UTF-8 cannot encode: {@code s\ud800} and {@code s\udc00} would both become {@code s?} in a
 * journal or a URL). Percent-encoding for a URL path is the sender's job.
 *
 * @param conversationId the conversation id
 * @param messageId the message id
 */
public record MessageName(String conversationId, String messageId) {
  private static final String CONVERSATIONS = "conversations/";
  private static final String MESSAGES = "/messages/";
  private static final String FORM =
      "must have the form conversations/{conversationId}/messages/{messageId}";

  /**
   * @throws InvalidMessageNameException when an id is empty or holds {@code /}, a control
   *     character or an unpaired surrogate
   */
  public MessageName {
    Objects.requireNonNull(conversationId, "conversationId cannot be null");
    Objects.requireNonNull(messageId, "messageId cannot be null");
    checkId("conversationId", conversationId);
    checkId("messageId", messageId);
  }

  /** Same as the constructor, for call sites that read better with a factory. */
  public static MessageName of(String conversationId, String messageId) {
    return new MessageName(conversationId, messageId);
  }

  /**
   * Parses {@code conversations/{conversationId}/messages/{messageId}}.
   *
   * @throws InvalidMessageNameException when the text is not of that form; the message never
   *     repeats the text
   */
  public static MessageName parse(String name) {
    Objects.requireNonNull(name, "message name cannot be null");
    if (!name.startsWith(CONVERSATIONS)) {
      throw new InvalidMessageNameException("message name " + FORM);
    }
    int sep = name.indexOf(MESSAGES, CONVERSATIONS.length());
    if (sep < 0) {
      throw new InvalidMessageNameException("message name " + FORM);
    }
    String conversationId = name.substring(CONVERSATIONS.length(), sep);
    String messageId = name.substring(sep + MESSAGES.length());
    return new MessageName(conversationId, messageId);
  }

  /** Checks one id as {@link MessageName} would, for callers that hold ids alone. */
  public static String checkId(String what, String id) {
    if (id.isEmpty()) {
      throw new InvalidMessageNameException(what + " must not be empty");
    }
    // the first '/' (a vectorised search), then controls before it: the first offender is named
    int slash = id.indexOf('/');
    int end = slash < 0 ? id.length() : slash;
    int controls = 0;
    int surrogates = 0;
    for (int i = 0; i < end; i++) {
      char c = id.charAt(i);
      // C0 controls, and DEL with the C1 controls (0x7F to 0x9F), as Character.isISOControl has it
      controls |= (c < 0x20 ? 1 : 0) | ((char) (c - 0x7F) <= 0x20 ? 1 : 0);
      surrogates |= (char) (c - Character.MIN_SURROGATE) < 0x800 ? 1 : 0;
    }
    if (controls != 0) {
      throw new InvalidMessageNameException(what + " must not contain control characters");
    }
    // a pair is fine (an emoji); only then is the exact check worth its cost
    if (surrogates != 0 && unpairedSurrogate(id, 0, end) >= 0) {
      throw new InvalidMessageNameException(what + " " + UNPAIRED);
    }
    if (slash >= 0) {
      throw new InvalidMessageNameException(what + " must not contain '/'");
    }
    return id;
  }

  /** The reason given for a string with an unpaired surrogate, after what holds it. */
  static final String UNPAIRED = "must not contain an unpaired surrogate (not valid Unicode)";

  /**
   * The index of the first unpaired UTF-16 surrogate in {@code s[from, to)}, or -1 when there is
   * none: the one thing a Java string can hold that UTF-8 cannot encode.
   */
  static int unpairedSurrogate(CharSequence s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < to && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else {
          return i;
        }
      } else if (Character.isLowSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }

  /** The agent-receipt resource: {@code conversations/{c}/messages/{m}/receipt}. */
  public String receiptName() {
    return toString() + "/receipt";
  }

  /** {@code conversations/{conversationId}/messages/{messageId}}. */
  @Override
  public String toString() {
    return CONVERSATIONS + conversationId + MESSAGES + messageId;
  }
}
