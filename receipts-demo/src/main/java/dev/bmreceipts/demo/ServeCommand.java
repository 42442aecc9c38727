// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.demo;

import dev.bmreceipts.http.WebhookServer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** {@code serve}: the webhook service. */
final class ServeCommand implements Command {
  @Override
  public String name() {
    return "serve";
  }

  @Override
  public String summary() {
    return "the webhook service: receipts to stdout and a journal, /healthz, /metrics, auto-read";
  }

  @Override
  public List<Opt> options() {
    List<Opt> o = new ArrayList<>(List.of(
        Opt.value("--host", "HOST", null, "127.0.0.1",
            "address to listen on; 0.0.0.0 for every address"),
        Opt.value("--port", "N", "PORT", "8080", "port to listen on, 0 for any free port"),
        Opt.value("--path", "PATH", null, "/callback", "the webhook's path"),
        Opt.secret("--client-token", "T", "BM_CLIENT_TOKEN",
            "the agent's client token: enables the webhook verification handshake"),
        Opt.value("--client-token-file", "FILE", null, null,
            "read the client token from FILE (one trailing newline dropped)"),
        Opt.secret("--signing-key", "K", "BM_SIGNING_KEY",
            "X-Goog-Signature key (default: the client token); required unless --no-signature-check"),
        Opt.value("--signing-key-file", "FILE", null, null,
            "read the signing key from FILE (one trailing newline dropped)"),
        Opt.flag("--no-signature-check",
            "accept requests without a valid X-Goog-Signature: for local experiments only"),
        Opt.secret("--rbm-client-token", "T", "RBM_CLIENT_TOKEN",
            "the RBM agent's client token: enables RCS Business Messaging on --rbm-path (handshake,"
                + " and the key of its X-Goog-Signature)"),
        Opt.value("--rbm-client-token-file", "FILE", null, null,
            "read the RBM client token from FILE (one trailing newline dropped)"),
        Opt.value("--rbm-path", "PATH", null, "/rbm",
            "the RBM webhook's path, beside the Business Messages one (needs --rbm-client-token)"),
        Opt.value("--journal", "FILE", null, null,
            "append each accepted receipt as a JSON line, written before the 2xx; the dedupe is"
                + " seeded from its recent lines at start"),
        Opt.flag("--journal-sync", "BM_JOURNAL_SYNC",
            "force each journal line to stable storage before the 2xx (group commit)"),
        Opt.secret("--store", "URL", "BM_STORE_URL",
            "jdbc:postgresql://… : dedupe and inbox in PostgreSQL, shared by every instance"
            + " (user and password from the URL or PGUSER/PGPASSWORD)"),
        Opt.flag("--store-migrate", "apply the store's shipped schema at start (needs --store)"),
        Opt.value("--store-lease", "SECONDS", null, "30",
            "how long a claim holds its keys before another instance may take them over"),
        Opt.flag("--auto-read",
            "send a READ receipt for every user message, an RBM READ event for every RBM one"
                + " (needs --credentials or --access-token)")));
    o.addAll(Credentials.options("for --auto-read"));
    o.add(Opt.value("--send-timeout", "SECONDS", null, "60",
        "for --auto-read: each READ's whole send, retries included"));
    o.add(Opt.value("--threads", "N", null, null,
        "request handler threads (default 2 per processor); more start while slow clients hold them"));
    o.add(Opt.value("--read-timeout", "SECONDS", null, "10",
        "close the connection of a request not read whole by then"));
    o.add(Opt.value("--backlog", "N", null, String.valueOf(WebhookServer.DEFAULT_BACKLOG),
        "connections the system may queue before they are accepted"));
    o.add(Opt.flag("--quiet", "no stdout line per receipt or READ sent (for benchmarks)"));
    return List.copyOf(o);
  }

  @Override
  public String notes() {
    return "endpoints:\n"
        + "  POST PATH      the webhook (handshake, receipts, user messages)\n"
        + "  POST RBM-PATH  the RCS Business Messaging webhook, with --rbm-client-token: Pub/Sub\n"
        + "                 pushes signed over the decoded data; the same journal, metrics, dedupe\n"
        + "                 and store; --auto-read answers user messages with an RBM READ event\n"
        + "                 (agent from the message's agentId, to --rbm-api-root)\n"
        + "  GET  /healthz  200 ok\n"
        + "  GET  /metrics  Prometheus text: bm_receipts_received_total, bm_webhook_requests_total,\n"
        + "                 bm_agent_receipts_sent_total and the receipt metrics\n"
        + "Any other path answers 404 without reading the body. Request headers are limited to\n"
        + "64 KiB (the JVM's sun.net.httpserver.maxReqHeaderSize, unless set with -D).\n"
        + "SIGTERM stops accepting, drains, flushes the journal and exits 0.\n"
        + "Keys and tokens given on the command line show in the process list: prefer the\n"
        + "environment variables or the -file options.\n";
  }

  /** The JDK server's bound on a request's headers, which serve lowers unless the JVM has one. */
  static final String MAX_HEADER_SIZE = "sun.net.httpserver.maxReqHeaderSize";

  /**
   * The checked options of {@code serve}.
   *
   * @param host the address to bind
   * @param port the port, 0 for any free one
   * @param path the webhook path, starting with {@code /}
   * @param clientToken the client token for the handshake
   * @param signingKey the signature key: {@code --signing-key}, else the client token; empty only
   *     with {@code --no-signature-check}
   * @param journal the journal file
   * @param journalSync whether each journal line is forced to stable storage before the 2xx
   * @param autoRead whether to send READ receipts for user messages
   * @param credentials where READ receipts go and how they are authorized
   * @param sendTimeout the deadline of each auto-read send, retries included
   * @param threads the webhook's handler threads
   * @param readTimeout how long a request may take to arrive whole
   * @param backlog the listen backlog
   * @param quiet whether to skip the per-receipt stdout line
   * @param store the shared PostgreSQL store; empty for the in-memory one
   * @param storeMigrate whether to apply the store's schema at start
   * @param storeLease the store's lease on claimed keys
   * @param rbmClientToken the RBM client token; present when RBM is served
   * @param rbmPath the RBM webhook path, starting with {@code /}
   */
  record Config(String host, int port, String path, Optional<String> clientToken,
      Optional<String> signingKey, Optional<Path> journal, boolean journalSync, boolean autoRead,
      Credentials credentials, Duration sendTimeout, int threads, Duration readTimeout,
      int backlog, boolean quiet, Optional<StoreUrl> store, boolean storeMigrate,
      Duration storeLease, Optional<String> rbmClientToken, String rbmPath) {
    Config {
      Objects.requireNonNull(host, "host cannot be null");
      Objects.requireNonNull(readTimeout, "readTimeout cannot be null");
      Objects.requireNonNull(path, "path cannot be null");
      Objects.requireNonNull(clientToken, "clientToken cannot be null, use Optional.empty()");
      Objects.requireNonNull(signingKey, "signingKey cannot be null, use Optional.empty()");
      Objects.requireNonNull(journal, "journal cannot be null, use Optional.empty()");
      Objects.requireNonNull(credentials, "credentials cannot be null");
      Objects.requireNonNull(sendTimeout, "sendTimeout cannot be null");
      Objects.requireNonNull(store, "store cannot be null, use Optional.empty()");
      Objects.requireNonNull(rbmClientToken, "rbmClientToken cannot be null, use Optional.empty()");
      Objects.requireNonNull(rbmPath, "rbmPath cannot be null");
    }

    /** Whether RCS Business Messaging is served (on {@link #rbmPath}). */
    boolean rbm() {
      return rbmClientToken.isPresent();
    }

    @Override
    public String toString() {
      return "Config[" + host + ":" + port + path + ", signatures "
          + (signingKey.isPresent() ? "checked" : "not checked") + ", journal "
          + journal.map(Path::toString).orElse("none") + (journalSync ? " (synced)" : "")
          + ", store " + store.map(StoreUrl::masked).orElse("in memory") + ", autoRead=" + autoRead
          + ", rbm " + (rbm() ? rbmPath : "off") + "]";
    }
  }

  /** Checks every option; nothing is started. */
  static Config config(Args args) throws UsageException {
    String host = args.string("--host").orElseThrow();
    int port = args.port("--port").orElseThrow();
    String path = args.string("--path").orElseThrow();
    if (!path.startsWith("/") || path.contains("?") || path.contains("#")) {
      throw args.bad("--path", "must start with / and hold no ? or #", path);
    }
    Optional<String> clientToken = args.secret("--client-token", "--client-token-file");
    Optional<String> key = args.secret("--signing-key", "--signing-key-file");
    Optional<String> rbmClientToken = args.secret("--rbm-client-token", "--rbm-client-token-file");
    String rbmPath = rbmPath(args, path, rbmClientToken.isPresent());
    Optional<Path> journal = args.path("--journal");
    boolean journalSync = args.flagOrEnv("--journal-sync");
    if (journalSync && journal.isEmpty()) {
      throw new UsageException("serve: --journal-sync needs --journal FILE");
    }
    boolean autoRead = args.flag("--auto-read");
    Credentials credentials = Credentials.from(args, "serve");
    if (autoRead && !credentials.present()) {
      throw Credentials.missing("serve", "--auto-read");
    }
    Duration sendTimeout = Duration.ofSeconds(args.integer("--send-timeout", 1, 3600).orElseThrow());
    int threads = args.integer("--threads", 1, 1024)
        .orElse(Math.min(1024, 2 * Runtime.getRuntime().availableProcessors()));
    Optional<StoreUrl> store = args.value("--store").isPresent()
        ? Optional.of(StoreUrl.of(args, "--store")) : Optional.empty();
    boolean storeMigrate = args.flag("--store-migrate");
    if (storeMigrate && store.isEmpty()) {
      throw new UsageException("serve: --store-migrate needs --store");
    }
    Duration lease = Duration.ofSeconds(args.integer("--store-lease", 1, 3600).orElseThrow());
    double seconds = args.decimal("--read-timeout", 0.001, 3600).orElseThrow();
    Duration readTimeout = Duration.ofNanos(Math.round(seconds * 1e9));
    int backlog = args.integer("--backlog", 1, 65_535).orElseThrow();
    // last, so that a mistake in any other option is reported first
    Optional<String> signingKey = signingKey(args, key, clientToken);
    return new Config(host, port, path, clientToken, signingKey, journal, journalSync, autoRead,
        credentials, sendTimeout, threads, readTimeout, backlog, args.flag("--quiet"), store,
        storeMigrate, lease, rbmClientToken, rbmPath);
  }

  /**
   * {@code --rbm-path}: a path of its own, not the Business Messages one nor an endpoint of the
   * service; given on the command line, it needs the client token that enables RBM.
   */
  private static String rbmPath(Args args, String path, boolean enabled) throws UsageException {
    String rbmPath = args.string("--rbm-path").orElseThrow();
    if (!rbmPath.startsWith("/") || rbmPath.contains("?") || rbmPath.contains("#")) {
      throw args.bad("--rbm-path", "must start with / and hold no ? or #", rbmPath);
    }
    if (!enabled) {
      if (args.onCommandLine("--rbm-path")) {
        throw new UsageException("serve: --rbm-path needs --rbm-client-token-file FILE or"
            + " RBM_CLIENT_TOKEN (the RBM client token enables RBM)");
      }
      return rbmPath;
    }
    if (rbmPath.equals(path) || rbmPath.equals("/healthz") || rbmPath.equals("/metrics")
        || rbmPath.equals("/")) {
      throw args.bad("--rbm-path", "must differ from --path, /, /healthz and /metrics", rbmPath);
    }
    return rbmPath;
  }

  /**
   * The key signatures are checked with: {@code key}, else the client token. Without either,
   * {@code serve} does not start unless {@code --no-signature-check} says to accept unsigned
   * requests; that flag beside an explicit key is a contradiction.
   */
  private static Optional<String> signingKey(Args args, Optional<String> key,
      Optional<String> clientToken) throws UsageException {
    boolean unchecked = args.flag("--no-signature-check");
    if (unchecked && key.isPresent()) {
      throw new UsageException("serve: --no-signature-check contradicts the signing key given"
          + " (--signing-key, --signing-key-file or BM_SIGNING_KEY): give one or the other");
    }
    if (unchecked) {
      return Optional.empty();
    }
    if (key.isEmpty() && clientToken.isEmpty()) {
      throw new UsageException("serve: no signing key: set BM_SIGNING_KEY or give --signing-key-file"
          + " FILE (or a client token: BM_CLIENT_TOKEN, --client-token-file FILE); to accept"
          + " unsigned requests, give --no-signature-check");
    }
    return key.or(() -> clientToken);
  }

  @Override
  public int run(Args args, Io io) throws Exception {
    try (ReceiptService service = start(args, io)) {
      io.stop().await();
    }
    return 0;
  }

  /** Checks the options, starts the service and prints its startup line and what to try next. */
  ReceiptService start(Args args, Io io) throws UsageException, CommandFailure {
    Config config = config(args);
    // JVM-wide and read once, when the JVM creates its first server: the JDK's default (380 KiB)
    // lets each of up to 2,048 slow connections hold that much; a webhook's headers are small
    if (System.getProperty(MAX_HEADER_SIZE) == null) {
      System.setProperty(MAX_HEADER_SIZE, "65536");
    }
    ReceiptService service = ReceiptService.start(config, io.out());
    synchronized (io.out()) {
      io.out().println(Text.escape(service.startupLine()));
      io.out().println(Text.escape(service.nextLine()));
      io.out().flush();
    }
    return service;
  }

  /** The URL the startup line shows: {@code http://HOST:PORT/PATH}, IPv6 hosts bracketed. */
  static URI url(String host, int port, String path) {
    return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port
        + path);
  }
}
