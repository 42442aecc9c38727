// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.auth;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import dev.bmreceipts.http.sender.AccessTokenProvider;
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
 * Bearer tokens for the Business Messages API from a service-account key, scoped to
 * {@value #SCOPE}.
 *
 * <p>Tokens are cached and refreshed by Google's auth library shortly before they expire.
 * Thread-safe: concurrent calls while no valid token is cached cause one token request, not one
 * per caller. Neither tokens nor keys appear in messages, logs or {@link #toString()}.
 */
public final class ServiceAccountTokens implements AccessTokenProvider {
  /** The OAuth scope of the Business Messages API. */
  public static final String SCOPE = "https://www.googleapis.com/auth/businessmessages";

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
    Objects.requireNonNull(keyFile, "keyFile cannot be null");
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
    return fromBytes(bytes, source);
  }

  /**
   * Tokens from a service-account key's JSON. Reads the stream to its end; does not close it.
   *
   * @throws CredentialsException as {@link #fromKeyFile(Path)} does
   */
  public static ServiceAccountTokens fromStream(InputStream keyJson) {
    Objects.requireNonNull(keyJson, "keyJson cannot be null");
    byte[] bytes;
    try {
      bytes = keyJson.readNBytes(MAX_KEY_BYTES + 1);
    } catch (IOException e) {
      throw new CredentialsException("credentials stream cannot be read (" + e.getClass().getSimpleName() + ")");
    }
    if (bytes.length > MAX_KEY_BYTES) {
      throw new CredentialsException("credentials stream is larger than 1 MiB, so not a service-account key");
    }
    return fromBytes(bytes, "credentials stream");
  }

  /**
   * Tokens from Application Default Credentials: the service-account key file named by
   * {@code GOOGLE_APPLICATION_CREDENTIALS} when it is set; otherwise whatever Google's library
   * finds (the gcloud default credentials, or the metadata server on Google Cloud).
   *
   * @throws CredentialsException when no credentials are found, or as {@link #fromKeyFile(Path)}
   */
  public static ServiceAccountTokens applicationDefault() {
    return applicationDefault(System::getenv);
  }

  static ServiceAccountTokens applicationDefault(UnaryOperator<String> env) {
    String file = env.apply(CREDENTIALS_ENV);
    if (file != null && !file.isBlank()) {
      return fromKeyFile(Path.of(file.strip()));
    }
    try {
      GoogleCredentials adc = GoogleCredentials.getApplicationDefault();
      return new ServiceAccountTokens(adc.createScopedRequired() ? adc.createScoped(List.of(SCOPE)) : adc,
          "application default");
    } catch (IOException e) {
      throw new CredentialsException(
          "no Application Default Credentials found: set " + CREDENTIALS_ENV + " to a service-account key file");
    }
  }

  private static ServiceAccountTokens fromBytes(byte[] bytes, String source) {
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
      return new ServiceAccountTokens(sa.createScoped(List.of(SCOPE)), account);
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
