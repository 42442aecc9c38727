// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.report;

import java.util.Locale;

/**
 * The archive holds more distinct messages and conversations than the memory budget holds (about
 * 64 bytes a message, 20 bytes plus its name a conversation).
 * The analyser stops rather than give figures that are no longer exact; give the JVM more heap
 * ({@code -Xmx}), or run the SQL of {@code docs/report-sql.md} on an engine that spills to disk.
 */
public final class ArchiveTooLargeException extends ArchiveException {
  private static final long serialVersionUID = 1L;

  ArchiveTooLargeException(long budget) {
    super(String.format(Locale.ROOT, "the archive holds more distinct messages and"
        + " conversations than %d MiB of state can hold (about 64 bytes a message): give the JVM more heap (-Xmx) or run the SQL"
        + " in docs/report-sql.md", budget >> 20));
  }
}
