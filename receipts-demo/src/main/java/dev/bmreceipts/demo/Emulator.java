// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.demo;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.bmreceipts.core.AgentReceipts;
import dev.bmreceipts.core.MessageName;
import dev.bmreceipts.core.WebhookSignature;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local stand-in for the parts of the Business Messages API that receipts touch, on the JDK's
 * HTTP server.
 *
 * <ul>
 *   <li>{@code PATCH /v1/conversations/{c}/messages/{m}/receipt}: checks the bearer token (one it
 *       issued, or the fixed {@code --access-token}), the content type and the body
 *       {@code {"receiptType":"READ"}}; answers as the API does, errors in Google's
 *       {@code {"error":{"code","message","status"}}} shape.
 *   <li>{@code POST /token}: the OAuth token endpoint for service-account keys; verifies the
 *       RS256 JWT assertion against the trust key and issues short-lived random tokens.
 *   <li>{@code GET|DELETE /emulator/requests}: what it received (tokens and assertions redacted),
 *       or forget it.
 *   <li>{@code POST /emulator/script}: queue statuses for the next valid PATCHes.
 *   <li>{@code POST /emulator/push?to=URL}: sign the body with the signing key and POST it to a
 *       loopback webhook; answers {@code {"status":N,"body":"…"}}.
 * </ul>
 */
final class Emulator implements AutoCloseable {
  /** The audience Google's auth library puts in assertions, whatever the key's token_uri. */
  static final String GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token";
  /** The scope an assertion must carry. */
  static final String SCOPE = "https://www.googleapis.com/auth/businessmessages";
  /** The JWT bearer grant type. */
  static final String JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
  /** How many received requests {@code GET /emulator/requests} keeps (oldest dropped first). */
  static final int MAX_RECORDS = 1000;
  /** The largest request body read. */
  static final int MAX_BODY = 1 << 20;
  /** The most tokens remembered at once; expired ones are dropped first. */
  static final int MAX_TOKENS = 10_000;

  private static final System.Logger LOG = System.getLogger(Emulator.class.getName());
  private static final Pattern RECEIPT_PATH =
      Pattern.compile("/v1/conversations/([^/]+)/messages/([^/]+)/receipt");
  private static final String JSON = "application/json; charset=UTF-8";
  private static final String MISSING_CREDENTIALS = "Request is missing required authentication"
      + " credential. Expected OAuth 2 access token, login cookie or other valid authentication"
      + " credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.";
  private static final String INVALID_CREDENTIALS = "Request had invalid authentication"
      + " credentials. Expected OAuth 2 access token, login cookie or other valid authentication"
      + " credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.";
  private static final String SHORT_LIVED = "Invalid JWT: Token must be a short-lived token (60"
      + " minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.";
  private static final long SKEW_SECONDS = 60;

  /**
   * The emulator's configuration.
   *
   * @param host the address to bind
   * @param port the port, 0 for any free one
   * @param trustKey the key assertions must be signed with; without one, {@code /token} refuses
   * @param accessToken a fixed bearer token the PATCH endpoint also accepts
   * @param signingKey the key {@code /emulator/push} signs with
   * @param failRate the fraction of valid PATCHes answered {@code 503}, {@code 0..1}
   * @param latency how long each PATCH waits before answering
   * @param tokenLifetime how long issued tokens live
   * @param clock the time source for token expiry and assertion checks
   * @param random the source for {@code failRate}
   */
  record Options(String host, int port, Optional<TrustKey> trustKey, Optional<String> accessToken,
      Optional<String> signingKey, double failRate, Duration latency, Duration tokenLifetime,
      Clock clock, RandomGenerator random) {
    Options {
      Objects.requireNonNull(host, "host cannot be null");
      Objects.requireNonNull(trustKey, "trustKey cannot be null, use Optional.empty()");
      Objects.requireNonNull(accessToken, "accessToken cannot be null, use Optional.empty()");
      Objects.requireNonNull(signingKey, "signingKey cannot be null, use Optional.empty()");
      Objects.requireNonNull(latency, "latency cannot be null, use Duration.ZERO");
      Objects.requireNonNull(tokenLifetime, "tokenLifetime cannot be null");
      Objects.requireNonNull(clock, "clock cannot be null");
      Objects.requireNonNull(random, "random cannot be null");
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0..65535, got " + port);
      }
      if (!(failRate >= 0 && failRate <= 1)) {
        throw new IllegalArgumentException("failRate must be 0..1, got " + failRate);
      }
    }

    /** Defaults: no trust key, no fixed token, no signing key, no faults, one-hour tokens. */
    static Options defaults(String host, int port) {
      return new Options(host, port, Optional.empty(), Optional.empty(), Optional.empty(), 0,
          Duration.ZERO, Duration.ofSeconds(3599), Clock.systemUTC(), RandomGenerator.getDefault());
    }
  }

  private record Reply(int status, String contentType, byte[] body, Map<String, String> headers) {
    static Reply json(int status, byte[] body) {
      return new Reply(status, JSON, body, Map.of());
    }

    static Reply json(int status, JsonValue body) {
      return json(status, body.toString().getBytes(StandardCharsets.UTF_8));
    }

    static Reply empty(int status) {
      return new Reply(status, null, new byte[0], Map.of());
    }

    Reply with(String header, String value) {
      Map<String, String> h = new LinkedHashMap<>(headers);
      h.put(header, value);
      return new Reply(status, contentType, body, h);
    }
  }

  private record Recorded(Instant time, String method, String path, Map<String, List<String>> headers,
      String body, int status, String auth) {}

  /** An OAuth error: {@code {"error":…,"error_description":…}} with status 400. */
  private static final class OAuthError extends Exception {
    private static final long serialVersionUID = 1L;
    private final String error;

    OAuthError(String error, String description) {
      super(description, null, false, false);
      this.error = error;
    }
  }

  private final Options options;
  private final HttpServer server;
  private final ExecutorService executor;
  private final HttpClient client;
  private final SecureRandom tokens = new SecureRandom();
  private final Map<String, Instant> issued = new ConcurrentHashMap<>();
  private final Deque<Recorded> records = new ArrayDeque<>();
  private final Queue<Integer> script = new ConcurrentLinkedQueue<>();
  private final URI uri;

  private Emulator(Options options) throws IOException {
    this.options = options;
    AtomicInteger n = new AtomicInteger();
    this.executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "emulator-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.server = HttpServer.create(new InetSocketAddress(options.host(), options.port()), 0);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
        .executor(executor).build();
    String host = options.host().contains(":") ? "[" + options.host() + "]" : options.host();
    server.start();
    this.uri = URI.create("http://" + host + ":" + server.getAddress().getPort() + "/");
  }

  /**
   * Binds and starts an emulator.
   *
   * @throws IOException when the address cannot be bound
   */
  static Emulator start(Options options) throws IOException {
    Objects.requireNonNull(options, "options cannot be null");
    return new Emulator(options);
  }

  /** The API root, {@code http://host:port/}: pass it as {@code --api-root}. */
  URI uri() {
    return uri;
  }

  /** The token endpoint, {@code http://host:port/token}: a key's {@code token_uri}. */
  URI tokenUri() {
    return uri.resolve("/token");
  }

  /** The bound port. */
  int port() {
    return server.getAddress().getPort();
  }

  /** Stops the server and its threads. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getRawPath();
      String method = ex.getRequestMethod();
      byte[] body = readBody(ex.getRequestBody());
      Reply reply;
      String[] auth = {null};
      boolean record = !path.startsWith("/emulator/");
      if (body == null) {
        reply = Reply.json(413, AgentReceipts.errorBody(413, "INVALID_ARGUMENT",
            "Request body is larger than " + MAX_BODY + " bytes."));
        body = new byte[0];
      } else if (!record) {
        reply = control(ex, path, method, body);
      } else if (path.equals("/token")) {
        reply = token(ex.getRequestHeaders(), method, body);
      } else {
        reply = receipt(ex.getRequestHeaders(), path, method, body, auth);
      }
      if (record) {
        remember(new Recorded(options.clock().instant(), method,
            ex.getRequestURI().getRawPath() + (ex.getRequestURI().getRawQuery() == null ? ""
                : "?" + ex.getRequestURI().getRawQuery()),
            redact(ex.getRequestHeaders()),
            path.equals("/token") ? redactForm(body) : new String(body, StandardCharsets.UTF_8),
            reply.status(), auth[0]));
      }
      send(ex, reply);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "emulator request failed: " + Text.oneLine(e));
      throw e;
    }
  }

  // ---------------------------------------------------------------- PATCH …/receipt

  private Reply receipt(Headers headers, String path, String method, byte[] body, String[] auth) {
    Matcher m = RECEIPT_PATH.matcher(path);
    if (!m.matches()) {
      return googleError(404, "The requested URL " + Text.clean(path) + " was not found.");
    }
    if (!method.equals("PATCH")) {
      return googleError(405, "Method " + Text.clean(method) + " is not allowed here; use PATCH.")
          .with("Allow", "PATCH");
    }
    String authorization = headers.getFirst("Authorization");
    auth[0] = tokenKind(authorization);
    if (auth[0].equals("none")) {
      return googleError(401, MISSING_CREDENTIALS)
          .with("WWW-Authenticate", "Bearer realm=\"https://accounts.google.com/\"");
    }
    if (!auth[0].equals("issued") && !auth[0].equals("fixed")) {
      return googleError(401, INVALID_CREDENTIALS).with("WWW-Authenticate",
          "Bearer realm=\"https://accounts.google.com/\", error=\"invalid_token\"");
    }
    MessageName name;
    try {
      name = MessageName.of(decodeSegment(m.group(1)), decodeSegment(m.group(2)));
    } catch (IllegalArgumentException e) {
      return googleError(400, "Invalid resource name: " + e.getMessage() + ".");
    }
    String type = headers.getFirst("Content-Type");
    String media = type == null ? "" : type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    if (media.equals("application/x-www-form-urlencoded")) {
      return googleError(400, "Invalid JSON payload received. Form-encoded bodies bind to query"
          + " parameters; send Content-Type: application/json.");
    }
    if (!media.equals("application/json") || !utf8Charset(type)) {
      return googleError(415, "Content-Type must be application/json (UTF-8), got "
          + (type == null ? "none" : Text.quote(type)) + ".");
    }
    String invalid = checkReceiptBody(body);
    if (invalid != null) {
      return googleError(400, invalid);
    }
    if (!options.latency().isZero()) {
      try {
        Thread.sleep(options.latency().toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return googleError(503, "The service is currently unavailable.");
      }
    }
    Integer scripted = script.poll();
    if (scripted != null && scripted != 200) {
      return googleError(scripted, defaultMessage(scripted));
    }
    if (scripted == null && options.failRate() > 0
        && options.random().nextDouble() < options.failRate()) {
      return googleError(503, "The service is currently unavailable.");
    }
    return Reply.json(200, AgentReceipts.responseBody(name));
  }

  private String tokenKind(String authorization) {
    if (authorization == null || authorization.isBlank()) {
      return "none";
    }
    String a = authorization.strip();
    if (a.length() < 7 || !a.substring(0, 7).equalsIgnoreCase("Bearer ")) {
      return "not-bearer";
    }
    String token = a.substring(7).strip();
    if (options.accessToken().isPresent() && MessageDigest.isEqual(
        options.accessToken().get().getBytes(StandardCharsets.UTF_8),
        token.getBytes(StandardCharsets.UTF_8))) {
      return "fixed";
    }
    Instant expiry = issued.get(token);
    if (expiry == null) {
      return "unknown";
    }
    return options.clock().instant().isBefore(expiry) ? "issued" : "expired";
  }

  private static boolean utf8Charset(String contentType) {
    for (String param : contentType.split(";")) {
      String[] kv = param.strip().split("=", 2);
      if (kv.length == 2 && kv[0].strip().equalsIgnoreCase("charset")) {
        String cs = kv[1].strip().replace("\"", "");
        return cs.equalsIgnoreCase("utf-8") || cs.equalsIgnoreCase("utf8");
      }
    }
    return true;
  }

  /** The reason the body is not a READ receipt, or {@code null} when it is. */
  private static String checkReceiptBody(byte[] body) {
    JsonValue v;
    try (JsonReader r = Json.createReader(new ByteArrayInputStream(body))) {
      v = r.readValue();
    } catch (JsonException e) {
      return "Invalid JSON payload received. Unexpected token.";
    }
    if (v.getValueType() != JsonValue.ValueType.OBJECT) {
      return "Invalid JSON payload received. Expected an object.";
    }
    JsonObject o = v.asJsonObject();
    for (String key : o.keySet()) {
      if (!key.equals("receiptType") && !key.equals("name")) {
        return "Invalid JSON payload received. Unknown name " + Text.quote(key)
            + ": Cannot find field.";
      }
    }
    JsonValue type = o.get("receiptType");
    if (type == null) {
      return "receiptType is required and must be READ.";
    }
    if (type.getValueType() != JsonValue.ValueType.STRING) {
      return "Invalid value at 'receipt.receipt_type': expected an enum name.";
    }
    String t = o.getString("receiptType");
    if (!t.equals("READ")) {
      return t.equals("DELIVERED") || t.equals("RECEIPT_TYPE_UNSPECIFIED")
          ? "Agents can only send READ receipts."
          : "Invalid value at 'receipt.receipt_type' (type.googleapis.com/"
              + "google.communications.businessmessages.v1.ReceiptType), " + Text.quote(t) + ".";
    }
    return null;
  }

  // ---------------------------------------------------------------- POST /token

  private Reply token(Headers headers, String method, byte[] body) {
    if (!method.equals("POST")) {
      return oauthError(405, "invalid_request", "Use POST.").with("Allow", "POST");
    }
    String type = headers.getFirst("Content-Type");
    if (type == null || !type.split(";", 2)[0].strip()
        .equalsIgnoreCase("application/x-www-form-urlencoded")) {
      return oauthError(400, "invalid_request",
          "Content-Type must be application/x-www-form-urlencoded.");
    }
    Map<String, String> form;
    try {
      form = parseForm(new String(body, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      return oauthError(400, "invalid_request", "Malformed form body.");
    }
    String grant = form.get("grant_type");
    if (grant == null) {
      return oauthError(400, "invalid_request", "Missing required parameter: grant_type");
    }
    if (!grant.equals(JWT_BEARER)) {
      return oauthError(400, "unsupported_grant_type", "Invalid grant_type: " + Text.clean(grant));
    }
    String assertion = form.get("assertion");
    if (assertion == null) {
      return oauthError(400, "invalid_request", "Missing required parameter: assertion");
    }
    try {
      verifyAssertion(assertion);
    } catch (OAuthError e) {
      return oauthError(400, e.error, e.getMessage());
    }
    String token = newToken();
    long seconds = options.tokenLifetime().toSeconds();
    return Reply.json(200, Json.createObjectBuilder()
        .add("access_token", token)
        .add("expires_in", seconds)
        .add("token_type", "Bearer")
        .build()).with("Cache-Control", "no-store");
  }

  private void verifyAssertion(String assertion) throws OAuthError {
    TrustKey key = options.trustKey().orElseThrow(() -> new OAuthError("invalid_grant",
        "The emulator has no trust key: start it with --trust-key FILE."));
    String[] parts = assertion.split("\\.", -1);
    if (parts.length != 3) {
      throw new OAuthError("invalid_grant", "Invalid JWT: expected three dot-separated parts.");
    }
    JsonObject header = jwtPart(parts[0]);
    JsonObject claims = jwtPart(parts[1]);
    if (!"RS256".equals(string(header, "alg"))) {
      throw new OAuthError("invalid_grant", "Invalid JWT: alg must be RS256.");
    }
    try {
      Signature rsa = Signature.getInstance("SHA256withRSA");
      rsa.initVerify(key.key());
      rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
      if (!rsa.verify(Base64.getUrlDecoder().decode(parts[2]))) {
        throw new OAuthError("invalid_grant", "Invalid JWT Signature.");
      }
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new OAuthError("invalid_grant", "Invalid JWT Signature.");
    }
    String iss = string(claims, "iss");
    if (iss == null || (key.clientEmail().isPresent() && !key.clientEmail().get().equals(iss))) {
      throw new OAuthError("invalid_grant", "Invalid grant: account not found");
    }
    String aud = string(claims, "aud");
    if (aud == null || !audienceOk(aud)) {
      throw new OAuthError("invalid_grant", "Invalid JWT: Failed audience check. The right"
          + " audience is " + GOOGLE_TOKEN_URI + " or " + tokenUri() + ".");
    }
    Long iat = number(claims, "iat");
    Long exp = number(claims, "exp");
    long now = options.clock().instant().getEpochSecond();
    if (iat == null || exp == null || exp <= iat || exp - iat > 3600
        || iat > now + SKEW_SECONDS || exp < now - SKEW_SECONDS) {
      throw new OAuthError("invalid_grant", SHORT_LIVED);
    }
    String scope = string(claims, "scope");
    if (scope == null || !Set.of(scope.split(" ")).contains(SCOPE)) {
      throw new OAuthError("invalid_scope", "Invalid OAuth scope or ID token audience provided:"
          + " the assertion must ask for " + SCOPE + ".");
    }
  }

  private boolean audienceOk(String aud) {
    if (aud.equals(GOOGLE_TOKEN_URI) || aud.equals(tokenUri().toString())) {
      return true;
    }
    try {
      URI a = new URI(aud);
      return "/token".equals(a.getPath()) && a.getPort() == port() && a.getHost() != null
          && loopback(a.getHost());
    } catch (URISyntaxException e) {
      return false;
    }
  }

  private static JsonObject jwtPart(String part) throws OAuthError {
    try (JsonReader r = Json.createReader(
        new ByteArrayInputStream(Base64.getUrlDecoder().decode(part)))) {
      return r.readObject();
    } catch (IllegalArgumentException | JsonException | ClassCastException e) {
      throw new OAuthError("invalid_grant", "Invalid JWT: a part is not base64url JSON.");
    }
  }

  private static String string(JsonObject o, String key) {
    JsonValue v = o.get(key);
    return v != null && v.getValueType() == JsonValue.ValueType.STRING ? o.getString(key) : null;
  }

  private static Long number(JsonObject o, String key) {
    JsonValue v = o.get(key);
    return v instanceof JsonNumber n ? n.longValue() : null;
  }

  private String newToken() {
    Instant now = options.clock().instant();
    if (issued.size() >= MAX_TOKENS) {
      issued.values().removeIf(expiry -> !now.isBefore(expiry));
      if (issued.size() >= MAX_TOKENS) {
        issued.clear();
      }
    }
    byte[] bytes = new byte[32];
    tokens.nextBytes(bytes);
    String token = "emu." + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    issued.put(token, now.plus(options.tokenLifetime()));
    return token;
  }

  // ---------------------------------------------------------------- /emulator/…

  private Reply control(HttpExchange ex, String path, String method, byte[] body) {
    switch (path) {
      case "/emulator/requests":
        if (method.equals("GET")) {
          return Reply.json(200, requestsJson());
        }
        if (method.equals("DELETE")) {
          synchronized (records) {
            records.clear();
          }
          return Reply.empty(204);
        }
        return googleError(405, "Use GET or DELETE.").with("Allow", "GET, DELETE");
      case "/emulator/script":
        if (method.equals("POST")) {
          return queueScript(body);
        }
        if (method.equals("DELETE")) {
          script.clear();
          return Reply.empty(204);
        }
        if (method.equals("GET")) {
          return Reply.json(200, scriptJson());
        }
        return googleError(405, "Use GET, POST or DELETE.").with("Allow", "GET, POST, DELETE");
      case "/emulator/push":
        if (!method.equals("POST")) {
          return googleError(405, "Use POST.").with("Allow", "POST");
        }
        return push(ex.getRequestURI().getRawQuery(), body);
      default:
        return googleError(404, "The requested URL " + Text.clean(path) + " was not found.");
    }
  }

  private Reply queueScript(byte[] body) {
    List<Integer> statuses = new ArrayList<>();
    String text = new String(body, StandardCharsets.UTF_8).strip();
    try {
      if (text.startsWith("{")) {
        JsonObject o;
        try (JsonReader r = Json.createReader(new ByteArrayInputStream(body))) {
          o = r.readObject();
        }
        for (JsonValue v : o.getJsonArray("statuses")) {
          statuses.add(((JsonNumber) v).intValueExact());
        }
      } else {
        for (String s : text.split("[,\\s]+")) {
          if (!s.isEmpty()) {
            statuses.add(Integer.parseInt(s));
          }
        }
      }
    } catch (JsonException | ClassCastException | NullPointerException | ArithmeticException
        | NumberFormatException e) {
      return googleError(400, "Expected {\"statuses\":[503,200]} or 503,200.");
    }
    if (statuses.isEmpty() || statuses.stream().anyMatch(s -> s < 200 || s > 599)) {
      return googleError(400, "Statuses must be 200..599, at least one.");
    }
    script.addAll(statuses);
    return Reply.json(200, scriptJson());
  }

  private JsonValue scriptJson() {
    JsonArrayBuilder a = Json.createArrayBuilder();
    script.forEach(a::add);
    return Json.createObjectBuilder().add("statuses", a).build();
  }

  private Reply push(String rawQuery, byte[] body) {
    if (options.signingKey().isEmpty()) {
      return googleError(400, "The emulator has no signing key: start it with --signing-key K.");
    }
    String to = rawQuery == null ? null : parseForm(rawQuery).get("to");
    if (to == null) {
      return googleError(400, "Missing query parameter to=URL.");
    }
    URI target;
    try {
      target = new URI(to);
    } catch (URISyntaxException e) {
      return googleError(400, "to must be an http URL.");
    }
    if (!"http".equals(target.getScheme()) && !"https".equals(target.getScheme())
        || target.getHost() == null) {
      return googleError(400, "to must be an http URL.");
    }
    if (!loopback(target.getHost())) {
      return googleError(400, "to must be a loopback URL (127.0.0.1, localhost or [::1]).");
    }
    HttpRequest request = HttpRequest.newBuilder(target)
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .header(WebhookSignature.HEADER, WebhookSignature.sign(options.signingKey().get(), body))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
    try {
      HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
      return Reply.json(200, Json.createObjectBuilder()
          .add("status", r.statusCode())
          .add("body", r.body())
          .build());
    } catch (IOException e) {
      return googleError(502, "Push to " + Text.clean(to) + " failed: " + Text.oneLine(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return googleError(503, "Interrupted.");
    }
  }

  private static boolean loopback(String host) {
    return host.equals("127.0.0.1") || host.equalsIgnoreCase("localhost") || host.equals("[::1]")
        || host.equals("::1");
  }

  // ---------------------------------------------------------------- recording

  private void remember(Recorded r) {
    synchronized (records) {
      if (records.size() >= MAX_RECORDS) {
        records.removeFirst();
      }
      records.addLast(r);
    }
  }

  private JsonValue requestsJson() {
    List<Recorded> copy;
    synchronized (records) {
      copy = new ArrayList<>(records);
    }
    JsonArrayBuilder a = Json.createArrayBuilder();
    for (Recorded r : copy) {
      JsonObjectBuilder headers = Json.createObjectBuilder();
      r.headers().forEach((k, v) -> headers.add(k, Json.createArrayBuilder(v)));
      JsonObjectBuilder o = Json.createObjectBuilder()
          .add("time", r.time().toString())
          .add("method", r.method())
          .add("path", r.path())
          .add("headers", headers)
          .add("body", r.body())
          .add("status", r.status());
      if (r.auth() != null) {
        o.add("auth", r.auth());
      }
      a.add(o);
    }
    return a.build();
  }

  private static Map<String, List<String>> redact(Headers headers) {
    Map<String, List<String>> out = new TreeMap<>();
    headers.forEach((k, v) -> {
      if (k.equalsIgnoreCase("Authorization")) {
        List<String> r = new ArrayList<>();
        for (String value : v) {
          r.add(value.regionMatches(true, 0, "Bearer ", 0, 7) ? "Bearer <redacted>" : "<redacted>");
        }
        out.put(k, r);
      } else {
        out.put(k, List.copyOf(v));
      }
    });
    return out;
  }

  private static String redactForm(byte[] body) {
    StringBuilder b = new StringBuilder();
    for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
      if (b.length() > 0) {
        b.append('&');
      }
      b.append(pair.startsWith("assertion=") ? "assertion=<redacted>" : pair);
    }
    return b.toString();
  }

  // ---------------------------------------------------------------- plumbing

  private static Reply googleError(int code, String message) {
    return Reply.json(code, AgentReceipts.errorBody(code, statusName(code), message));
  }

  private static Reply oauthError(int code, String error, String description) {
    return Reply.json(code, Json.createObjectBuilder()
        .add("error", error)
        .add("error_description", description)
        .build());
  }

  /** Google's canonical status name for an HTTP status. */
  static String statusName(int code) {
    switch (code) {
      case 400:
      case 413:
      case 415:
        return "INVALID_ARGUMENT";
      case 401:
        return "UNAUTHENTICATED";
      case 403:
        return "PERMISSION_DENIED";
      case 404:
        return "NOT_FOUND";
      case 405:
      case 501:
        return "UNIMPLEMENTED";
      case 409:
        return "ABORTED";
      case 412:
        return "FAILED_PRECONDITION";
      case 429:
        return "RESOURCE_EXHAUSTED";
      case 499:
        return "CANCELLED";
      case 503:
        return "UNAVAILABLE";
      case 504:
        return "DEADLINE_EXCEEDED";
      default:
        return code >= 500 ? "INTERNAL" : "FAILED_PRECONDITION";
    }
  }

  private static String defaultMessage(int code) {
    switch (code) {
      case 400:
        return "Request contains an invalid argument.";
      case 401:
        return INVALID_CREDENTIALS;
      case 403:
        return "The caller does not have permission";
      case 404:
        return "Requested entity was not found.";
      case 409:
        return "The operation was aborted.";
      case 429:
        return "Resource has been exhausted (e.g. check quota).";
      case 503:
        return "The service is currently unavailable.";
      case 504:
        return "The request timed out.";
      default:
        return code >= 500 ? "Internal error encountered." : "Request failed.";
    }
  }

  private static void send(HttpExchange ex, Reply reply) throws IOException {
    if (reply.contentType() != null) {
      ex.getResponseHeaders().set("Content-Type", reply.contentType());
    }
    reply.headers().forEach(ex.getResponseHeaders()::set);
    if (reply.body().length == 0) {
      ex.sendResponseHeaders(reply.status(), -1);
    } else {
      ex.sendResponseHeaders(reply.status(), reply.body().length);
      ex.getResponseBody().write(reply.body());
    }
  }

  /** The body, or {@code null} when it is over {@link #MAX_BODY}. */
  private static byte[] readBody(InputStream in) throws IOException {
    byte[] b = in.readNBytes(MAX_BODY + 1);
    if (b.length > MAX_BODY) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return null;
    }
    return b;
  }

  /** Percent-decodes one path segment as UTF-8; {@code +} stays {@code +}. */
  static String decodeSegment(String raw) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        if (i + 2 >= raw.length()) {
          throw new IllegalArgumentException("bad percent-encoding");
        }
        int hi = Character.digit(raw.charAt(i + 1), 16);
        int lo = Character.digit(raw.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw new IllegalArgumentException("bad percent-encoding");
        }
        out.write(hi * 16 + lo);
        i += 2;
      } else {
        byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(out.toByteArray())).toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("percent-encoding is not UTF-8");
    }
  }

  private static Map<String, String> parseForm(String form) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : form.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.putIfAbsent(k, v);
    }
    return out;
  }
}
