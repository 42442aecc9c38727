// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.emulator;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/** Queued answers first, then a fallback dispatcher. */
final class QueueDispatcher implements Dispatcher {
  private final Queue<Answer> receipts = new ConcurrentLinkedQueue<>();
  private final Queue<Answer> tokens = new ConcurrentLinkedQueue<>();
  private final Dispatcher whenEmpty;

  QueueDispatcher(Dispatcher whenEmpty) {
    this.whenEmpty = whenEmpty;
  }

  void enqueue(Answer answer) {
    receipts.add(answer);
  }

  void enqueueToken(Answer answer) {
    tokens.add(answer);
  }

  List<Answer> queued() {
    return List.copyOf(receipts);
  }

  void clear() {
    receipts.clear();
  }

  @Override
  public Answer dispatch(RecordedRequest request) throws InterruptedException {
    Answer a = receipts.poll();
    return a != null ? a : whenEmpty.dispatch(request);
  }

  @Override
  public Answer dispatchToken(RecordedRequest request) throws InterruptedException {
    Answer a = tokens.poll();
    return a != null ? a : whenEmpty.dispatchToken(request);
  }
}
