// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.demo;

/**
 * Untrusted text made safe for the demo's output, where each line is one record: nothing in a
 * value can end a line, start a forged one, or drive the terminal. The CLI's only text helpers, so
 * that nothing depends on the option parser for them.
 */
final class Text {
  /** How much of an untrusted value {@link #clean} keeps. */
  static final int MAX = 120;

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private Text() {}

  /**
   * Whether {@code c} must not reach the output as itself: C0 and C1 controls and DEL (newlines and
   * ESC among them), the line and paragraph separators U+2028 and U+2029, format characters (the
   * bidirectional controls U+061C, U+200E, U+200F, U+202A..U+202E, U+2066..U+2069, and the like;
   * the zero-width (non-)joiners U+200C and U+200D, which emoji and several scripts need, stay),
   * and surrogates that are not part of a pair. Nothing outside the BMP: the format characters
   * there (emoji tag sequences, musical notation) neither break lines nor reorder text.
   */
  static boolean unsafe(int c) {
    if (c == 0x200C || c == 0x200D || c > 0xFFFF) {
      return false;
    }
    int type = Character.getType(c);
    return type == Character.CONTROL || type == Character.FORMAT || type == Character.SURROGATE
        || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR;
  }

  /**
   * {@code s} with every {@link #unsafe} character escaped: {@code \n}, {@code \r}, {@code \t},
   * {@code \xHH} below U+0100, &#92;uHHHH above. Everything else, backslashes included, is
   * kept, so escaping twice changes nothing.
   */
  static String escape(String s) {
    int i = 0;
    while (i < s.length() && !unsafe(s.codePointAt(i))) {
      i += Character.charCount(s.codePointAt(i));
    }
    if (i == s.length()) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length() + 16).append(s, 0, i);
    while (i < s.length()) {
      int c = s.codePointAt(i);
      i += Character.charCount(c);
      if (!unsafe(c)) {
        b.appendCodePoint(c);
      } else if (c == '\n') {
        b.append("\\n");
      } else if (c == '\r') {
        b.append("\\r");
      } else if (c == '\t') {
        b.append("\\t");
      } else if (c < 0x100) {
        b.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xF]);
      } else {
        b.append("\\u").append(HEX[(c >> 12) & 0xF]).append(HEX[(c >> 8) & 0xF])
            .append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
      }
    }
    return b.toString();
  }

  /** {@link #escape}d and cut to {@link #MAX} characters (then ending in {@code …}). */
  static String clean(String s) {
    String t = escape(s);
    return t.length() > MAX ? t.substring(0, MAX) + "…" : t;
  }

  /** {@link #clean}, in double quotes. */
  static String quote(String s) {
    return '"' + clean(s) + '"';
  }

  /**
   * JSON text from a writer (which escapes only what JSON requires) with every other
   * {@link #unsafe} character inside its strings written as a JSON {@code \}{@code uHHHH} escape:
   * the same JSON value, safe on a terminal. Whitespace between tokens is kept.
   */
  static String json(String json) {
    StringBuilder b = null;
    boolean inString = false;
    int i = 0;
    while (i < json.length()) {
      int c = json.codePointAt(i);
      int n = Character.charCount(c);
      if (inString && unsafe(c)) {
        if (b == null) {
          b = new StringBuilder(json.length() + 16).append(json, 0, i);
        }
        // unsafe code points are all in the BMP (see unsafe): one escape each
        b.append("\\u").append(HEX[(c >> 12) & 0xF]).append(HEX[(c >> 8) & 0xF])
            .append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
      } else {
        if (inString && c == '\\' && i + 1 < json.length()) {
          n = 2; // an escape the writer made: kept whole
        } else if (c == '"') {
          inString = !inString;
        }
        if (b != null) {
          b.append(json, i, i + n);
        }
      }
      i += n;
    }
    return b == null ? json : b.toString();
  }

  /**
   * Text given as a phone number, for error lines: every character but the last four masked, as
   * {@code PhoneNumber.masked()} masks a valid one ({@code +****0123}); text of four characters or
   * fewer is masked whole. Not checked as a number: for text that may not be one.
   */
  static String maskedPhone(String s) {
    String prefix = s.startsWith("+") ? "+****" : "****";
    return s.length() <= 4 ? "****" : prefix + s.substring(s.length() - 4);
  }

  /** An unexpected exception as one line: its type and message, never a stack trace. */
  static String oneLine(Throwable e) {
    String m = e.getMessage();
    String type = e.getClass().getSimpleName();
    return escape(m == null || m.isBlank() ? type : type + ": " + m);
  }
}
