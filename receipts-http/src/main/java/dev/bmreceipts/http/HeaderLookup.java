// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http;

/**
 * How {@link Webhook#process} and {@link RbmWebhook#process} read request headers: the first
 * value of a header, looked up by name without regard to case, or {@code null} when the request
 * has none. The host does the case-insensitive lookup, so a servlet passes
 * {@code request::getHeader} and the JDK server passes
 * {@code exchange.getRequestHeaders()::getFirst}.
 */
@FunctionalInterface
public interface HeaderLookup {
  /** The first value of header {@code name} (any case), or {@code null} when absent. */
  String first(String name);
}
