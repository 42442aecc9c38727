// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.report;

/** An archive could not be analysed: an input cannot be read, or it outgrows the memory given. */
public class ArchiveException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ArchiveException(String message, Throwable cause) {
    super(message, cause);
  }

  public ArchiveException(String message) {
    super(message);
  }
}
