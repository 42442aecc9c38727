// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.demo;

import dev.bmreceipts.emulator.Answer;
import dev.bmreceipts.emulator.Dispatcher;
import dev.bmreceipts.emulator.Emulator;
import dev.bmreceipts.emulator.RecordedRequest;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * {@code emulator}: the receipts-emulator module on a fixed port, for tests outside the JVM. Its
 * HTTP control endpoints ({@code /emulator/requests}, {@code /emulator/script},
 * {@code /emulator/push}, {@code /emulator/push-rbm}) give them what a Java test gets from the API.
 */
final class EmulatorCommand implements Command {
  @Override
  public String name() {
    return "emulator";
  }

  @Override
  public String summary() {
    return "a local stand-in for the Business Messages and RBM APIs (receipts, agent events,"
        + " OAuth token endpoint, push)";
  }

  @Override
  public List<Opt> options() {
    return List.of(
        Opt.value("--host", "HOST", null, "127.0.0.1", "address to listen on"),
        Opt.value("--port", "N", null, null, "port to listen on, 0 for any free port (required)"),
        Opt.value("--trust-key", "FILE", null, null,
            "service-account key JSON or PEM public key that POST /token verifies assertions with"),
        Opt.value("--new-key", "FILE", null, null,
            "write a fresh service-account key whose token_uri is this emulator, and trust it"),
        Opt.secret("--access-token", "T", "BM_ACCESS_TOKEN",
            "a fixed bearer token the receipt and agent-event endpoints also accept"),
        Opt.secret("--signing-key", "K", "BM_SIGNING_KEY",
            "key POST /emulator/push signs payloads with (X-Goog-Signature)"),
        Opt.secret("--rbm-client-token", "T", "RBM_CLIENT_TOKEN",
            "the RBM agent's client token: POST /emulator/push-rbm signs with it"),
        Opt.values("--unreachable", "E164",
            "phone numbers whose RBM agent events answer 404 NOT_FOUND (no RCS on the device)"),
        Opt.value("--fail-rate", "R", null, "0",
            "fraction 0..1 of valid receipts and agent events answered 503"),
        Opt.value("--latency", "DURATION", null, "0ms",
            "delay before each receipt or agent event answer (250ms, 2s)"));
  }

  @Override
  public String notes() {
    return "endpoints:\n"
        + "  PATCH  /v1/conversations/{c}/messages/{m}/receipt  body {\"receiptType\":\"READ\"}\n"
        + "  POST   /token                    OAuth JWT-bearer grant for a key whose token_uri is here\n"
        + "  GET    /emulator/requests        what it received (tokens redacted); DELETE clears\n"
        + "  POST   /emulator/script          statuses for the next receipts: {\"statuses\":[503,200]}\n"
        + "  POST   /emulator/push?to=URL     sign the JSON body and POST it to a loopback webhook\n"
        + "  POST   /v1/phones/{E164}/agentEvents?eventId=UUID&agentId=A  RBM READ or IS_TYPING\n"
        + "  POST   /emulator/push-rbm?to=URL[&attributes.NAME=VALUE]  wrap the JSON body (a decoded\n"
        + "         RBM UserEvent or UserMessage) in a Pub/Sub envelope, sign it with the RBM client\n"
        + "         token and POST it to a loopback webhook\n"
        + "Tokens it issues carry the scopes asked for: receipts need the Business Messages scope,\n"
        + "agent events the RBM scope (else 403), as at Google; a fixed --access-token passes both.\n";
  }

  @Override
  public int run(Args args, Io io) throws Exception {
    try (Emulator emulator = start(args, io)) {
      io.stop().await();
    }
    return 0;
  }

  /** Checks the options, starts the emulator, writes a new key if asked, prints its startup line. */
  Emulator start(Args args, Io io) throws UsageException, CommandFailure {
    String host = args.string("--host").orElseThrow();
    int port = args.port("--port").orElseThrow(() -> new UsageException(
        "emulator: missing --port N (see emulator --help)"));
    Emulator.Builder b = Emulator.builder().host(host).port(port);
    List<String> trusted = new ArrayList<>();
    Optional<Path> keyFile = args.readableFile("--trust-key");
    if (keyFile.isPresent()) {
      try {
        b.trustKey(keyFile.get());
      } catch (IllegalArgumentException e) {
        throw args.bad("--trust-key", "holds no usable key: " + e.getMessage(), null);
      } catch (UncheckedIOException e) {
        throw new CommandFailure("cannot read --trust-key: " + Text.oneLine(e.getCause()));
      }
      trusted.add(keyFile.get().toString());
    }
    Optional<Path> newKey = args.path("--new-key");
    Optional<String> accessToken = args.string("--access-token");
    Optional<String> signingKey = args.string("--signing-key");
    Optional<String> rbmClientToken = args.string("--rbm-client-token");
    accessToken.ifPresent(b::accessToken);
    signingKey.ifPresent(b::signingKey);
    rbmClientToken.ifPresent(b::rbmClientToken);
    List<String> unreachable = args.values("--unreachable");
    for (String phone : unreachable) {
      // the error names the option and masks the number: it is personal data, even mistyped
      b.unreachable(SendReadCommand.phone(args, "--unreachable", phone).e164());
    }
    double failRate = args.decimal("--fail-rate", 0, 1).orElse(0.0);
    Duration latency = args.duration("--latency").orElse(Duration.ZERO);
    b.dispatcher(Dispatcher.queue(faults(failRate, latency, RandomGenerator.getDefault())));
    Emulator emulator;
    try {
      emulator = b.start();
    } catch (UncheckedIOException e) {
      throw new CommandFailure("cannot listen on " + host + ":" + port + ": "
          + Text.oneLine(e.getCause()));
    }
    if (newKey.isPresent()) {
      try {
        emulator.newServiceAccountKey(newKey.get());
      } catch (UncheckedIOException e) {
        emulator.close();
        throw new CommandFailure("cannot write --new-key: " + Text.oneLine(e.getCause()));
      }
      trusted.add(newKey.get().toString());
    }
    io.out().println(Text.escape("emulator at " + emulator.uri() + "; token endpoint "
        + emulator.tokenUri()
        + "; trust key " + (trusted.isEmpty() ? "none" : String.join(", ", trusted))
        + "; fixed access token " + (accessToken.isPresent() ? "set" : "none")
        + "; push signing key " + (signingKey.isPresent() ? "set" : "none")
        // only with RBM options, so that the Business Messages line stays as it was
        + (rbmClientToken.isPresent() ? "; RBM client token set" : "")
        + (unreachable.isEmpty() ? "" : "; unreachable phones " + unreachable.size())));
    io.out().flush();
    return emulator;
  }

  /**
   * {@code --fail-rate} and {@code --latency}: once nothing is scripted, a valid receipt is
   * answered 503 with probability {@code failRate}, and every answer waits {@code latency}.
   */
  static Dispatcher faults(double failRate, Duration latency, RandomGenerator random) {
    return new Dispatcher() {
      @Override
      public Answer dispatch(RecordedRequest request) {
        Answer a = failRate > 0 && random.nextDouble() < failRate ? Answer.status(503) : Answer.ok();
        return a.withDelay(latency);
      }
    };
  }
}
