// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.auth;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import dev.bmreceipts.http.sender.AccessTokenProvider;
import dev.bmreceipts.http.sender.RbmEventSender;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Bearer tokens for Google's APIs from a service-account key: scoped to {@value #SCOPE}, the
 * Business Messages API, unless a factory is given another scope, such as {@value #RBM_SCOPE} for
 * RCS Business Messaging's agent events.
 *
 * <pre>{@code
 * Path key = Path.of("service-account.json");
 * ReceiptSender.builder().tokens(ServiceAccountTokens.fromKeyFile(key));
 * RbmEventSender.builder().tokens(ServiceAccountTokens.fromKeyFile(key, ServiceAccountTokens.RBM_SCOPE));
 * }</pre>
 *
 * <p>A token carries only the scope it was asked for, and each API refuses a token without its own
 * ({@code 403 PERMISSION_DENIED}): a host that speaks both protocols makes one instance per scope
 * from the same key.
 *
 * <p>Tokens are cached and refreshed by Google's auth library shortly before they expire.
 * Thread-safe: concurrent calls while no valid token is cached cause one token request, not one
 * per caller. Neither tokens nor keys appear in messages, logs or {@link #toString()}.
 */
public final class ServiceAccountTokens implements AccessTokenProvider {
  /** The OAuth scope of the Business Messages API. */
  public static final String SCOPE = "https://www.googleapis.com/auth/businessmessages";

  /** The OAuth scope of RCS Business Messaging, {@link RbmEventSender#SCOPE}. */
  public static final String RBM_SCOPE = RbmEventSender.SCOPE;

  /** The environment variable {@link #applicationDefault()} reads. */
  public static final String CREDENTIALS_ENV = "GOOGLE_APPLICATION_CREDENTIALS";

  private static final int MAX_KEY_BYTES = 1 << 20;

  private final GoogleCredentials credentials;
  private final String account;
  private final Object refreshLock = new Object();

  private ServiceAccountTokens(GoogleCredentials credentials, String account) {
    this.credentials = credentials;
    this.account = account;
  }

  /**
   * Tokens from a service-account key file (the JSON file the Cloud console downloads).
   *
   * @throws CredentialsException when the file is missing or unreadable, is not JSON, is not a
   *     service-account key, or lacks {@code private_key} or {@code client_email}
   */
  public static ServiceAccountTokens fromKeyFile(Path keyFile) {
    return fromKeyFile(keyFile, SCOPE);
  }

  /**
   * Tokens from a service-account key file, scoped to {@code scope} (such as {@link #RBM_SCOPE}).
   *
   * @throws IllegalArgumentException when {@code scope} is not one OAuth scope (empty, or with a space,
   *     quote, backslash or non-ASCII character)
   * @throws CredentialsException as {@link #fromKeyFile(Path)} does
   */
  public static ServiceAccountTokens fromKeyFile(Path keyFile, String scope) {
    Objects.requireNonNull(keyFile, "keyFile cannot be null");
    checkScope(scope);
    String source = "credentials file " + keyFile;
    byte[] bytes;
    try {
      if (Files.size(keyFile) > MAX_KEY_BYTES) {
        throw new CredentialsException(source + " is larger than 1 MiB, so not a service-account key");
      }
      bytes = Files.readAllBytes(keyFile);
    } catch (NoSuchFileException e) {
      throw new CredentialsException("credentials file not found: " + keyFile);
    } catch (IOException e) {
      throw new CredentialsException(source + " cannot be read (" + e.getClass().getSimpleName() + ")");
    }
    return fromBytes(bytes, source, scope);
  }

  /**
   * Tokens from a service-account key's JSON. Reads the stream to its end; does not close it.
   *
   * @throws CredentialsException as {@link #fromKeyFile(Path)} does
   */
  public static ServiceAccountTokens fromStream(InputStream keyJson) {
    return fromStream(keyJson, SCOPE);
  }

  /**
   * Tokens from a service-account key's JSON, scoped to {@code scope}. Reads the stream to its end;
   * does not close it.
   *
   * @throws IllegalArgumentException when {@code scope} is not one OAuth scope (empty, or with a space,
   *     quote, backslash or non-ASCII character)
   * @throws CredentialsException as {@link #fromKeyFile(Path)} does
   */
  public static ServiceAccountTokens fromStream(InputStream keyJson, String scope) {
    Objects.requireNonNull(keyJson, "keyJson cannot be null");
    checkScope(scope);
    byte[] bytes;
    try {
      bytes = keyJson.readNBytes(MAX_KEY_BYTES + 1);
    } catch (IOException e) {
      throw new CredentialsException("credentials stream cannot be read (" + e.getClass().getSimpleName() + ")");
    }
    if (bytes.length > MAX_KEY_BYTES) {
      throw new CredentialsException("credentials stream is larger than 1 MiB, so not a service-account key");
    }
    return fromBytes(bytes, "credentials stream", scope);
  }

  /**
   * Tokens from Application Default Credentials: the service-account key file named by
   * {@code GOOGLE_APPLICATION_CREDENTIALS} when it is set; otherwise whatever Google's library
   * finds (the gcloud default credentials, or the metadata server on Google Cloud).
   *
   * @throws CredentialsException when no credentials are found, or as {@link #fromKeyFile(Path)}
   */
  public static ServiceAccountTokens applicationDefault() {
    return applicationDefault(SCOPE);
  }

  /**
   * Tokens from Application Default Credentials, as {@link #applicationDefault()}, scoped to
   * {@code scope}.
   *
   * @throws IllegalArgumentException when {@code scope} is not one OAuth scope (empty, or with a space,
   *     quote, backslash or non-ASCII character)
   * @throws CredentialsException as {@link #applicationDefault()} does
   */
  public static ServiceAccountTokens applicationDefault(String scope) {
    checkScope(scope);
    return applicationDefault(System::getenv, scope);
  }

  static ServiceAccountTokens applicationDefault(UnaryOperator<String> env) {
    return applicationDefault(env, SCOPE);
  }

  static ServiceAccountTokens applicationDefault(UnaryOperator<String> env, String scope) {
    String file = env.apply(CREDENTIALS_ENV);
    if (file != null && !file.isBlank()) {
      return fromKeyFile(Path.of(file.strip()), scope);
    }
    try {
      GoogleCredentials adc = GoogleCredentials.getApplicationDefault();
      return new ServiceAccountTokens(adc.createScopedRequired() ? adc.createScoped(List.of(scope)) : adc,
          "application default");
    } catch (IOException e) {
      throw new CredentialsException(
          "no Application Default Credentials found: set " + CREDENTIALS_ENV + " to a service-account key file");
    }
  }

  /** One OAuth scope: a non-empty token without whitespace (RFC 6749, section 3.3). */
  private static void checkScope(String scope) {
    Objects.requireNonNull(scope, "scope cannot be null, use ServiceAccountTokens.SCOPE or RBM_SCOPE");
    if (scope.isEmpty() || scope.chars().anyMatch(c -> c <= ' ' || c == '"' || c == '\\' || c >= 0x7F)) {
      throw new IllegalArgumentException(
          "scope must be one OAuth scope: printable ASCII without spaces, quotes or backslashes");
    }
  }

  private static ServiceAccountTokens fromBytes(byte[] bytes, String source, String scope) {
    JsonObject key = json(bytes, source);
    JsonValue type = key.get("type");
    if (!(type instanceof jakarta.json.JsonString)
        || !"service_account".equals(((jakarta.json.JsonString) type).getString())) {
      throw new CredentialsException(source + " is not a service-account key: \"type\" must be \"service_account\"");
    }
    for (String field : List.of("private_key", "client_email")) {
      JsonValue v = key.get(field);
      if (!(v instanceof jakarta.json.JsonString) || ((jakarta.json.JsonString) v).getString().isBlank()) {
        throw new CredentialsException(source + " is a service-account key without \"" + field + "\"");
      }
    }
    String account = key.getString("client_email");
    try {
      ServiceAccountCredentials sa = ServiceAccountCredentials.fromStream(new ByteArrayInputStream(bytes));
      return new ServiceAccountTokens(sa.createScoped(List.of(scope)), account);
    } catch (IOException | RuntimeException e) {
      // The library's message is not echoed: it could quote the key.
      throw new CredentialsException(source + " is a service-account key that cannot be loaded"
          + " (check that private_key is a PKCS#8 PEM key and token_uri a URL)");
    }
  }

  private static JsonObject json(byte[] bytes, String source) {
    try (JsonReader r = Json.createReaderFactory(Map.of()).createReader(new ByteArrayInputStream(bytes), StandardCharsets.UTF_8)) {
      JsonValue v = r.readValue();
      if (v.getValueType() != JsonValue.ValueType.OBJECT) {
        throw new CredentialsException(source + " is not a service-account key: expected a JSON object");
      }
      return v.asJsonObject();
    } catch (JsonException e) {
      throw new CredentialsException(source + " is not JSON");
    }
  }

  /** A token valid now: the cached one, or a new one when it is missing or about to expire. */
  @Override
  public String accessToken() throws IOException {
    credentials.refreshIfExpired();
    AccessToken token = credentials.getAccessToken();
    if (token == null) {
      synchronized (refreshLock) {
        credentials.refresh();
        token = credentials.getAccessToken();
      }
    }
    if (token == null || token.getTokenValue() == null) {
      throw new IOException("the token endpoint gave no access token");
    }
    return token.getTokenValue();
  }

  /** Fetches a new token unless another caller already replaced {@code rejected}. */
  @Override
  public String refresh(String rejected) throws IOException {
    synchronized (refreshLock) {
      AccessToken current = credentials.getAccessToken();
      if (current == null || current.getTokenValue() == null || current.getTokenValue().equals(rejected)) {
        credentials.refresh();
        current = credentials.getAccessToken();
      }
      if (current == null || current.getTokenValue() == null) {
        throw new IOException("the token endpoint gave no access token");
      }
      return current.getTokenValue();
    }
  }

  /** Names the account, never a token or key. */
  @Override
  public String toString() {
    return "ServiceAccountTokens[" + account + "]";
  }
}
