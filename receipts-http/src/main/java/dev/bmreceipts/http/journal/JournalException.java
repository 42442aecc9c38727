// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.journal;

/**
 * A journal could not be written or replayed: an I/O error, a closed writer, or a listener that
 * failed during a replay (the cause says which). The message names the file or the line number,
 * never a line's content.
 */
public final class JournalException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  JournalException(String message, Throwable cause) {
    super(message, cause);
  }
}
