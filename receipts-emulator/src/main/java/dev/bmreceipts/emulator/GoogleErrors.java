// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.emulator;

import dev.bmreceipts.core.AgentReceipts;
import jakarta.json.Json;

/** Google's error bodies: the API's {@code {"error":{…}}} and the token endpoint's OAuth ones. */
final class GoogleErrors {
  static final String MISSING_CREDENTIALS = "Request is missing required authentication"
      + " credential. Expected OAuth 2 access token, login cookie or other valid authentication"
      + " credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.";
  static final String INVALID_CREDENTIALS = "Request had invalid authentication"
      + " credentials. Expected OAuth 2 access token, login cookie or other valid authentication"
      + " credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.";
  static final String REALM = "Bearer realm=\"https://accounts.google.com/\"";

  private GoogleErrors() {}

  /** {@code {"error":{"code","message","status"}}} with Google's status name for {@code code}. */
  static Reply api(int code, String message) {
    return Reply.json(code, AgentReceipts.errorBody(code, statusName(code), message));
  }

  /** The token endpoint's {@code {"error","error_description"}}. */
  static Reply oauth(int code, String error, String description) {
    return Reply.json(code, Json.createObjectBuilder()
        .add("error", error)
        .add("error_description", description)
        .build());
  }

  /** Google's canonical status name for an HTTP status. */
  static String statusName(int code) {
    switch (code) {
      case 400:
      case 413:
      case 415:
        return "INVALID_ARGUMENT";
      case 401:
        return "UNAUTHENTICATED";
      case 403:
        return "PERMISSION_DENIED";
      case 404:
        return "NOT_FOUND";
      case 405:
      case 501:
        return "UNIMPLEMENTED";
      case 409:
        return "ABORTED";
      case 412:
        return "FAILED_PRECONDITION";
      case 429:
        return "RESOURCE_EXHAUSTED";
      case 499:
        return "CANCELLED";
      case 503:
        return "UNAVAILABLE";
      case 504:
        return "DEADLINE_EXCEEDED";
      default:
        return code >= 500 ? "INTERNAL" : "FAILED_PRECONDITION";
    }
  }

  /** Google's usual message for a status. */
  static String defaultMessage(int code) {
    switch (code) {
      case 400:
        return "Request contains an invalid argument.";
      case 401:
        return INVALID_CREDENTIALS;
      case 403:
        return "The caller does not have permission";
      case 404:
        return "Requested entity was not found.";
      case 409:
        return "The operation was aborted.";
      case 429:
        return "Resource has been exhausted (e.g. check quota).";
      case 503:
        return "The service is currently unavailable.";
      case 504:
        return "The request timed out.";
      default:
        return code >= 500 ? "Internal error encountered." : "Request failed.";
    }
  }

  /** Untrusted text made safe for one line of an error message: no controls, at most 200 chars. */
  static String clean(String s) {
    StringBuilder b = new StringBuilder(Math.min(s.length(), 200));
    s.codePoints().limit(200).forEach(c -> {
      if (Character.isISOControl(c) || c == 0x2028 || c == 0x2029) {
        b.append('?');
      } else {
        b.appendCodePoint(c);
      }
    });
    return s.codePointCount(0, s.length()) > 200 ? b + "…" : b.toString();
  }

  /** {@code "text"}, cleaned. */
  static String quote(String s) {
    return "\"" + clean(s).replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
