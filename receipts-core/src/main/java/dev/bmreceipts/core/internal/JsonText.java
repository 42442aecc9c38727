// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.core.internal;

import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParser.Event;

/**
 * The words both webhook parsers (Business Messages and RCS Business Messaging) use in their
 * one-line reasons, so that both say the same thing the same way. Inside the module only; not
 * exported.
 */
public final class JsonText {
  private JsonText() {}

  /** A member name as a path segment; a name that is empty, long or odd is not echoed: {@code [?]}. */
  public static String segment(String key) {
    if (key.isEmpty() || key.length() > 64) {
      return "[?]";
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (!(c == '_' || c == '-' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z'))) {
        return "[?]";
      }
    }
    return key;
  }

  /** What a parser event starts, as a reason says it: {@code an object}, {@code a string}, … */
  public static String describe(Event e) {
    switch (e) {
      case START_OBJECT:
        return "an object";
      case START_ARRAY:
        return "an array";
      case VALUE_STRING:
        return "a string";
      case VALUE_NUMBER:
        return "a number";
      case VALUE_TRUE:
      case VALUE_FALSE:
        return "a boolean";
      case VALUE_NULL:
        return "null";
      default:
        return "nothing";
    }
  }

  /** What a value is, as a reason says it. */
  public static String describe(JsonValue v) {
    switch (v.getValueType()) {
      case OBJECT:
        return "an object";
      case ARRAY:
        return "an array";
      case STRING:
        return "a string";
      case NUMBER:
        return "a number";
      case TRUE:
      case FALSE:
        return "a boolean";
      default:
        return "null";
    }
  }

  /** Whether the first {@code n} chars are JSON white space only. */
  public static boolean isBlank(char[] a, int n) {
    for (int i = 0; i < n; i++) {
      char c = a[i];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return false;
      }
    }
    return true;
  }
}
