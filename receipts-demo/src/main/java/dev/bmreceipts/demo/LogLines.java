// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.demo;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The demo's log lines on standard error: {@code 2026-01-02 03:04:05 WARNING logger: message},
 * the message {@link Text#escape escaped} (it may quote payload text), then a stack trace when
 * there is one, its messages escaped too.
 */
final class LogLines extends Formatter {
  /**
   * Formats the root logger's handlers with this, unless the user configured logging themselves
   * ({@code java.util.logging.config.file} or {@code .class}).
   */
  static void install() {
    if (System.getProperty("java.util.logging.config.file") != null
        || System.getProperty("java.util.logging.config.class") != null) {
      return;
    }
    for (Handler h : Logger.getLogger("").getHandlers()) {
      h.setFormatter(new LogLines());
    }
  }

  @Override
  public String format(LogRecord r) {
    StringBuilder b = new StringBuilder(160);
    b.append(String.format("%1$tF %1$tT", ZonedDateTime.ofInstant(r.getInstant(), ZoneId.systemDefault())))
        .append(' ').append(r.getLevel().getName()).append(' ').append(r.getLoggerName()).append(": ")
        .append(Text.escape(formatMessage(r))).append(System.lineSeparator());
    // the trace written here rather than by printStackTrace: a newline in a message must not
    // pass for a line of its own; causes in order, no "... n more" folding
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    String prefix = "";
    for (Throwable t = r.getThrown(); t != null && seen.add(t); t = t.getCause()) {
      b.append(prefix).append(Text.escape(t.toString())).append(System.lineSeparator());
      for (StackTraceElement frame : t.getStackTrace()) {
        b.append("\tat ").append(Text.escape(frame.toString())).append(System.lineSeparator());
      }
      prefix = "Caused by: ";
    }
    return b.toString();
  }
}
