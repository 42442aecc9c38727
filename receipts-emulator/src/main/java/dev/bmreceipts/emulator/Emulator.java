// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.emulator;

import com.sun.net.httpserver.HttpServer;
import dev.bmreceipts.core.WebhookSignature;
import dev.bmreceipts.core.rbm.PhoneNumber;
import dev.bmreceipts.core.rbm.RbmSignature;
import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in for the Business Messages receipt API, RCS Business Messaging's agent events and
 * Google's OAuth token endpoint, on loopback, that a test starts, scripts and asserts on; faithful
 * to what Google's own clients send.
 *
 * <pre>{@code
 * try (Emulator api = Emulator.builder().accessToken("test-token").start()) {
 *   api.enqueue(Answer.status(503));                  // the first call: Google is busy
 *   // … point the code under test at api.uri() …
 *   RecordedRequest r = api.takeRequest(Duration.ofSeconds(5));
 *   assertEquals("PATCH", r.method());
 * }
 * }</pre>
 *
 * <ul>
 *   <li>{@code PATCH /v1/conversations/{c}/messages/{m}/receipt} (or {@code POST} with
 *       {@code X-HTTP-Method-Override: PATCH}): checks the bearer token (one it issued, or the
 *       builder's {@link Builder#accessToken}), the system query parameters, the content type and
 *       the body {@code {"receiptType":"READ"}} (gzip or deflate, chunked or not); then the
 *       {@link Dispatcher} answers.
 *   <li>{@code POST /v1/phones/{E.164}/agentEvents?eventId={UUID}&agentId={agentId}}, RCS Business
 *       Messaging's agent events ({@code READ} with its {@code messageId}, {@code IS_TYPING}):
 *       the same token checks, then the phone (E.164, as {@code +…} or {@code %2B…}), the ids and
 *       the body as Google's front end checks them; then the {@link Dispatcher}; then, for
 *       {@link Answer#ok()}, {@code 404} for a phone made {@linkplain Builder#unreachable
 *       unreachable}, or the created event {@code {"eventType","messageId","name","sendTime"}}.
 *       An {@code eventId} the same agent already used is answered with the event created then,
 *       as the platform ignores it; {@link #agentEventCount()} counts it once.
 *   <li>{@code POST /token}: the JWT-bearer grant for a trusted service-account key
 *       ({@link #newServiceAccountKey}, {@link Builder#trustKey}), for the Business Messages scope,
 *       the RBM scope or both. Each endpoint refuses a token it issued without its own scope with
 *       Google's {@code 403 PERMISSION_DENIED}, as the API does.
 *   <li>{@code /emulator/requests}, {@code /emulator/script}, {@code /emulator/push},
 *       {@code /emulator/push-rbm}: the same
 *       control over HTTP, for tests in other languages.
 * </ul>
 *
 * <p>It answers only requests whose {@code Host} is a loopback name or address, and refuses
 * requests from a foreign web {@code Origin}, so that no web page can use it. Thread-safe.
 */
public final class Emulator implements AutoCloseable {
  /** How many requests {@code GET /emulator/requests} keeps (the oldest dropped first). */
  static final int MAX_HISTORY = 1000;
  /** How many requests wait for {@link #takeRequest} (the oldest dropped first). */
  static final int MAX_WAITING = 10_000;

  private final Builder options;
  private final HttpServer server;
  private final BoundedExecutor executor;
  private final URI uri;
  private final TokenEndpoint tokens;
  private final ReceiptEndpoint receipts;
  private final AgentEventEndpoint agentEvents;
  private final ControlEndpoint control;
  private final AtomicLong sequence = new AtomicLong();
  private final ArrayDeque<RecordedRequest> history = new ArrayDeque<>();
  private final LinkedBlockingDeque<RecordedRequest> waiting = new LinkedBlockingDeque<>();
  private final AtomicLong keys = new AtomicLong();
  private final AtomicLong pubsubIds = new AtomicLong();
  private volatile HttpClient pushClient;

  private Emulator(Builder b) throws IOException {
    this.options = b;
    this.tokens = new TokenEndpoint(this);
    this.receipts = new ReceiptEndpoint(this);
    this.agentEvents = new AgentEventEndpoint(this);
    this.control = new ControlEndpoint(this);
    b.trusted.forEach(tokens::trust);
    this.executor = new BoundedExecutor("bm-emulator", b.threads, b.readTimeout);
    this.server = HttpServer.create(new InetSocketAddress(b.host, b.port), 1024);
    server.setExecutor(executor);
    server.createContext("/", ex -> Server.handle(ex, this, this::route));
    server.start();
    // bound to every address, it is still reached, and named, by loopback: the Host check
    // refuses any other name
    String host = server.getAddress().getAddress().isAnyLocalAddress() ? "127.0.0.1"
        : b.host.contains(":") ? "[" + b.host + "]" : b.host;
    this.uri = URI.create("http://" + host + ":" + server.getAddress().getPort() + "/");
  }

  /** A builder with the defaults: 127.0.0.1, any free port, no keys, the queue dispatcher. */
  public static Builder builder() {
    return new Builder();
  }

  /** Starts an emulator with the defaults on 127.0.0.1 and a free port. */
  public static Emulator start() {
    return builder().start();
  }

  /**
   * The API root, {@code http://127.0.0.1:PORT/} (also when bound to every address): give it to
   * the code under test.
   */
  public URI uri() {
    return uri;
  }

  /** The token endpoint, {@code http://127.0.0.1:PORT/token}: a key's {@code token_uri}. */
  public URI tokenUri() {
    return uri.resolve("/token");
  }

  /** The bound port. */
  public int port() {
    return server.getAddress().getPort();
  }

  /**
   * Answers the next accepted receipt or agent-event call with {@code answer}, after those already
   * queued.
   *
   * @throws IllegalStateException if the builder replaced the dispatcher by one not made with
   *     {@link Dispatcher#queue}
   */
  public void enqueue(Answer answer) {
    Objects.requireNonNull(answer, "answer cannot be null");
    queue().enqueue(answer);
  }

  /**
   * Answers the next verified token request with {@code answer}, after those already queued.
   *
   * @throws IllegalStateException if the builder replaced the dispatcher by one not made with
   *     {@link Dispatcher#queue}
   */
  public void enqueueToken(Answer answer) {
    Objects.requireNonNull(answer, "answer cannot be null");
    queue().enqueueToken(answer);
  }

  private QueueDispatcher queue() {
    if (options.dispatcher instanceof QueueDispatcher q) {
      return q;
    }
    throw new IllegalStateException("the dispatcher was replaced by one with no queue;"
        + " build it with Dispatcher.queue(…) to keep enqueue");
  }

  /**
   * The next request received (receipt, token or unknown path; not {@code /emulator/…}), once
   * it has been answered, in the order they were answered (its {@code sequence} gives the order of
   * arrival); waits up to {@code timeout}. Each request is returned once.
   *
   * @return the request, or {@code null} when none came in time
   */
  public RecordedRequest takeRequest(Duration timeout) throws InterruptedException {
    return waiting.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** How many requests it has received ({@code /emulator/…} not counted). */
  public long requestCount() {
    return sequence.get();
  }

  /**
   * How many distinct RBM agent events it created: a call answered {@code 200} that repeats an
   * {@code eventId} the same agent already used gets the event created then and is not counted
   * again, as the platform ignores it. Calls refused, faulted or answered {@code 404} are not
   * counted either. The emulator remembers the last 100,000 events for this.
   */
  public long agentEventCount() {
    return agentEvents.distinctEvents();
  }

  /**
   * Writes a fresh service-account key JSON (RSA 2048, PKCS#8) whose {@code token_uri} is this
   * emulator's {@link #tokenUri()}, and trusts it: Google's auth libraries, given the file, get
   * tokens here that the receipt endpoint accepts. The file is readable by its owner only where
   * the file system allows.
   *
   * @return {@code file}
   * @throws UncheckedIOException when the file cannot be written
   */
  public Path newServiceAccountKey(Path file) {
    Objects.requireNonNull(file, "file cannot be null");
    KeyPair pair;
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      pair = g.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no RSA", e);
    }
    long n = keys.incrementAndGet();
    byte[] id = new byte[20];
    new SecureRandom().nextBytes(id);
    String email = "receipts-" + n + "@bm-emulator.iam.gserviceaccount.com";
    String pem = "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(pair.getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
    String json = Json.createObjectBuilder()
        .add("type", "service_account")
        .add("project_id", "bm-emulator")
        .add("private_key_id", HexFormat.of().formatHex(id))
        .add("private_key", pem)
        .add("client_email", email)
        .add("client_id", String.valueOf(100_000_000_000L + n))
        .add("auth_uri", "https://accounts.google.com/o/oauth2/auth")
        .add("token_uri", tokenUri().toString())
        .build().toString();
    try {
      Files.deleteIfExists(file);
      try {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException e) {
        Files.createFile(file);
      }
      Files.writeString(file, json, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the key to " + file, e);
    }
    tokens.trust(new TrustKey((RSAPublicKey) pair.getPublic(), Optional.of(email),
        Optional.of(tokenUri().toString())));
    return file;
  }

  /**
   * Signs {@code payload} as Google does ({@code X-Goog-Signature}: base64 HMAC-SHA512 over the
   * UTF-8 bytes, keyed with the builder's {@link Builder#signingKey}) and POSTs it to a loopback
   * webhook, as Google delivers a webhook call.
   *
   * @throws IllegalStateException when no signing key was given
   * @throws IllegalArgumentException when {@code webhook} is not an http(s) loopback URL
   * @throws UncheckedIOException when the webhook cannot be reached
   */
  public PushResult push(String payload, URI webhook) {
    Objects.requireNonNull(payload, "payload cannot be null");
    if (options.signingKey == null) {
      throw new IllegalStateException("no signing key: give one with Builder.signingKey(key)");
    }
    return deliver(payload.getBytes(StandardCharsets.UTF_8), webhook);
  }

  /**
   * Pushes one RBM event to a loopback webhook as RCS Business Messaging does, with no
   * attributes; see {@link #pushRbm(String, Map, URI)}.
   */
  public PushResult pushRbm(String data, URI webhook) {
    return pushRbm(data, Map.of(), webhook);
  }

  /**
   * Pushes one RBM event to a loopback webhook as RCS Business Messaging does: {@code data}, the
   * decoded event (a {@code UserEvent} or {@code UserMessage} JSON object), goes base64-encoded
   * (standard alphabet, padded) into the Pub/Sub push envelope
   * {@code {"message":{"attributes":{…},"data":"…","messageId":"…","message_id":"…",
   * "publishTime":"…","publish_time":"…"},"subscription":"projects/bm-emulator/subscriptions/rbm"}}
   * (both spellings, as Pub/Sub sends them; {@code messageId} counts 1, 2, … per emulator,
   * {@code publishTime} is the emulator's clock), and {@code X-Goog-Signature} is base64
   * HMAC-SHA512 over the UTF-8 bytes of {@code data} (the decoded data, not the body), keyed with
   * the builder's {@link Builder#rbmClientToken}.
   *
   * @param attributes the message's {@code attributes}, e.g. {@code type=agent_launch_event}
   * @throws IllegalStateException when no RBM client token was given
   * @throws IllegalArgumentException when {@code data} is not a JSON object (the message does not
   *     repeat it), or {@code webhook} is not an http(s) loopback URL
   * @throws UncheckedIOException when the webhook cannot be reached
   */
  public PushResult pushRbm(String data, Map<String, String> attributes, URI webhook) {
    Objects.requireNonNull(data, "data cannot be null");
    Objects.requireNonNull(attributes, "attributes cannot be null, use Map.of()");
    if (options.rbmClientToken == null) {
      throw new IllegalStateException(
          "no RBM client token: give one with Builder.rbmClientToken(token)");
    }
    return deliverRbm(data.getBytes(StandardCharsets.UTF_8), attributes, webhook);
  }

  /** {@link #pushRbm(String, Map, URI)} of {@code decoded}, once a client token is known. */
  PushResult deliverRbm(byte[] decoded, Map<String, String> attributes, URI webhook) {
    checkTarget(webhook);
    try (JsonReader r = Json.createReader(new ByteArrayInputStream(decoded))) {
      if (r.readValue().getValueType() != JsonValue.ValueType.OBJECT) {
        throw new IllegalArgumentException("data must be a JSON object (a UserEvent or"
            + " UserMessage), got another JSON value");
      }
    } catch (jakarta.json.JsonException e) {
      throw new IllegalArgumentException("data must be a JSON object (a UserEvent or"
          + " UserMessage), got text that is not JSON");
    }
    JsonObjectBuilder attrs = Json.createObjectBuilder();
    // Pub/Sub sends attributes in no promised order; sorted, a test can compare bodies exactly
    new java.util.TreeMap<>(attributes).forEach((k, v) -> attrs.add(Objects.requireNonNull(k, "attribute name is null"),
        Objects.requireNonNull(v, "attribute value is null")));
    String id = String.valueOf(pubsubIds.incrementAndGet());
    String time = clock().instant().toString();
    byte[] envelope = Json.createObjectBuilder()
        .add("message", Json.createObjectBuilder()
            .add("attributes", attrs)
            .add("data", Base64.getEncoder().encodeToString(decoded))
            .add("messageId", id)
            .add("message_id", id)
            .add("publishTime", time)
            .add("publish_time", time))
        .add("subscription", RBM_SUBSCRIPTION)
        .build().toString().getBytes(StandardCharsets.UTF_8);
    return deliver(envelope, webhook, RbmSignature.sign(options.rbmClientToken, decoded),
        PUBSUB_USER_AGENT);
  }

  /** The {@code subscription} of every RBM push. */
  static final String RBM_SUBSCRIPTION = "projects/bm-emulator/subscriptions/rbm";
  /** The {@code User-Agent} Pub/Sub push sends. */
  static final String PUBSUB_USER_AGENT =
      "APIs-Google; (+https://developers.google.com/webmasters/APIs-Google.html)";

  /** A Business Messages push: the body signed with the signing key. */
  PushResult deliver(byte[] payload, URI target) {
    checkTarget(target);
    return deliver(payload, target, WebhookSignature.sign(options.signingKey, payload),
        "Google-Business-Messages-Emulator");
  }

  private static void checkTarget(URI target) {
    Objects.requireNonNull(target, "webhook cannot be null");
    if (!"http".equals(target.getScheme()) && !"https".equals(target.getScheme())
        || target.getHost() == null) {
      throw new IllegalArgumentException("to must be an http URL.");
    }
    if (!Server.loopbackName(target.getHost())) {
      throw new IllegalArgumentException(
          "to must be a loopback URL (127.0.0.1, localhost or [::1]).");
    }
  }

  private PushResult deliver(byte[] payload, URI target, String signature, String userAgent) {
    checkTarget(target);
    HttpRequest request = HttpRequest.newBuilder(target)
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .header("User-Agent", userAgent)
        .header(WebhookSignature.HEADER, signature)
        .POST(HttpRequest.BodyPublishers.ofByteArray(payload))
        .build();
    try {
      HttpResponse<String> r = pushClient().send(request,
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return new PushResult(r.statusCode(), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException("push to " + target + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException("push to " + target + " interrupted",
          new java.io.InterruptedIOException());
    }
  }

  private HttpClient pushClient() {
    HttpClient c = pushClient;
    if (c == null) {
      synchronized (this) {
        if (pushClient == null) {
          pushClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(10)).build();
        }
        c = pushClient;
      }
    }
    return c;
  }

  /** Stops the server and its threads; requests in progress are cut off. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdown();
  }

  @Override
  public String toString() {
    return "Emulator[" + uri + "]";
  }

  // ------------------------------------------------------------------ shared with the endpoints

  private Reply route(Incoming in) {
    if (in.path().startsWith("/emulator/")) {
      return control.handle(in);
    }
    boolean token = in.path().equals("/token");
    RecordedRequest recorded = in.recorded(sequence.incrementAndGet(), token
        ? Incoming.redactForm(new String(in.body(), StandardCharsets.UTF_8))
        : new String(in.body(), StandardCharsets.UTF_8));
    Reply reply;
    try {
      if (token) {
        TokenEndpoint.Result r = tokens.handle(in, recorded);
        reply = r.reply();
        recorded = recorded.withAuth("", r.serial());
      } else {
        ReceiptEndpoint.Result r = AgentEventEndpoint.owns(in.path())
            ? agentEvents.handle(in, recorded) : receipts.handle(in, recorded);
        reply = r.reply();
        recorded = recorded.withAuth(r.auth(), r.tokenSerial());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      reply = GoogleErrors.api(503, GoogleErrors.defaultMessage(503));
    }
    record(recorded.withStatus(reply.reset() ? 0 : reply.status()));
    return reply;
  }

  private void record(RecordedRequest r) {
    synchronized (history) {
      if (history.size() >= MAX_HISTORY) {
        history.removeFirst();
      }
      history.addLast(r);
      if (waiting.size() >= MAX_WAITING) {
        waiting.pollFirst();
      }
      waiting.addLast(r);
    }
  }

  List<RecordedRequest> history() {
    synchronized (history) {
      return new ArrayList<>(history);
    }
  }

  void clearHistory() {
    synchronized (history) {
      history.clear();
    }
  }

  /** An answer other than {@link Answer#ok()}, as bytes on the wire. */
  Reply render(Answer a) {
    switch (a.kind()) {
      case RESET:
        return Reply.dropped();
      case RAW:
        return new Reply(a.status(), a.contentType(), a.body(), java.util.Map.of(), false)
            .withAll(a.headers());
      case ERROR:
        return GoogleErrors.api(a.status(), a.message()).withAll(a.headers());
      default:
        throw new IllegalArgumentException("render takes no OK answer");
    }
  }

  /** Waits out an answer's delay on the server thread. */
  static void pause(Answer a) throws InterruptedException {
    if (!a.delay().isZero()) {
      TimeUnit.NANOSECONDS.sleep(a.delay().toNanos());
    }
  }

  Clock clock() {
    return options.clock;
  }

  int maxBody() {
    return options.maxBody;
  }

  Dispatcher dispatcher() {
    return options.dispatcher;
  }

  TokenEndpoint tokens() {
    return tokens;
  }

  Optional<String> accessToken() {
    return Optional.ofNullable(options.accessToken);
  }

  Optional<String> signingKey() {
    return Optional.ofNullable(options.signingKey);
  }

  Optional<String> rbmClientToken() {
    return Optional.ofNullable(options.rbmClientToken);
  }

  Duration tokenLifetime() {
    return options.tokenLifetime;
  }

  boolean unreachable(PhoneNumber phone) {
    return options.unreachable.contains(phone.e164());
  }

  /** The emulator's configuration; every setting has a default. Not thread-safe. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port;
    private String accessToken;
    private String signingKey;
    private String rbmClientToken;
    private final Set<String> unreachable = new HashSet<>();
    private final List<TrustKey> trusted = new ArrayList<>();
    private Duration tokenLifetime = Duration.ofSeconds(3599);
    private Clock clock = Clock.systemUTC();
    private Dispatcher dispatcher = Dispatcher.queue();
    private int threads = 16;
    private Duration readTimeout = Duration.ofSeconds(10);
    private int maxBody = 1 << 20;

    private Builder() {}

    /** The address to bind; default {@code 127.0.0.1}. Requests must still name a loopback host. */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host cannot be null, use 127.0.0.1");
      return this;
    }

    /** The port; default 0, any free one. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0..65535, was " + port);
      }
      this.port = port;
      return this;
    }

    /** A fixed bearer token the receipt endpoint accepts, besides the tokens it issues. */
    public Builder accessToken(String token) {
      Objects.requireNonNull(token, "token cannot be null; without one, only issued tokens pass");
      if (token.isEmpty()) {
        throw new IllegalArgumentException("the access token must not be empty");
      }
      this.accessToken = token;
      return this;
    }

    /** The key {@link #push} and {@code /emulator/push} sign payloads with. */
    public Builder signingKey(String key) {
      Objects.requireNonNull(key, "key cannot be null");
      if (key.isEmpty()) {
        throw new IllegalArgumentException("the signing key must not be empty");
      }
      this.signingKey = key;
      return this;
    }

    /**
     * The RBM agent's client token, which {@link #pushRbm} signs the decoded data with; not the
     * Business Messages {@link #signingKey}, since a webhook checks each protocol with its own.
     */
    public Builder rbmClientToken(String token) {
      Objects.requireNonNull(token, "token cannot be null");
      if (token.isEmpty()) {
        throw new IllegalArgumentException("the RBM client token must not be empty");
      }
      this.rbmClientToken = token;
      return this;
    }

    /**
     * Makes a user unreachable over RCS: an agent event for {@code e164} that the dispatcher
     * answers {@link Answer#ok()} gets RBM's {@code 404 NOT_FOUND} ("Requested entity was not
     * found.") instead, as for a device without RCS. May be called for several numbers.
     *
     * @throws IllegalArgumentException when {@code e164} is not E.164; the message does not repeat
     *     it
     */
    public Builder unreachable(String e164) {
      unreachable.add(PhoneNumber.of(e164).e164());
      return this;
    }

    /**
     * Trusts the key in {@code file} for {@code POST /token}: a service-account key JSON (its
     * {@code client_email} must then issue the assertions, its {@code token_uri} is an accepted
     * audience) or a PEM public key, private key or certificate.
     *
     * @throws UncheckedIOException when the file cannot be read
     * @throws IllegalArgumentException when it holds no RSA key; the message never quotes it
     */
    public Builder trustKey(Path file) {
      try {
        trusted.add(TrustKey.read(Objects.requireNonNull(file, "file cannot be null")));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file, e);
      }
      return this;
    }

    /** How long issued tokens live ({@code expires_in}); default 3599 s. */
    public Builder tokenLifetime(Duration lifetime) {
      Objects.requireNonNull(lifetime, "lifetime cannot be null");
      if (lifetime.toSeconds() < 1) {
        throw new IllegalArgumentException("lifetime must be at least 1 s, was " + lifetime);
      }
      this.tokenLifetime = lifetime;
      return this;
    }

    /** The time source for token expiry and assertion checks; default the system clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock cannot be null, use Clock.systemUTC()");
      return this;
    }

    /** Who answers accepted calls; default {@link Dispatcher#queue()}. */
    public Builder dispatcher(Dispatcher dispatcher) {
      this.dispatcher = Objects.requireNonNull(dispatcher,
          "dispatcher cannot be null, use Dispatcher.queue()");
      return this;
    }

    /** How many server threads at most; default 16. Further requests wait for one. */
    public Builder threads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be at least 1, was " + threads);
      }
      this.threads = threads;
      return this;
    }

    /**
     * How long a request may take to arrive whole (line, headers, body) once it started; then its
     * connection is closed and its thread freed. Default 10 s.
     */
    public Builder readTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout cannot be null");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("readTimeout must be positive, was " + timeout);
      }
      this.readTimeout = timeout;
      return this;
    }

    /** The largest request body, after decoding; default 1 MiB. Larger ones get 413. */
    public Builder maxBody(int bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxBody must be at least 1, was " + bytes);
      }
      this.maxBody = bytes;
      return this;
    }

    /**
     * Binds and starts the emulator.
     *
     * @throws UncheckedIOException when the address cannot be bound
     */
    public Emulator start() {
      Builder copy = copy();
      try {
        return new Emulator(copy);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot listen on " + host + ":" + port, e);
      }
    }

    private Builder copy() {
      Builder b = new Builder();
      b.host = host;
      b.port = port;
      b.accessToken = accessToken;
      b.signingKey = signingKey;
      b.rbmClientToken = rbmClientToken;
      b.unreachable.addAll(unreachable);
      b.trusted.addAll(trusted);
      b.tokenLifetime = tokenLifetime;
      b.clock = clock;
      b.dispatcher = dispatcher;
      b.threads = threads;
      b.readTimeout = readTimeout;
      b.maxBody = maxBody;
      return b;
    }
  }
}
