// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.auth;

/**
 * Credentials that cannot give tokens: a missing file, a file that is not JSON, JSON that is not a
 * service-account key, a key without {@code private_key}. The message says which, in one line,
 * and never holds key material.
 */
public final class CredentialsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  CredentialsException(String message) {
    super(message);
  }

  CredentialsException(String message, Throwable cause) {
    super(message, cause);
  }
}
