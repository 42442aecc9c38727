// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.core;

import java.util.Optional;

/** What a webhook body carries, decided by which top-level member it has. */
public enum PayloadKind {
  /** {@code receipts}: DELIVERED and READ receipts from the user's device. */
  RECEIPTS("receipts"),
  /** {@code message}: a user's message. */
  MESSAGE("message"),
  /** {@code userStatus}: typing, live-agent requests and the like. */
  USER_STATUS("userStatus"),
  /** {@code suggestionResponse}: the user tapped a suggestion (it names the agent's message). */
  SUGGESTION_RESPONSE("suggestionResponse"),
  /** {@code authenticationResponse}: the outcome of an OAuth sign-in suggestion. */
  AUTHENTICATION_RESPONSE("authenticationResponse"),
  /** {@code surveyResponse}: an answer to a survey question. */
  SURVEY_RESPONSE("surveyResponse"),
  /** {@code clientToken} + {@code secret}: the webhook verification handshake. */
  VERIFICATION(null),
  /** None of the above: accepted and ignored, never an error. */
  UNKNOWN(null);

  private final String member;

  PayloadKind(String member) {
    this.member = member;
  }

  /** The top-level member that marks this kind, empty for verification and unknown. */
  public Optional<String> member() {
    return Optional.ofNullable(member);
  }

  static PayloadKind ofMember(String name) {
    switch (name) {
      case "receipts":
        return RECEIPTS;
      case "message":
        return MESSAGE;
      case "userStatus":
        return USER_STATUS;
      case "suggestionResponse":
        return SUGGESTION_RESPONSE;
      case "authenticationResponse":
        return AUTHENTICATION_RESPONSE;
      case "surveyResponse":
        return SURVEY_RESPONSE;
      default:
        return null;
    }
  }
}
