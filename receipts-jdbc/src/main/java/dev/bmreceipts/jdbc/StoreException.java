// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.jdbc;

/**
 * The PostgreSQL store could not do what was asked: the database is down, slow past the timeout,
 * or its schema is missing. The message says which and never carries a password or a payload.
 * The webhook answers {@code 503} when its store throws this, so Google redelivers.
 */
public class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An exception with its one-line reason. */
  public StoreException(String message) {
    super(message);
  }

  /** An exception with its one-line reason and its cause. */
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
