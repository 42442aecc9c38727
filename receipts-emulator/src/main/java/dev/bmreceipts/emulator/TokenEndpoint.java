// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.emulator;

import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code POST /token}: the OAuth JWT-bearer grant for service-account keys, as Google's token
 * endpoint takes it. Verifies the RS256 assertion against the trusted keys and issues random,
 * short-lived tokens that the receipt endpoint then accepts.
 *
 * <p>A token carries the scopes its assertion asked for, of the two this emulator serves: the
 * Business Messages scope for the receipt endpoint, the RCS Business Messaging scope for agent
 * events. Each endpoint refuses an issued token without its scope with Google's {@code 403}, so a
 * client that asks for the wrong scope fails here as it would against Google.
 */
final class TokenEndpoint {
  static final String JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
  static final String SCOPE = "https://www.googleapis.com/auth/businessmessages";
  static final String RBM_SCOPE = "https://www.googleapis.com/auth/rcsbusinessmessaging";
  /** The scopes it issues tokens for: an assertion must ask for at least one. */
  static final Set<String> SCOPES = Set.of(SCOPE, RBM_SCOPE);
  static final String INSUFFICIENT_SCOPES = "Request had insufficient authentication scopes.";
  /** Every audience Google's token endpoint accepts, whatever the key's token_uri. */
  static final List<String> GOOGLE_AUDIENCES = List.of("https://oauth2.googleapis.com/token",
      "https://www.googleapis.com/oauth2/v4/token", "https://accounts.google.com/o/oauth2/token");
  private static final String SHORT_LIVED = "Invalid JWT: Token must be a short-lived token (60"
      + " minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.";
  private static final long SKEW_SECONDS = 60;
  private static final int MAX_TOKENS = 10_000;

  /**
   * A bearer token as the receipt endpoint saw it.
   *
   * @param scopes for an issued token, the scopes granted; empty for every other kind
   */
  record Check(String kind, int serial, Set<String> scopes) {
    Check(String kind, int serial) {
      this(kind, serial, Set.of());
    }

    boolean valid() {
      return kind.equals("issued") || kind.equals("fixed");
    }

    /** Whether a valid token may call an endpoint that needs {@code scope}: a fixed one always. */
    boolean covers(String scope) {
      return kind.equals("fixed") || scopes.contains(scope);
    }
  }

  private record Issued(Instant expiry, int serial, Set<String> scopes) {}

  /** An OAuth error: {@code {"error":…,"error_description":…}} with status 400. */
  private static final class OAuthError extends Exception {
    private static final long serialVersionUID = 1L;
    private final String error;

    OAuthError(String error, String description) {
      super(description, null, false, false);
      this.error = error;
    }
  }

  private final Emulator emulator;
  private final List<TrustKey> trusted = new CopyOnWriteArrayList<>();
  private final Map<String, Issued> issued = new ConcurrentHashMap<>();
  private final AtomicInteger serials = new AtomicInteger();
  private final SecureRandom random = new SecureRandom();

  TokenEndpoint(Emulator emulator) {
    this.emulator = emulator;
  }

  void trust(TrustKey key) {
    trusted.add(key);
  }

  /** The answer, and which token it issued (0: none). */
  record Result(Reply reply, int serial) {}

  Result handle(Incoming in, RecordedRequest recorded) throws InterruptedException {
    if (!in.method().equals("POST")) {
      return new Result(GoogleErrors.oauth(405, "invalid_request", "Use POST.")
          .with("Allow", "POST"), 0);
    }
    String type = in.header("content-type");
    if (type == null || !type.split(";", 2)[0].strip()
        .equalsIgnoreCase("application/x-www-form-urlencoded")) {
      return new Result(GoogleErrors.oauth(400, "invalid_request",
          "Content-Type must be application/x-www-form-urlencoded."), 0);
    }
    Map<String, List<String>> form;
    try {
      form = Incoming.parseForm(new String(in.body(), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      return new Result(GoogleErrors.oauth(400, "invalid_request", "Malformed form body."), 0);
    }
    String grant = first(form, "grant_type");
    if (grant == null) {
      return new Result(GoogleErrors.oauth(400, "invalid_request",
          "Missing required parameter: grant_type"), 0);
    }
    if (!grant.equals(JWT_BEARER)) {
      return new Result(GoogleErrors.oauth(400, "unsupported_grant_type",
          "Invalid grant_type: " + GoogleErrors.clean(grant)), 0);
    }
    String assertion = first(form, "assertion");
    if (assertion == null) {
      return new Result(GoogleErrors.oauth(400, "invalid_request",
          "Missing required parameter: assertion"), 0);
    }
    Set<String> scopes;
    try {
      scopes = verify(assertion);
    } catch (OAuthError e) {
      return new Result(GoogleErrors.oauth(400, e.error, e.getMessage()), 0);
    }
    Answer answer = emulator.dispatcher().dispatchToken(recorded);
    Emulator.pause(answer);
    if (answer.kind() != Answer.Kind.OK) {
      return new Result(emulator.render(answer), 0);
    }
    NewToken t = newToken(scopes);
    String token = t.token();
    return new Result(Reply.json(200, Json.createObjectBuilder()
        .add("access_token", token)
        .add("expires_in", emulator.tokenLifetime().toSeconds())
        .add("token_type", "Bearer")
        .build()).with("Cache-Control", "no-cache, no-store, max-age=0, must-revalidate")
        .withAll(answer.headers()), t.serial());
  }

  private static String first(Map<String, List<String>> form, String name) {
    List<String> v = form.get(name);
    return v == null ? null : v.get(0);
  }

  /** What the receipt endpoint makes of an {@code Authorization} header. */
  Check check(String authorization) {
    if (authorization == null || authorization.isBlank()) {
      return new Check("none", 0);
    }
    String a = authorization.strip();
    if (a.length() < 7 || !a.substring(0, 7).equalsIgnoreCase("Bearer ")) {
      return new Check("not-bearer", 0);
    }
    String token = a.substring(7).strip();
    Optional<String> fixed = emulator.accessToken();
    if (fixed.isPresent() && MessageDigest.isEqual(fixed.get().getBytes(StandardCharsets.UTF_8),
        token.getBytes(StandardCharsets.UTF_8))) {
      return new Check("fixed", 0);
    }
    Issued i = issued.get(token);
    if (i == null) {
      return new Check("unknown", 0);
    }
    return new Check(emulator.clock().instant().isBefore(i.expiry()) ? "issued" : "expired",
        i.serial(), i.scopes());
  }

  /** Checks the assertion and answers the scopes it asked for that this emulator serves. */
  private Set<String> verify(String assertion) throws OAuthError {
    if (trusted.isEmpty()) {
      throw new OAuthError("invalid_grant", "The emulator trusts no key: give it one"
          + " (--trust-key FILE, --new-key FILE, or newServiceAccountKey in a test).");
    }
    String[] parts = assertion.split("\\.", -1);
    if (parts.length != 3) {
      throw new OAuthError("invalid_grant", "Invalid JWT: expected three dot-separated parts.");
    }
    JsonObject header = jwtPart(parts[0]);
    JsonObject claims = jwtPart(parts[1]);
    if (!"RS256".equals(string(header, "alg"))) {
      throw new OAuthError("invalid_grant", "Invalid JWT: alg must be RS256.");
    }
    TrustKey key = null;
    byte[] signed = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
    for (TrustKey k : trusted) {
      if (verifies(k, signed, parts[2])) {
        key = k;
        break;
      }
    }
    if (key == null) {
      throw new OAuthError("invalid_grant", "Invalid JWT Signature.");
    }
    String iss = string(claims, "iss");
    if (iss == null || key.clientEmail().isPresent() && !key.clientEmail().get().equals(iss)) {
      throw new OAuthError("invalid_grant", "Invalid grant: account not found");
    }
    String aud = string(claims, "aud");
    if (aud == null || !audienceOk(aud, key)) {
      throw new OAuthError("invalid_grant", "Invalid JWT: Failed audience check. The right"
          + " audience is " + GOOGLE_AUDIENCES.get(0) + " or " + emulator.tokenUri() + ".");
    }
    Long iat = seconds(claims, "iat");
    Long exp = seconds(claims, "exp");
    long now = emulator.clock().instant().getEpochSecond();
    if (iat == null || exp == null || exp <= iat || exp - iat > 3600
        || iat > now + SKEW_SECONDS || exp < now - SKEW_SECONDS) {
      throw new OAuthError("invalid_grant", SHORT_LIVED);
    }
    String scope = string(claims, "scope");
    Set<String> granted = new java.util.TreeSet<>(scope == null ? List.of()
        : List.of(scope.split(" ")));
    granted.retainAll(SCOPES);
    if (granted.isEmpty()) {
      throw new OAuthError("invalid_scope", "Invalid OAuth scope or ID token audience provided:"
          + " the assertion must ask for " + SCOPE + " or " + RBM_SCOPE + ".");
    }
    return Set.copyOf(granted);
  }

  private static boolean verifies(TrustKey key, byte[] signed, String signature) {
    try {
      Signature rsa = Signature.getInstance("SHA256withRSA");
      rsa.initVerify(key.key());
      rsa.update(signed);
      return rsa.verify(Base64.getUrlDecoder().decode(signature));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }

  private boolean audienceOk(String aud, TrustKey key) {
    if (GOOGLE_AUDIENCES.contains(aud) || aud.equals(emulator.tokenUri().toString())
        || key.tokenUri().filter(aud::equals).isPresent()) {
      return true;
    }
    try {
      URI a = new URI(aud);
      return "/token".equals(a.getPath()) && a.getPort() == emulator.port()
          && a.getHost() != null && Server.loopbackName(a.getHost());
    } catch (URISyntaxException e) {
      return false;
    }
  }

  /**
   * One base64url JSON part of the JWT. Any failure to read it (bad base64, bad JSON, nesting or
   * numbers beyond the parser's limits) is an {@code invalid_grant}, never a dropped connection.
   */
  private static JsonObject jwtPart(String part) throws OAuthError {
    try (JsonReader r = Json.createReader(
        new ByteArrayInputStream(Base64.getUrlDecoder().decode(part)))) {
      JsonObject o = r.readObject();
      o.values().forEach(JsonValue::toString); // reads every value now, inside this guard
      return o;
    } catch (RuntimeException | StackOverflowError e) {
      throw new OAuthError("invalid_grant", "Invalid JWT: a part is not base64url JSON.");
    }
  }

  private static String string(JsonObject o, String key) {
    JsonValue v = o.get(key);
    return v != null && v.getValueType() == JsonValue.ValueType.STRING ? o.getString(key) : null;
  }

  private static Long seconds(JsonObject o, String key) throws OAuthError {
    if (!(o.get(key) instanceof JsonNumber n)) {
      return null;
    }
    try {
      return n.bigDecimalValue().longValueExact();
    } catch (RuntimeException e) {
      throw new OAuthError("invalid_grant", SHORT_LIVED);
    }
  }

  private record NewToken(String token, int serial) {}

  private NewToken newToken(Set<String> scopes) {
    Instant now = emulator.clock().instant();
    if (issued.size() >= MAX_TOKENS) {
      issued.values().removeIf(t -> !now.isBefore(t.expiry()));
      if (issued.size() >= MAX_TOKENS) {
        issued.clear();
      }
    }
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    String token = "emu." + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    int serial = serials.incrementAndGet();
    issued.put(token, new Issued(now.plus(emulator.tokenLifetime()), serial, scopes));
    return new NewToken(token, serial);
  }
}
