// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.demo;

import dev.bmreceipts.auth.CredentialsException;
import dev.bmreceipts.auth.ServiceAccountTokens;
import dev.bmreceipts.core.InvalidMessageNameException;
import dev.bmreceipts.core.MessageName;
import dev.bmreceipts.http.sender.AccessTokenProvider;
import dev.bmreceipts.http.sender.RbmEventSender;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where agent READ receipts and RBM agent events go and how they are authorized:
 * {@code --credentials}, {@code --access-token} (or {@code --access-token-file}),
 * {@code --api-root} and {@code --rbm-api-root}, shared by {@code serve} and {@code send-read}.
 *
 * @param keyFile a service-account key JSON, when chosen
 * @param accessToken a ready bearer token, when chosen
 * @param apiRoot the Business Messages API root, ending in {@code /}
 * @param rbmApiRoot the RCS Business Messaging API root, ending in {@code /}
 */
record Credentials(Optional<Path> keyFile, Optional<String> accessToken, URI apiRoot,
    URI rbmApiRoot) {
  /** The API root used when {@code --api-root} is not given. */
  static final String DEFAULT_API_ROOT = "https://businessmessages.googleapis.com/";
  /** The RBM API root used when {@code --rbm-api-root} is not given. */
  static final String DEFAULT_RBM_API_ROOT = RbmEventSender.Builder.DEFAULT_API_ROOT;

  Credentials {
    Objects.requireNonNull(keyFile, "keyFile cannot be null, use Optional.empty()");
    Objects.requireNonNull(accessToken, "accessToken cannot be null, use Optional.empty()");
    Objects.requireNonNull(apiRoot, "apiRoot cannot be null");
    Objects.requireNonNull(rbmApiRoot, "rbmApiRoot cannot be null");
  }

  /**
   * {@code --credentials}, {@code --access-token}, {@code --access-token-file}, {@code --api-root}
   * and {@code --rbm-api-root}.
   */
  static List<Opt> options(String what) {
    return List.of(
        Opt.value("--credentials", "FILE", "GOOGLE_APPLICATION_CREDENTIALS", null,
            "service-account key JSON " + what),
        Opt.secret("--access-token", "T", "BM_ACCESS_TOKEN",
            "a ready bearer token " + what + ", instead of --credentials"),
        Opt.value("--access-token-file", "FILE", null, null,
            "read the bearer token from FILE (one trailing newline dropped), out of the process list"),
        Opt.value("--api-root", "URL", "BM_API_ROOT", DEFAULT_API_ROOT,
            "the Business Messages API root; an emulator's URL for offline runs"),
        Opt.value("--rbm-api-root", "URL", "RBM_API_ROOT", DEFAULT_RBM_API_ROOT,
            "the RCS Business Messaging API root (a regional host, or an emulator's URL)"));
  }

  /**
   * Reads the three options. When both a key file and a token are set, one given on the command
   * line wins over one from the environment, and a token wins over a key file otherwise; both on
   * the command line is an error.
   */
  static Credentials from(Args args, String command) throws UsageException {
    Optional<String> token = args.secret("--access-token", "--access-token-file");
    if (token.isPresent() && token.get().chars().anyMatch(c -> c <= ' ' || c == 0x7F)) {
      String from = args.onCommandLine("--access-token-file") ? "--access-token-file" : "--access-token";
      throw args.bad(from, "must not contain whitespace or control characters", null);
    }
    Optional<Path> key = args.value("--credentials").isPresent()
        ? args.readableFile("--credentials") : Optional.empty();
    if (token.isPresent() && key.isPresent()) {
      boolean tokenOnLine = args.onCommandLine("--access-token")
          || args.onCommandLine("--access-token-file");
      boolean keyOnLine = args.onCommandLine("--credentials");
      if (tokenOnLine && keyOnLine) {
        throw new UsageException(command + ": give --credentials or --access-token, not both");
      }
      if (keyOnLine) {
        token = Optional.empty();
      } else {
        key = Optional.empty();
      }
    }
    return new Credentials(key, token, args.httpRoot("--api-root").orElseThrow(),
        args.httpRoot("--rbm-api-root").orElseThrow());
  }

  /**
   * The bearer tokens: the fixed token, else the service-account key's tokens for {@code scope}
   * ({@link ServiceAccountTokens#SCOPE} or {@link ServiceAccountTokens#RBM_SCOPE}).
   *
   * @throws CommandFailure when the key cannot be used
   * @throws java.util.NoSuchElementException when neither is set: check {@link #present()} first
   */
  AccessTokenProvider tokens(String scope) throws CommandFailure {
    if (accessToken.isPresent()) {
      return AccessTokenProvider.fixed(accessToken.get());
    }
    try {
      return ServiceAccountTokens.fromKeyFile(keyFile.orElseThrow(), scope);
    } catch (CredentialsException e) {
      throw new CommandFailure("cannot use --credentials: " + e.getMessage());
    }
  }

  /** Whether a key file or a token is set. */
  boolean present() {
    return keyFile.isPresent() || accessToken.isPresent();
  }

  /** The usage error for a command that needs credentials and has none. */
  static UsageException missing(String command, String why) {
    return new UsageException(command + ": " + why + " needs --credentials FILE"
        + " [GOOGLE_APPLICATION_CREDENTIALS], --access-token-file FILE or BM_ACCESS_TOKEN");
  }

  /** An id option checked as a message-name part. */
  static String id(Args args, String name) throws UsageException {
    String value = args.required(name);
    try {
      return MessageName.checkId(name, value);
    } catch (InvalidMessageNameException e) {
      throw args.bad(name, e.getMessage().substring(name.length() + 1), value);
    }
  }

  @Override
  public String toString() {
    return "Credentials[keyFile=" + keyFile.map(Path::toString).orElse("") + ", accessToken="
        + (accessToken.isPresent() ? "<redacted>" : "") + ", apiRoot=" + apiRoot + ", rbmApiRoot="
        + rbmApiRoot + "]";
  }
}
