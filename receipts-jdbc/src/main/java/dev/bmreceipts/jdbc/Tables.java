// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.jdbc;

import java.util.regex.Pattern;

/** The store's table names, from a prefix checked as an unquoted SQL identifier. */
record Tables(String prefix) {
  private static final Pattern PREFIX = Pattern.compile("[a-z_][a-z0-9_]{0,39}");

  Tables {
    if (prefix == null || !PREFIX.matcher(prefix).matches()) {
      // the prefix goes into SQL text: only a plain identifier, never echoed when it is not one
      throw new IllegalArgumentException("table prefix must be 1 to 40 characters of a-z, 0-9"
          + " and _, not starting with a digit");
    }
  }

  String dedupe() {
    return prefix + "dedupe";
  }

  String inbox() {
    return prefix + "inbox";
  }

  String schemaVersion() {
    return prefix + "schema_version";
  }

  /** {@code sql} with every {@code ${p}} replaced by the prefix. */
  String expand(String sql) {
    return sql.replace("${p}", prefix);
  }
}
