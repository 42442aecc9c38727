// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.demo;

import dev.bmreceipts.http.sender.AccessTokenProvider;
import dev.bmreceipts.http.sender.RbmEventSender;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The RBM senders of {@code serve --auto-read}: one {@link RbmEventSender} per agent id (a sender
 * is bound to one agent, and the id comes from each user message), made on first use, all on one
 * HTTP client and one token provider (RBM scope). At most {@link #MAX_AGENTS} agents: a team runs
 * a few, and the ids come from signed pushes, but a bound keeps a mistake from growing threads.
 */
final class RbmReads implements AutoCloseable {
  /** The most agents it makes senders for. */
  static final int MAX_AGENTS = 64;

  private final AccessTokenProvider tokens;
  private final URI apiRoot;
  private final Duration timeout;
  private final HttpClient client = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(10)).build();
  private final Map<String, RbmEventSender> senders = new ConcurrentHashMap<>();
  private boolean closed;

  RbmReads(AccessTokenProvider tokens, URI apiRoot, Duration timeout) {
    this.tokens = tokens;
    this.apiRoot = apiRoot;
    this.timeout = timeout;
  }

  /**
   * The sender for {@code agentId}.
   *
   * @throws IllegalArgumentException when the id is not one a sender takes
   * @throws IllegalStateException when {@link #MAX_AGENTS} agents have senders already, or after
   *     {@link #close()}
   */
  synchronized RbmEventSender sender(String agentId) {
    if (closed) {
      throw new IllegalStateException("the service is closing");
    }
    RbmEventSender sender = senders.get(agentId);
    if (sender == null) {
      if (senders.size() >= MAX_AGENTS) {
        throw new IllegalStateException("more than " + MAX_AGENTS + " RBM agents");
      }
      sender = RbmEventSender.builder().agentId(agentId).apiRoot(apiRoot).tokens(tokens)
          .httpClient(client).sendTimeout(timeout).requestTimeout(ReceiptService.attempt(timeout))
          .build();
      senders.put(agentId, sender);
    }
    return sender;
  }

  /** Waits for every send started, then closes every sender. */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
    }
    senders.values().forEach(RbmEventSender::close);
  }
}
