// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.emulator;

import java.util.Objects;

/**
 * Decides how the emulator answers the calls it accepted. A receipt call or an RBM agent-event
 * call reaches {@link #dispatch} only once the emulator found it valid as Google would (path,
 * method, token, query, content type, body); its {@code path} tells which. For an agent event,
 * {@link Answer#ok()} lets the platform answer (the created event, or 404 for an unreachable
 * phone); any other answer is given as is. A token request reaches {@link #dispatchToken} only once its assertion
 * verified. Calls the emulator refuses are answered with Google's error and recorded, without
 * reaching the dispatcher.
 *
 * <p>Both methods are called on one of the emulator's server threads, once per call, possibly on
 * several threads at once: an implementation must be thread-safe. It may block (the call waits);
 * an exception it throws is answered {@code 500} with Google's error body and logged.
 */
public interface Dispatcher {
  /**
   * The answer to one accepted receipt or agent-event call.
   *
   * @param request the call as received; its {@code status} is not known yet and reads 0
   * @throws InterruptedException when the emulator is closing
   */
  Answer dispatch(RecordedRequest request) throws InterruptedException;

  /**
   * The answer to one token request whose assertion verified; {@link Answer#ok()} issues a token.
   *
   * @param request the request as received (assertion redacted); its {@code status} reads 0
   * @throws InterruptedException when the emulator is closing
   */
  default Answer dispatchToken(RecordedRequest request) throws InterruptedException {
    return Answer.ok();
  }

  /**
   * The default dispatcher: answers queued with {@link Emulator#enqueue} and
   * {@link Emulator#enqueueToken} first, in order, and asks {@code whenEmpty} once a queue is
   * empty.
   */
  static Dispatcher queue(Dispatcher whenEmpty) {
    return new QueueDispatcher(Objects.requireNonNull(whenEmpty,
        "whenEmpty cannot be null, use queue() for answers as the API gives them"));
  }

  /** The default dispatcher, answering as the API does once nothing is queued. */
  static Dispatcher queue() {
    return queue(request -> Answer.ok());
  }
}
