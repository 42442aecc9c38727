// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.internal;

/**
 * Untrusted text (ids and names from payloads, exception messages) made safe for one line of a
 * log or a report: nothing in it can end the line, forge the next one, or drive a terminal.
 */
public final class Printable {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private Printable() {}

  /**
   * {@code s} with C0 and C1 controls, DEL, U+2028, U+2029, the BMP's format characters (the
   * bidirectional controls among them; not the zero-width joiners U+200C and U+200D) and unpaired
   * surrogates escaped as {@code \n}, {@code \r}, {@code \t}, {@code \xHH} or &#92;uHHHH; all
   * else kept. {@code null} becomes {@code "null"}.
   */
  public static String escape(String s) {
    if (s == null) {
      return "null";
    }
    int i = 0;
    while (i < s.length() && !unsafe(s.charAt(i), s, i)) {
      i++;
    }
    if (i == s.length()) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length() + 16).append(s, 0, i);
    for (; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!unsafe(c, s, i)) {
        b.append(c);
      } else if (c == '\n') {
        b.append("\\n");
      } else if (c == '\r') {
        b.append("\\r");
      } else if (c == '\t') {
        b.append("\\t");
      } else if (c < 0x100) {
        b.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xF]);
      } else {
        b.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xF])
            .append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
      }
    }
    return b.toString();
  }

  private static boolean unsafe(char c, String s, int i) {
    if (Character.isHighSurrogate(c)) {
      return i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
    }
    if (Character.isLowSurrogate(c)) {
      return i == 0 || !Character.isHighSurrogate(s.charAt(i - 1));
    }
    if (c == 0x200C || c == 0x200D) {
      return false;
    }
    int type = Character.getType(c);
    return type == Character.CONTROL || type == Character.FORMAT
        || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR;
  }
}
