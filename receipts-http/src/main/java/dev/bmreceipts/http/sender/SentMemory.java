// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.sender;

import dev.bmreceipts.core.MessageName;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The messages whose READ receipt was sent successfully, with the receipt name the API gave, at
 * most {@code capacity} of them; the oldest is forgotten first. Thread-safe.
 */
final class SentMemory {
  private final int capacity;
  private final Map<MessageName, String> sent = new ConcurrentHashMap<>();
  private final Queue<MessageName> order = new ConcurrentLinkedQueue<>();
  private final AtomicInteger size = new AtomicInteger();

  SentMemory(int capacity) {
    this.capacity = capacity;
  }

  /** The receipt name recorded for {@code name}, or {@code null}. */
  String receiptName(MessageName name) {
    return sent.get(name);
  }

  void remember(MessageName name, String receiptName) {
    if (sent.putIfAbsent(name, receiptName) != null) {
      return;
    }
    order.add(name);
    if (size.incrementAndGet() > capacity) {
      MessageName oldest = order.poll();
      if (oldest != null) {
        sent.remove(oldest);
        size.decrementAndGet();
      }
    }
  }
}
