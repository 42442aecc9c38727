package dev.bmreceipts.demo;

import com.sun.net.httpserver.HttpExchange;
import dev.bmreceipts.auth.CredentialsException;
import dev.bmreceipts.auth.ServiceAccountTokens;
import dev.bmreceipts.core.MessageName;
import dev.bmreceipts.core.PayloadKind;
import dev.bmreceipts.core.UserMessage;
import dev.bmreceipts.core.WebhookPayload;
import dev.bmreceipts.http.sender.AccessTokenProvider;
import dev.bmreceipts.http.ReceiptEvent;
import dev.bmreceipts.http.sender.ReceiptSendException;
import dev.bmreceipts.http.sender.ReceiptSender;
import dev.bmreceipts.http.Webhook;
import dev.bmreceipts.http.WebhookOutcome;
import dev.bmreceipts.http.WebhookServer;
import dev.bmreceipts.http.journal.Journal;
import dev.bmreceipts.http.metrics.ReceiptMetrics;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * The running {@code serve} service: the webhook at its path, {@code GET /healthz} and
 * {@code GET /metrics} on one JDK {@code HttpServer}, wired to the journal, the receipt metrics,
 * the stdout line per receipt and, with {@code --auto-read}, the READ receipt sender.
 *
 * <p>{@link #close()} stops accepting connections, lets requests in flight finish, waits for the
 * READ receipts being sent, then forces and closes the journal.
 */
final class ReceiptService implements AutoCloseable {
  /** How long {@link #close()} waits for requests in flight. */
  static final Duration DRAIN = Duration.ofSeconds(10);
  /** The Prometheus text format's content type. */
  static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";

  private static final System.Logger LOG = System.getLogger(ReceiptService.class.getName());

  private final ServeCommand.Config config;
  private final PrintStream out;
  private final ReceiptMetrics metrics = ReceiptMetrics.builder().build();
  private final Map<Integer, LongAdder> requests = new ConcurrentHashMap<>();
  private final LongAdder sentOk = new LongAdder();
  private final LongAdder sentFailed = new LongAdder();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Optional<Journal.Writer> journal;
  private final Optional<ReceiptSender> sender;
  private final ExecutorService autoReads = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "serve-auto-read");
    t.setDaemon(true);
    return t;
  });
  private final WebhookServer server;
  private final URI uri;

  private ReceiptService(ServeCommand.Config config, PrintStream out,
      Optional<Journal.Writer> journal, Optional<ReceiptSender> sender) throws IOException {
    this.config = config;
    this.out = out;
    this.journal = journal;
    this.sender = sender;
    Webhook.Builder webhook = Webhook.builder().threads(config.threads()).observer(this::observe);
    config.clientToken().ifPresent(webhook::clientToken);
    config.signingKey().ifPresent(webhook::signingKey);
    // the journal first: a receipt is on disk before anything else sees it, and before the 2xx
    journal.ifPresent(webhook::receiptListener);
    webhook.receiptListener(metrics);
    if (!config.quiet()) {
      webhook.receiptListener(this::print);
    }
    if (sender.isPresent()) {
      webhook.payloadListener(this::autoRead);
    }
    // the webhook at its path; /healthz, /metrics and every other path on the same server, so
    // that close() drains them all
    this.server = WebhookServer.builder(webhook.build()).host(config.host()).port(config.port())
        .path(config.path()).readTimeout(config.readTimeout()).backlog(config.backlog()).start();
    server.serve("/", this::route);
    this.uri = ServeCommand.url(config.host(), server.port(), config.path());
  }

  /**
   * Opens the journal, makes the sender, binds the server and starts it.
   *
   * @throws CommandFailure when the journal, the credentials or the address cannot be used
   */
  static ReceiptService start(ServeCommand.Config config, PrintStream out) throws CommandFailure {
    Optional<Journal.Writer> journal = Optional.empty();
    Optional<ReceiptSender> sender = Optional.empty();
    try {
      if (config.journal().isPresent()) {
        journal = Optional.of(Journal.open(config.journal().get()));
      }
      if (config.autoRead()) {
        sender = Optional.of(sender(config.credentials()));
      }
      return new ReceiptService(config, out, journal, sender);
    } catch (CommandFailure | IOException | RuntimeException e) {
      sender.ifPresent(ReceiptSender::close);
      journal.ifPresent(Journal.Writer::close);
      if (e instanceof CommandFailure f) {
        throw f;
      }
      if (e instanceof IOException) {
        throw new CommandFailure("cannot listen on " + config.host() + ":" + config.port() + ": "
            + Main.oneLine(e));
      }
      throw new CommandFailure(e.getMessage() == null ? Main.oneLine(e) : e.getMessage());
    }
  }

  /** A sender for the credentials. */
  static ReceiptSender sender(Credentials credentials) throws CommandFailure {
    AccessTokenProvider tokens;
    if (credentials.accessToken().isPresent()) {
      tokens = AccessTokenProvider.fixed(credentials.accessToken().get());
    } else {
      try {
        tokens = ServiceAccountTokens.fromKeyFile(credentials.keyFile().orElseThrow());
      } catch (CredentialsException e) {
        throw new CommandFailure("cannot use --credentials: " + e.getMessage());
      }
    }
    return ReceiptSender.builder().apiRoot(credentials.apiRoot()).tokens(tokens).build();
  }

  /** The startup line. */
  String startupLine() {
    return "serving " + uri + "; signatures "
        + (config.signingKey().isPresent() ? "checked" : "NOT CHECKED (no signing key)")
        + "; journal " + config.journal().map(Object::toString).orElse("none");
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
    } catch (IOException e) {
      throw new IllegalStateException("a StringBuilder does not throw", e);
    }
    b.append("# HELP bm_webhook_requests_total Webhook requests answered, by HTTP status.\n");
    b.append("# TYPE bm_webhook_requests_total counter\n");
    new TreeMap<>(requests).forEach((status, n) ->
        b.append("bm_webhook_requests_total{status=\"").append(status).append("\"} ")
            .append(n.sum()).append('\n'));
    b.append("# HELP bm_agent_receipts_sent_total Agent READ receipts sent by --auto-read, by"
        + " outcome.\n");
    b.append("# TYPE bm_agent_receipts_sent_total counter\n");
    b.append("bm_agent_receipts_sent_total{outcome=\"ok\"} ").append(sentOk.sum()).append('\n');
    b.append("bm_agent_receipts_sent_total{outcome=\"failed\"} ").append(sentFailed.sum())
        .append('\n');
    return b.toString();
  }

  private void observe(WebhookOutcome outcome) {
    requests.computeIfAbsent(outcome.status(), s -> new LongAdder()).increment();
  }

  private void print(ReceiptEvent e) {
    String type = e.receipt().rawType().isEmpty() ? e.type().name() : e.receipt().rawType();
    String line = "receipt " + Args.clean(type) + " " + e.message() + " agent="
        + (e.agent().isEmpty() ? "-" : e.agent());
    synchronized (out) {
      out.println(line);
      out.flush();
    }
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
          + e.getMessage());
      return;
    }
    try {
      // hand off: a first send may wait for a token, and the webhook's answer must not
      autoReads.execute(() -> send(name));
    } catch (RuntimeException e) {
      sentFailed.increment();
      LOG.log(Level.WARNING, "auto-read failed for " + name + ": " + Main.oneLine(e));
    }
  }

  private void send(MessageName name) {
    try {
      sender.orElseThrow().sendRead(name).whenComplete((result, failure) -> {
        if (failure == null) {
          if (!config.quiet()) {
            synchronized (out) {
              out.println("sent READ " + name + (result.skipped() ? " (already sent)" : ""));
              out.flush();
            }
          }
          sentOk.increment();
          return;
        }
        sentFailed.increment();
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause() : failure;
        String why = cause instanceof ReceiptSendException ? cause.getMessage()
            : Main.oneLine(cause);
        LOG.log(Level.WARNING, "auto-read failed for " + name + ": " + why);
      });
    } catch (RuntimeException e) {
      sentFailed.increment();
      LOG.log(Level.WARNING, "auto-read failed for " + name + ": " + Main.oneLine(e));
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
    autoReads.shutdown();
    try {
      autoReads.awaitTermination(DRAIN.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    sender.ifPresent(ReceiptSender::close);
    journal.ifPresent(Journal.Writer::close);
    synchronized (out) {
      out.flush();
    }
  }
}
