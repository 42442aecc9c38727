package dev.bmreceipts.demo;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The demo's log lines on standard error: {@code 2026-01-02 03:04:05 WARNING logger: message},
 * the message {@link Text#escape escaped} (it may quote payload text), then a stack trace when
 * there is one, each of its lines escaped too.
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
    if (r.getThrown() != null) {
      StringWriter trace = new StringWriter();
      r.getThrown().printStackTrace(new PrintWriter(trace));
      trace.toString().lines().forEach(line -> {
        int indent = 0;
        while (indent < line.length() && line.charAt(indent) == '\t') {
          indent++;
        }
        b.append(line, 0, indent).append(Text.escape(line.substring(indent))).append(System.lineSeparator());
      });
    }
    return b.toString();
  }
}
