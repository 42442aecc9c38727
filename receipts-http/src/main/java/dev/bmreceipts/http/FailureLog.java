// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http;

import dev.bmreceipts.http.internal.Printable;
import java.lang.System.Logger.Level;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How the webhook logs a listener, journal or dedupe store that failed: one {@code WARNING} line
 * per failure, naming the messages and the cause chain; the stack trace once per distinct cause (the chain's
 * exception types and the frame the innermost one was thrown from), and for later failures with
 * the same cause only at {@code DEBUG}. A full disk failing every request then costs one line per
 * request, not a page. Payload text in a line is escaped, so it cannot forge other lines.
 * Thread-safe.
 */
final class FailureLog {
  /** Distinct causes remembered; past this many, stack traces go to {@code DEBUG} only. */
  static final int MAX_CAUSES = 1024;
  /** Causes of a chain named in the line. */
  private static final int MAX_CHAIN = 4;

  private final System.Logger log;
  private final Set<String> traced = ConcurrentHashMap.newKeySet();

  FailureLog(System.Logger log) {
    this.log = log;
  }

  /**
   * Logs that {@code what} failed with {@code e}: {@code what} (payload text allowed: it is
   * escaped) and the causes on one line, with the stack trace when this cause is new.
   */
  void failed(String what, Throwable e) {
    if (!log.isLoggable(Level.WARNING)) {
      return;
    }
    String line = Printable.escape(what) + ": " + causes(e);
    if (traced.size() < MAX_CAUSES && traced.add(key(e))) {
      log.log(Level.WARNING, line + " (stack trace logged once per distinct cause)", e);
    } else {
      log.log(Level.WARNING, line);
      log.log(Level.DEBUG, line, e);
    }
  }

  /** {@code Type: message; caused by Type: message; …}, escaped, at most {@value #MAX_CHAIN} deep. */
  static String causes(Throwable e) {
    StringBuilder b = new StringBuilder();
    Throwable t = e;
    for (int depth = 0; t != null && depth < MAX_CHAIN; depth++, t = t.getCause() == t ? null : t.getCause()) {
      if (depth > 0) {
        b.append("; caused by ");
      }
      String m = t.getMessage();
      b.append(t.getClass().getSimpleName());
      if (m != null && !m.isBlank()) {
        b.append(": ").append(Printable.escape(m.length() > 300 ? m.substring(0, 300) + "…" : m));
      }
    }
    return b.toString();
  }

  /** The chain's types and the innermost one's first frame: what makes two failures "the same". */
  static String key(Throwable e) {
    StringBuilder b = new StringBuilder();
    Throwable inner = e;
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      b.append(t.getClass().getName()).append('<');
      inner = t;
      if (b.length() > 2000) {
        break;
      }
    }
    StackTraceElement[] trace = inner.getStackTrace();
    return b.append(trace.length == 0 ? "?" : trace[0].toString()).toString();
  }
}
