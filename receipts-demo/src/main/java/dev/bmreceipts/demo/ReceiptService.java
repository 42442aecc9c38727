// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.bmreceipts.auth.ServiceAccountTokens;
import dev.bmreceipts.core.MessageName;
import dev.bmreceipts.core.PayloadKind;
import dev.bmreceipts.core.UserMessage;
import dev.bmreceipts.core.WebhookPayload;
import dev.bmreceipts.core.Protocol;
import dev.bmreceipts.core.rbm.InvalidPhoneNumberException;
import dev.bmreceipts.core.rbm.PhoneNumber;
import dev.bmreceipts.core.rbm.RbmPayload;
import dev.bmreceipts.core.rbm.RbmPayloadKind;
import dev.bmreceipts.core.rbm.RbmUserMessage;
import dev.bmreceipts.http.sender.AccessTokenProvider;
import dev.bmreceipts.http.Deduplicator;
import dev.bmreceipts.http.RbmWebhook;
import dev.bmreceipts.http.ReceiptEvent;
import dev.bmreceipts.http.ReceiptListener;
import dev.bmreceipts.http.sender.RbmEventSender;
import dev.bmreceipts.http.sender.ReceiptSender;
import dev.bmreceipts.http.sender.SendException;
import dev.bmreceipts.http.Webhook;
import dev.bmreceipts.http.WebhookServer;
import dev.bmreceipts.http.journal.Journal;
import dev.bmreceipts.http.metrics.ReceiptMetrics;
import dev.bmreceipts.http.metrics.WebhookCounters;
import dev.bmreceipts.jdbc.JdbcStore;
import dev.bmreceipts.jdbc.StoreException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * The running {@code serve} service: the webhook at its path, with {@code --rbm-client-token} the
 * RCS Business Messaging webhook at its own, {@code GET /healthz} and {@code GET /metrics} on one
 * JDK {@code HttpServer}, wired to the journal, the receipt metrics, the stdout line per receipt
 * and, with {@code --auto-read}, the READ receipt sender and the RBM READ event senders. Both
 * webhooks share the listeners, the request counters and the dedupe store (their keys never
 * collide), so a team migrating to RBM runs one process with one journal.
 *
 * <p>{@link #close()} stops accepting connections, lets requests in flight finish, waits for the
 * READ receipts being sent, then forces and closes the journal.
 */
final class ReceiptService implements AutoCloseable {
  /** How long {@link #close()} waits for requests in flight. */
  static final Duration DRAIN = Duration.ofSeconds(10);
  /** The longest attempt of a READ receipt send. */
  static final Duration ATTEMPT = Duration.ofSeconds(30);
  /** The Prometheus text format's content type. */
  static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";

  private static final System.Logger LOG = System.getLogger(ReceiptService.class.getName());

  private final ServeCommand.Config config;
  private final PrintStream out;
  private final ReceiptMetrics metrics = ReceiptMetrics.builder().build();
  private final WebhookCounters requests = WebhookCounters.create();
  private final LongAdder sentOk = new LongAdder();
  private final LongAdder sentFailed = new LongAdder();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Optional<Journal.Writer> journal;
  /** Dedupe keys read from the journal at start. */
  private final int seeded;
  private final Optional<ReceiptSender> sender;
  private final Optional<RbmReads> rbmReads;
  private final ExecutorService autoReads = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "serve-auto-read");
    t.setDaemon(true);
    return t;
  });
  private final Optional<JdbcStore> store;
  private final Optional<StorePool> pool;
  private final ScheduledExecutorService purges = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "serve-store-purge");
    t.setDaemon(true);
    return t;
  });
  private final WebhookServer server;
  private final URI uri;

  private ReceiptService(ServeCommand.Config config, PrintStream out,
      Optional<Journal.Writer> journal, List<Deduplicator.Delivered> seed,
      Optional<ReceiptSender> sender, Optional<RbmReads> rbmReads, Optional<JdbcStore> store,
      Optional<StorePool> pool) throws IOException {
    this.config = config;
    this.out = out;
    this.journal = journal;
    this.seeded = seed.size();
    this.sender = sender;
    this.rbmReads = rbmReads;
    this.store = store;
    this.pool = pool;
    // one store for both webhooks: what the journal holds was delivered before a restart, so its
    // redeliveries reach nobody; the shared store claims and commits a request's keys with its rows
    Deduplicator dedupe = store.map(JdbcStore::deduplicator)
        .orElseGet(() -> Deduplicator.inMemory(Deduplicator.DEFAULT_MAX_ENTRIES,
            Deduplicator.DEFAULT_MAX_AGE, Clock.systemUTC(), seed));
    Webhook.Builder webhook = Webhook.builder().threads(config.threads()).observer(requests)
        .deduplicator(dedupe);
    config.clientToken().ifPresent(webhook::clientToken);
    config.signingKey().ifPresent(webhook::signingKey);
    // one list of receipt listeners, in one order, for both webhooks: the shared store's stages
    // the request's rows, which its commit writes with the dedupe keys after every listener
    // returned; then the journal, so a receipt is on disk before anything else sees it and
    // before the 2xx
    List<ReceiptListener> receipts = new ArrayList<>();
    store.ifPresent(s -> receipts.add(s.receiptListener()));
    journal.ifPresent(receipts::add);
    receipts.add(metrics);
    if (!config.quiet()) {
      receipts.add(this::print);
    }
    receipts.forEach(webhook::receiptListener);
    store.ifPresent(s -> webhook.payloadListener(s.payloadListener()));
    if (sender.isPresent()) {
      webhook.payloadListener(this::autoRead);
    }
    // the webhook at its path; /healthz, /metrics and every other path on the same server, so
    // that close() drains them all
    this.server = WebhookServer.builder(webhook.build()).host(config.host()).port(config.port())
        .path(config.path()).readTimeout(config.readTimeout()).backlog(config.backlog()).start();
    try {
      if (config.rbm()) {
        // the same listeners in the same order, on the same server: its threads, read timeout
        // and drain cover RBM too
        RbmWebhook.Builder rbm = RbmWebhook.builder().clientToken(config.rbmClientToken().get())
            .observer(requests).deduplicator(dedupe);
        receipts.forEach(rbm::receiptListener);
        store.ifPresent(s -> rbm.payloadListener(s.rbmPayloadListener()));
        if (rbmReads.isPresent()) {
          rbm.payloadListener(this::autoRead);
        }
        server.serve(config.rbmPath(), exactly(config.rbmPath(), rbm.build().handler()));
      }
      server.serve("/", this::route);
    } catch (RuntimeException e) {
      server.close(Duration.ZERO);
      throw e;
    }
    this.uri = ServeCommand.url(config.host(), server.port(), config.path());
    store.ifPresent(s -> purges.scheduleWithFixedDelay(() -> purge(s), 1, 1, TimeUnit.MINUTES));
  }

  /** Keys deleted per statement, and statements per minute at most (a million keys a minute). */
  static final int PURGE_BATCH = 10_000;
  static final int PURGE_BATCHES = 100;

  /**
   * Deletes expired dedupe keys, a bounded batch at a time, until a batch finds fewer than it
   * may take or {@link #PURGE_BATCHES} have run: one batch a minute fell behind any instance
   * taking more than 167 keys a second.
   */
  static void purge(JdbcStore store) {
    try {
      for (int i = 0; i < PURGE_BATCHES && store.purgeExpired(PURGE_BATCH) == PURGE_BATCH; i++) {
        // the next batch
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "could not purge expired dedupe keys: " + e.getMessage());
    }
  }

  /** The store for {@code --store} on {@code pool}, its schema applied or checked; or empty. */
  private static Optional<JdbcStore> store(ServeCommand.Config config, Optional<StorePool> pool)
      throws CommandFailure {
    if (pool.isEmpty()) {
      return Optional.empty();
    }
    DataSource ds = pool.get();
    try {
      if (config.storeMigrate()) {
        JdbcStore.migrate(ds);
      }
      JdbcStore store = JdbcStore.builder(ds).lease(config.storeLease()).build();
      store.checkSchema();
      return Optional.of(store);
    } catch (StoreException e) {
      throw new CommandFailure("store " + config.store().get().masked() + ": " + e.getMessage());
    }
  }

  /**
   * Opens the journal, makes the sender, binds the server and starts it.
   *
   * @throws CommandFailure when the journal, the credentials or the address cannot be used
   */
  static ReceiptService start(ServeCommand.Config config, PrintStream out) throws CommandFailure {
    Optional<Journal.Writer> journal = Optional.empty();
    Optional<ReceiptSender> sender = Optional.empty();
    Optional<RbmReads> rbmReads = Optional.empty();
    // a connection for each handler thread and one for the purge; threads started for slow
    // clients wait for one (a new PostgreSQL connection per request costs more than its statements)
    Optional<StorePool> pool = config.store().map(u -> u.pool(config.threads() + 1));
    try {
      List<Deduplicator.Delivered> seed = List.of();
      if (config.journal().isPresent()) {
        Path file = config.journal().get();
        journal = Optional.of(Journal.builder(file).sync(config.journalSync()).open());
        if (config.store().isEmpty()) {
          // a shared store dedupes on its own; the in-memory one starts from the journal
          seed = Journal.recentKeys(file, Deduplicator.DEFAULT_MAX_ENTRIES,
              Deduplicator.DEFAULT_MAX_AGE, Clock.systemUTC());
        }
      }
      if (config.autoRead()) {
        sender = Optional.of(sender(config.credentials(), config.sendTimeout()));
        if (config.rbm()) {
          rbmReads = Optional.of(new RbmReads(config.credentials().tokens(
              ServiceAccountTokens.RBM_SCOPE), config.credentials().rbmApiRoot(),
              config.sendTimeout()));
        }
      }
      return new ReceiptService(config, out, journal, seed, sender, rbmReads,
          store(config, pool), pool);
    } catch (CommandFailure | IOException | RuntimeException e) {
      pool.ifPresent(StorePool::close);
      sender.ifPresent(ReceiptSender::close);
      rbmReads.ifPresent(RbmReads::close);
      journal.ifPresent(Journal.Writer::close);
      if (e instanceof CommandFailure f) {
        throw f;
      }
      if (e instanceof IOException) {
        throw new CommandFailure("cannot listen on " + config.host() + ":" + config.port() + ": "
            + Text.oneLine(e));
      }
      throw new CommandFailure(e.getMessage() == null ? Text.oneLine(e) : e.getMessage());
    }
  }

  /**
   * A sender for the credentials whose every send ends within {@code timeout}, retries included.
   * Each attempt gets at most half of it (and at most 30 s), so that a stalled attempt leaves time
   * for a retry and frees its slot well before the send's own deadline.
   */
  static ReceiptSender sender(Credentials credentials, Duration timeout) throws CommandFailure {
    AccessTokenProvider tokens = credentials.tokens(ServiceAccountTokens.SCOPE);
    return ReceiptSender.builder().apiRoot(credentials.apiRoot()).tokens(tokens)
        .sendTimeout(timeout).requestTimeout(attempt(timeout)).build();
  }

  /** Each attempt's deadline for a send of {@code timeout}: half of it, at most {@link #ATTEMPT}. */
  static Duration attempt(Duration timeout) {
    return timeout.dividedBy(2).compareTo(ATTEMPT) < 0 ? timeout.dividedBy(2) : ATTEMPT;
  }

  /** The startup line. */
  String startupLine() {
    return "serving " + uri + "; signatures "
        + (config.signingKey().isPresent() ? "checked"
            : "NOT CHECKED (--no-signature-check: anyone who can reach it can post receipts)")
        + "; journal " + config.journal().map(Object::toString).orElse("none")
        + (config.journalSync() ? " (synced)" : "")
        + (seeded > 0 ? ", " + seeded + " dedupe keys read from it" : "")
        + config.store().map(u -> "; store " + u.masked()).orElse("")
        + (config.rbm() ? "; RBM " + rbmUri() + ", signatures checked" : "");
  }

  /** The RBM webhook's URL (served only with an RBM client token). */
  URI rbmUri() {
    return ServeCommand.url(config.host(), server.port(), config.rbmPath());
  }

  /**
   * The line after the startup line: what a first-time user tries next. Names the loopback
   * address when the service listens on every address.
   */
  String nextLine() {
    String host = config.host();
    String reach = host.equals("0.0.0.0") ? "127.0.0.1" : host.equals("::") ? "::1" : host;
    URI root = ServeCommand.url(reach, server.port(), "/");
    URI webhook = ServeCommand.url(reach, server.port(), config.path());
    return "try: curl -sS " + root.resolve("/healthz") + " (or /metrics); signed test payloads:"
        + " 'emulator --port 8181' with the same BM_SIGNING_KEY, then POST a payload to"
        + " http://127.0.0.1:8181/emulator/push?to=" + webhook
        + (config.rbm() ? "; RBM: with the same RBM_CLIENT_TOKEN, POST a decoded event to"
            + " http://127.0.0.1:8181/emulator/push-rbm?to="
            + ServeCommand.url(reach, server.port(), config.rbmPath()) : "");
  }

  /** The webhook's URL. */
  URI uri() {
    return uri;
  }

  /** {@code http://host:port/}, where {@code /healthz} and {@code /metrics} are. */
  URI root() {
    return uri.resolve("/");
  }

  /** The {@code /metrics} text. */
  String prometheus() {
    StringBuilder b = new StringBuilder(4096);
    try {
      metrics.writePrometheus(b);
      requests.writePrometheus(b);
    } catch (IOException e) {
      throw new IllegalStateException("a StringBuilder does not throw", e);
    }
    // the demo's own: what --auto-read sent
    b.append("# HELP bm_agent_receipts_sent_total Agent READ receipts and RBM READ events sent by"
        + " --auto-read, by outcome.\n");
    b.append("# TYPE bm_agent_receipts_sent_total counter\n");
    b.append("bm_agent_receipts_sent_total{outcome=\"ok\"} ").append(sentOk.sum()).append('\n');
    b.append("bm_agent_receipts_sent_total{outcome=\"failed\"} ").append(sentFailed.sum())
        .append('\n');
    return b.toString();
  }

  private void print(ReceiptEvent e) {
    String type = e.receipt().rawType().isEmpty() ? e.type().name() : e.receipt().rawType();
    // an RBM receipt's conversation is the user's phone: named as RBM names it, masked
    String name = e.protocol() == Protocol.RBM
        ? rbmName(e.conversationId(), e.message().messageId())
        : e.message().toString();
    // payload text, escaped: a newline in it must not forge a line, nor ESC reach the terminal
    String line = "receipt " + Text.clean(type) + " " + Text.escape(name)
        + " agent=" + (e.agent().isEmpty() ? "-" : Text.escape(e.agent()));
    synchronized (out) {
      out.println(line);
      out.flush();
    }
  }

  /** {@code phones/+****0123/messages/M}: an RBM message for stdout and logs, the phone masked. */
  static String rbmName(String phone, String messageId) {
    String masked;
    try {
      masked = PhoneNumber.of(phone).masked();
    } catch (InvalidPhoneNumberException e) {
      masked = Text.maskedPhone(phone);
    }
    return "phones/" + masked + "/messages/" + messageId;
  }

  /** {@code --auto-read} for RBM: a READ event for each user message, to the message's agent. */
  private void autoRead(RbmPayload payload) {
    if (payload.kind() != RbmPayloadKind.USER_MESSAGE || payload.userMessage().isEmpty()) {
      return;
    }
    RbmUserMessage m = payload.userMessage().get();
    String agentId = m.agentId().isEmpty() ? payload.agentId() : m.agentId();
    String name = Text.escape(rbmName(m.senderPhoneNumber().e164(), m.messageId()));
    RbmEventSender rbm;
    try {
      if (agentId.isEmpty()) {
        throw new IllegalArgumentException("the message names no agentId");
      }
      rbm = rbmReads.orElseThrow().sender(agentId);
    } catch (RuntimeException e) {
      sentFailed.increment();
      LOG.log(Level.WARNING, "auto-read skipped RBM " + name + ": " + Text.escape(e.getMessage()));
      return;
    }
    try {
      // hand off, as for Business Messages: a first send may wait for a token
      autoReads.execute(() -> sendRbm(rbm, m, name, agentId));
    } catch (RuntimeException e) {
      sentFailed.increment();
      LOG.log(Level.WARNING, "auto-read failed for RBM " + name + ": " + Text.oneLine(e));
    }
  }

  private void sendRbm(RbmEventSender rbm, RbmUserMessage m, String name, String agentId) {
    try {
      rbm.sendRead(m.senderPhoneNumber(), m.messageId()).whenComplete((result, failure) ->
          finished(failure, () -> "sent RBM READ " + name + " agent=" + Text.escape(agentId),
              "RBM " + name));
    } catch (RuntimeException e) {
      sentFailed.increment();
      LOG.log(Level.WARNING, "auto-read failed for RBM " + name + ": " + Text.oneLine(e));
    }
  }

  /**
   * {@code handler} at {@code path} only: the JDK matches a context by prefix, and the RBM
   * webhook, like the Business Messages one, answers its own path and nothing under it.
   */
  private static HttpHandler exactly(String path, HttpHandler handler) {
    return exchange -> {
      if (path.equals(exchange.getRequestURI().getPath())) {
        handler.handle(exchange);
      } else {
        try (exchange) {
          text(exchange, 404, "text/plain; charset=utf-8", "not found\n");
        }
      }
    };
  }

  private void autoRead(WebhookPayload payload) {
    if (payload.kind() != PayloadKind.MESSAGE || payload.message().isEmpty()) {
      return;
    }
    UserMessage m = payload.message().get();
    MessageName name;
    try {
      name = !m.messageId().isEmpty() && !payload.conversationId().isEmpty()
          ? MessageName.of(payload.conversationId(), m.messageId())
          : MessageName.parse(m.name());
    } catch (IllegalArgumentException e) {
      sentFailed.increment();
      LOG.log(Level.WARNING, "auto-read skipped a user message without a usable id: "
          + Text.escape(e.getMessage()));
      return;
    }
    try {
      // hand off: a first send may wait for a token, and the webhook's answer must not
      autoReads.execute(() -> send(name));
    } catch (RuntimeException e) {
      sentFailed.increment();
      LOG.log(Level.WARNING, "auto-read failed for " + Text.escape(name.toString()) + ": "
          + Text.oneLine(e));
    }
  }

  /**
   * Counts an auto-read that ended, of either protocol: prints {@code line} unless quiet when it was
   * sent, logs why it was not otherwise ({@code what} names the message, masked and escaped).
   */
  private void finished(Throwable failure, Supplier<String> line, String what) {
    if (failure == null) {
      if (!config.quiet()) {
        synchronized (out) {
          out.println(line.get());
          out.flush();
        }
      }
      sentOk.increment();
      return;
    }
    sentFailed.increment();
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
    String why = cause instanceof SendException e ? SendReadCommand.reason(e) : Text.oneLine(cause);
    LOG.log(Level.WARNING, "auto-read failed for " + what + ": " + Text.escape(why));
  }

  private void send(MessageName name) {
    try {
      sender.orElseThrow().sendRead(name).whenComplete((result, failure) ->
          finished(failure, () -> "sent READ " + Text.escape(name.toString())
              + (result.skipped() ? " (already sent)" : ""), Text.escape(name.toString())));
    } catch (RuntimeException e) {
      sentFailed.increment();
      LOG.log(Level.WARNING, "auto-read failed for " + Text.escape(name.toString()) + ": "
          + Text.oneLine(e));
    }
  }

  private void route(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    try (exchange) {
      String method = exchange.getRequestMethod();
      // a body here is never read: the JDK drains at most 64 KiB of it after the answer, under
      // the read timeout, and closes the connection when there is more
      if (!path.equals("/healthz") && !path.equals("/metrics")) {
        text(exchange, 404, "text/plain; charset=utf-8", "not found\n");
      } else if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        text(exchange, 405, "text/plain; charset=utf-8", "method not allowed: use GET\n");
      } else if (path.equals("/healthz")) {
        text(exchange, 200, "text/plain; charset=utf-8", "ok\n");
      } else {
        text(exchange, 200, PROMETHEUS, prometheus());
      }
    }
  }

  private static void text(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
    if (!head) {
      // closing the body stream sends the answer before the JDK drains an unread request body
      OutputStream out = exchange.getResponseBody();
      out.write(bytes);
      out.close();
    }
  }

  /**
   * Stops accepting, drains requests in flight (up to {@link #DRAIN}), waits for READ receipts
   * being sent, then forces and closes the journal. Closing twice does nothing.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    server.close(DRAIN);
    purges.shutdownNow();
    autoReads.shutdown();
    try {
      autoReads.awaitTermination(DRAIN.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    sender.ifPresent(ReceiptSender::close);
    rbmReads.ifPresent(RbmReads::close);
    pool.ifPresent(StorePool::close);
    journal.ifPresent(Journal.Writer::close);
    synchronized (out) {
      out.flush();
    }
  }
}
