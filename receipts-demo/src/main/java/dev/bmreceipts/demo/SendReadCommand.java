// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.demo;

import dev.bmreceipts.core.MessageName;
import dev.bmreceipts.http.sender.ReceiptSendException;
import dev.bmreceipts.http.sender.ReceiptSender;
import dev.bmreceipts.http.sender.SendResult;
import jakarta.json.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** {@code send-read}: sends one agent READ receipt. */
final class SendReadCommand implements Command {
  @Override
  public String name() {
    return "send-read";
  }

  @Override
  public String summary() {
    return "send one agent READ receipt and print the API's answer";
  }

  @Override
  public List<Opt> options() {
    List<Opt> o = new ArrayList<>(List.of(
        Opt.value("--conversation", "C", null, null, "the conversation id (required)"),
        Opt.value("--message", "M", null, null, "the user message's id (required)")));
    o.addAll(Credentials.options("to authorize the call"));
    o.add(Opt.value("--timeout", "SECONDS", null, "60",
        "the whole send, retries included; then exit 1"));
    return List.copyOf(o);
  }

  /**
   * The checked options of {@code send-read}.
   *
   * @param message the message to mark read
   * @param credentials where the receipt goes and how it is authorized
   * @param timeout the deadline of the whole send, retries included
   */
  record Config(MessageName message, Credentials credentials, Duration timeout) {}

  /** Checks every option. */
  static Config config(Args args) throws UsageException {
    String conversation = Credentials.id(args, "--conversation");
    String message = Credentials.id(args, "--message");
    Credentials credentials = Credentials.from(args, "send-read");
    if (!credentials.present()) {
      throw Credentials.missing("send-read", "sending a receipt");
    }
    Duration timeout = Duration.ofSeconds(args.integer("--timeout", 1, 3600).orElseThrow());
    return new Config(MessageName.of(conversation, message), credentials, timeout);
  }

  @Override
  public int run(Args args, Io io) throws Exception {
    Config config = config(args);
    try (ReceiptSender sender = ReceiptService.sender(config.credentials(), config.timeout())) {
      SendResult result = sender.sendReadAndWait(config.message());
      // the receipt name is the server's text: JSON-escaped, and terminal-safe
      io.out().println(Text.json(Json.createObjectBuilder()
          .add("name", result.receiptName())
          .add("receiptType", "READ")
          .build().toString()));
      return 0;
    } catch (ReceiptSendException e) {
      throw new CommandFailure(reason(e));
    }
  }

  /**
   * One line that names where the send went, never the token: {@code PATCH URL: 404 NOT_FOUND:
   * Google's message}, or the failure's own text when there was no HTTP status (IO errors,
   * timeouts, no token).
   */
  static String reason(ReceiptSendException e) {
    String where = e.uri().map(u -> "PATCH " + u + ": ").orElse("");
    return where + (e.status() == 0 ? e.getMessage() : status(e));
  }

  /** {@code 404 NOT_FOUND: Google's message}. */
  private static String status(ReceiptSendException e) {
    StringBuilder b = new StringBuilder().append(e.status());
    if (!e.apiStatus().isEmpty()) {
      b.append(' ').append(e.apiStatus());
    }
    if (!e.apiMessage().isEmpty()) {
      b.append(": ").append(e.apiMessage());
    }
    return b.toString();
  }
}
