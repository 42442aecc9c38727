// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** A failing listener or journal: one line per request, a stack trace once per distinct cause. */
class FailureLogTest {
  /** What a System.Logger was asked to log, at the levels it has on. */
  record Logged(System.Logger.Level level, String message, Throwable thrown) {}

  static final class Recording implements System.Logger {
    final List<Logged> logged = new CopyOnWriteArrayList<>();
    private final Level lowest;

    Recording(Level lowest) {
      this.lowest = lowest;
    }

    @Override
    public String getName() {
      return "recording";
    }

    @Override
    public boolean isLoggable(Level level) {
      return level.getSeverity() >= lowest.getSeverity();
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
      if (isLoggable(level)) {
        logged.add(new Logged(level, msg, thrown));
      }
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
      if (isLoggable(level)) {
        logged.add(new Logged(level, java.text.MessageFormat.format(format, params), null));
      }
    }

    List<Logged> at(Level level) {
      return logged.stream().filter(l -> l.level() == level).toList();
    }
  }

  private static Exception diskFull() {
    return new UncheckedIOException("cannot append to the journal", new IOException("No space left on device"));
  }

  @Test
  void fiveFailuresWithOneCauseLogFiveLinesAndOneStackTrace() {
    Recording log = new Recording(System.Logger.Level.INFO);
    FailureLog failures = new FailureLog(log);
    for (int i = 0; i < 5; i++) {
      failures.failed("receipt listener failed for conversations/c/messages/m" + i + " READ in conversation c;"
          + " answered 500", diskFull());
    }
    List<Logged> warnings = log.at(System.Logger.Level.WARNING);
    assertEquals(5, warnings.size());
    assertEquals("receipt listener failed for conversations/c/messages/m0 READ in conversation c; answered 500:"
        + " UncheckedIOException: cannot append to the journal; caused by IOException: No space left on device"
        + " (stack trace logged once per distinct cause)", warnings.get(0).message());
    assertNotNull(warnings.get(0).thrown());
    for (int i = 1; i < 5; i++) {
      assertEquals("receipt listener failed for conversations/c/messages/m" + i + " READ in conversation c;"
          + " answered 500: UncheckedIOException: cannot append to the journal; caused by IOException: No space"
          + " left on device", warnings.get(i).message());
      assertNull(warnings.get(i).thrown());
    }
    assertEquals(List.of(), log.at(System.Logger.Level.DEBUG), "DEBUG is off");
  }

  @Test
  void aNewCauseGetsItsOwnStackTraceAndRepeatsGoToDebug() {
    Recording log = new Recording(System.Logger.Level.DEBUG);
    FailureLog failures = new FailureLog(log);
    failures.failed("a", diskFull());
    failures.failed("b", new IllegalStateException("listener bug"));
    failures.failed("c", diskFull());
    List<Logged> warnings = log.at(System.Logger.Level.WARNING);
    assertEquals(List.of(true, true, false), warnings.stream().map(l -> l.thrown() != null).toList());
    List<Logged> debug = log.at(System.Logger.Level.DEBUG);
    assertEquals(1, debug.size());
    assertNotNull(debug.get(0).thrown());
  }

  @Test
  void payloadTextCannotForgeALineOrReachTheTerminal() {
    Recording log = new Recording(System.Logger.Level.INFO);
    new FailureLog(log).failed("payload listener failed in conversation c\nreceipt READ forged \u001b[31m\u2028\u202e",
        new IllegalStateException("bad\r\nthing"));
    assertEquals("payload listener failed in conversation c\\nreceipt READ forged \\x1b[31m\\u2028\\u202e:"
        + " IllegalStateException: bad\\r\\nthing (stack trace logged once per distinct cause)",
        log.logged.get(0).message());
  }

}
