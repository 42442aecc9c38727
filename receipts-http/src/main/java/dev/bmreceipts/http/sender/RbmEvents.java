// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.sender;

import dev.bmreceipts.core.rbm.AgentEventId;
import dev.bmreceipts.core.rbm.PhoneNumber;
import dev.bmreceipts.core.rbm.RbmEventType;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/** The {@link RbmEventSender}: each event is an {@link Engine.Job} on an engine of its own. */
final class RbmEvents implements RbmEventSender {
  private final String apiRoot;
  private final String agentId;
  private final Engine engine;

  RbmEvents(RbmEventSender.Builder b) {
    this.apiRoot = b.transport.apiRoot;
    this.agentId = b.agentId;
    this.engine = new Engine(b.transport);
  }

  /** One agent event: what it is, and its deterministic id. */
  record Event(PhoneNumber phone, RbmEventType type, String messageId, UUID eventId) {}

  @Override
  public CompletableFuture<RbmEventResult> sendRead(PhoneNumber phone, String messageId) {
    return engine.send(new EventJob(event(phone, RbmEventType.READ, messageId, "messageId")));
  }

  @Override
  public CompletableFuture<RbmEventResult> sendIsTyping(PhoneNumber phone, String answeredMessageId) {
    return engine.send(new EventJob(event(phone, RbmEventType.IS_TYPING, answeredMessageId, "answeredMessageId")));
  }

  @Override
  public RbmEventResult sendReadAndWait(PhoneNumber phone, String messageId) {
    Event event = event(phone, RbmEventType.READ, messageId, "messageId");
    return Engine.await(engine.send(new EventJob(event)), e -> new RbmEventSendException.Interrupted(event, e));
  }

  @Override
  public RbmEventResult sendIsTypingAndWait(PhoneNumber phone, String answeredMessageId) {
    Event event = event(phone, RbmEventType.IS_TYPING, answeredMessageId, "answeredMessageId");
    return Engine.await(engine.send(new EventJob(event)), e -> new RbmEventSendException.Interrupted(event, e));
  }

  /** Checks the arguments, before anything is sent. */
  private Event event(PhoneNumber phone, RbmEventType type, String messageId, String what) {
    Objects.requireNonNull(phone, "phone cannot be null");
    Objects.requireNonNull(messageId, what + " cannot be null");
    if (messageId.isEmpty()) {
      throw new IllegalArgumentException(what + " must not be empty");
    }
    if (messageId.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException(what + " must not contain control characters");
    }
    return new Event(phone, type, messageId, AgentEventId.of(agentId, phone, messageId, type.name()));
  }

  /** {@code {"eventType":"READ","messageId":"…"}} or {@code {"eventType":"IS_TYPING"}}. */
  static byte[] body(Event event) {
    StringBuilder b = new StringBuilder(64).append("{\"eventType\":\"").append(event.type().name()).append('"');
    if (event.type() == RbmEventType.READ) {
      b.append(",\"messageId\":");
      jsonString(b, event.messageId());
    }
    return b.append('}').toString().getBytes(StandardCharsets.UTF_8);
  }

  /** {@code s} as a JSON string: {@code "} and {@code \} escaped (control characters are refused before). */
  private static void jsonString(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\');
      }
      b.append(c);
    }
    b.append('"');
  }

  /** One agent event on the shared engine. */
  private final class EventJob implements Engine.Job<RbmEventResult> {
    private final Event event;
    private final URI uri;
    private final URI shownUri;

    EventJob(Event event) {
      this.event = event;
      this.uri = Uris.agentEventUri(apiRoot, "%2B" + event.phone().e164().substring(1), event.eventId(), agentId);
      this.shownUri = Uris.withoutUserInfo(Uris.agentEventUri(
          apiRoot, "%2B" + event.phone().masked().substring(1), event.eventId(), agentId));
    }

    @Override
    public URI uri() {
      return uri;
    }

    @Override
    public String method() {
      return "POST";
    }

    @Override
    public HttpRequest.BodyPublisher body() {
      return HttpRequest.BodyPublishers.ofByteArray(RbmEvents.body(event));
    }

    @Override
    public String what() {
      return event.type() + " event";
    }

    @Override
    public String subject() {
      return event.phone().masked() + " (message " + event.messageId() + ")";
    }

    @Override
    public RbmEventResult success(int status, byte[] body, int attempts) {
      return new RbmEventResult(event.phone(), event.type(), event.messageId(), event.eventId(), status, attempts);
    }

    @Override
    public RuntimeException rejected(int status, String apiStatus, String apiMessage, int attempts) {
      return new RbmEventSendException.Rejected(event, shownUri, status, apiStatus, apiMessage, attempts);
    }

    @Override
    public RuntimeException gaveUp(int status, String apiStatus, String apiMessage, int attempts) {
      return new RbmEventSendException.GaveUp(event, shownUri, status, apiStatus, apiMessage, attempts);
    }

    @Override
    public RuntimeException gaveUp(Throwable cause, int attempts) {
      return new RbmEventSendException.GaveUp(event, shownUri, cause, attempts);
    }

    @Override
    public RuntimeException noToken(Throwable cause, int attempts) {
      return new RbmEventSendException.NoToken(event, shownUri, cause, attempts);
    }
  }

  @Override
  public void close() {
    engine.close();
  }

  @Override
  public String toString() {
    return "RbmEventSender[apiRoot=" + Uris.withoutUserInfo(URI.create(apiRoot)) + ", agentId=" + agentId + "]";
  }
}
