// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.demo;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** {@code emulator}: a local stand-in for the Business Messages API. */
final class EmulatorCommand implements Command {
  @Override
  public String name() {
    return "emulator";
  }

  @Override
  public String summary() {
    return "a local stand-in for the Business Messages API (receipts, OAuth token endpoint, push)";
  }

  @Override
  public List<Opt> options() {
    return List.of(
        Opt.value("--host", "HOST", null, "127.0.0.1", "address to listen on"),
        Opt.value("--port", "N", null, null, "port to listen on, 0 for any free port (required)"),
        Opt.value("--trust-key", "FILE", null, null,
            "service-account key JSON or PEM public key that POST /token verifies assertions with"),
        Opt.secret("--access-token", "T", "BM_ACCESS_TOKEN",
            "a fixed bearer token the receipt endpoint also accepts"),
        Opt.secret("--signing-key", "K", "BM_SIGNING_KEY",
            "key POST /emulator/push signs payloads with (X-Goog-Signature)"),
        Opt.value("--fail-rate", "R", null, "0", "fraction 0..1 of valid receipts answered 503"),
        Opt.value("--latency", "DURATION", null, "0ms", "delay before each receipt answer (250ms, 2s)"));
  }

  @Override
  public String notes() {
    return "endpoints:\n"
        + "  PATCH  /v1/conversations/{c}/messages/{m}/receipt  body {\"receiptType\":\"READ\"}\n"
        + "  POST   /token                    OAuth JWT-bearer grant for a key whose token_uri is here\n"
        + "  GET    /emulator/requests        what it received (tokens redacted); DELETE clears\n"
        + "  POST   /emulator/script          statuses for the next receipts: {\"statuses\":[503,200]}\n"
        + "  POST   /emulator/push?to=URL     sign the body and POST it to a loopback webhook\n";
  }

  @Override
  public int run(Args args, Io io) throws Exception {
    try (Emulator emulator = start(args, io)) {
      io.stop().await();
    }
    return 0;
  }

  /** Checks the options, starts the emulator and prints its startup line. */
  Emulator start(Args args, Io io) throws UsageException, CommandFailure {
    Emulator.Options options = options(args);
    Emulator emulator;
    try {
      emulator = Emulator.start(options);
    } catch (IOException e) {
      throw new CommandFailure("cannot listen on " + options.host() + ":" + options.port() + ": "
          + Text.oneLine(e));
    }
    io.out().println(Text.escape("emulator at " + emulator.uri() + "; token endpoint " + emulator.tokenUri()
        + "; trust key " + args.value("--trust-key").orElse("none")
        + "; fixed access token " + (options.accessToken().isPresent() ? "set" : "none")
        + "; push signing key " + (options.signingKey().isPresent() ? "set" : "none")));
    io.out().flush();
    return emulator;
  }

  static Emulator.Options options(Args args) throws UsageException, CommandFailure {
    String host = args.string("--host").orElseThrow();
    int port = args.port("--port").orElseThrow(() -> new UsageException(
        "emulator: missing --port N (see emulator --help)"));
    Optional<Path> keyFile = args.readableFile("--trust-key");
    Optional<TrustKey> trust = Optional.empty();
    if (keyFile.isPresent()) {
      try {
        trust = Optional.of(TrustKey.read(keyFile.get()));
      } catch (IllegalArgumentException e) {
        throw args.bad("--trust-key", "holds no usable key: " + e.getMessage(), null);
      } catch (IOException e) {
        throw new CommandFailure("cannot read --trust-key: " + Text.oneLine(e));
      }
    }
    double failRate = args.decimal("--fail-rate", 0, 1).orElse(0.0);
    Duration latency = args.duration("--latency").orElse(Duration.ZERO);
    Emulator.Options d = Emulator.Options.defaults(host, port);
    return new Emulator.Options(host, port, trust, args.string("--access-token"),
        args.string("--signing-key"), failRate, latency, d.tokenLifetime(), d.clock(), d.random());
  }
}
