// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.demo;

import dev.bmreceipts.auth.ServiceAccountTokens;
import dev.bmreceipts.core.MessageName;
import dev.bmreceipts.core.rbm.InvalidPhoneNumberException;
import dev.bmreceipts.core.rbm.PhoneNumber;
import dev.bmreceipts.http.sender.RbmEventResult;
import dev.bmreceipts.http.sender.RbmEventSendException;
import dev.bmreceipts.http.sender.RbmEventSender;
import dev.bmreceipts.http.sender.ReceiptSendException;
import dev.bmreceipts.http.sender.ReceiptSender;
import dev.bmreceipts.http.sender.SendException;
import dev.bmreceipts.http.sender.SendResult;
import jakarta.json.Json;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * {@code send-read}: sends one agent READ receipt, or with {@code --rbm} one RCS Business
 * Messaging READ agent event.
 */
final class SendReadCommand implements Command {
  @Override
  public String name() {
    return "send-read";
  }

  @Override
  public String summary() {
    return "send one agent READ receipt (--rbm: an RBM READ event) and print the API's answer";
  }

  @Override
  public List<Opt> options() {
    List<Opt> o = new ArrayList<>(List.of(
        Opt.value("--conversation", "C", null, null, "the conversation id (required without --rbm)"),
        Opt.value("--message", "M", null, null, "the user message's id (required)"),
        Opt.flag("--rbm", "send an RCS Business Messaging READ event: needs --phone and --agent-id"),
        Opt.value("--phone", "E164", null, null,
            "with --rbm: the user's phone number in E.164, such as +447700900123"),
        Opt.value("--agent-id", "ID", null, null, "with --rbm: the agent's id")));
    o.addAll(Credentials.options("to authorize the call"));
    o.add(Opt.value("--timeout", "SECONDS", null, "60",
        "the whole send, retries included; then exit 1"));
    return List.copyOf(o);
  }

  @Override
  public String notes() {
    return "With --rbm the event goes to the RBM API root: --rbm-api-root, or --api-root given on\n"
        + "the command line, else RBM_API_ROOT; BM_API_ROOT is not read. Its eventId is derived\n"
        + "from (agent, phone, message), so sending the same READ again is ignored by the platform.\n"
        + "Phone numbers are printed masked: +****0123.\n";
  }

  /**
   * The checked options of {@code send-read}.
   *
   * @param message the message to mark read
   * @param credentials where the receipt goes and how it is authorized
   * @param timeout the deadline of the whole send, retries included
   */
  record Config(MessageName message, Credentials credentials, Duration timeout) {}

  /**
   * The checked options of {@code send-read --rbm}.
   *
   * @param phone the user's number
   * @param messageId the user message's id
   * @param agentId the agent's id
   * @param apiRoot the RBM API root the event goes to
   * @param credentials how it is authorized
   * @param timeout the deadline of the whole send, retries included
   */
  record RbmConfig(PhoneNumber phone, String messageId, String agentId, URI apiRoot,
      Credentials credentials, Duration timeout) {
    RbmConfig {
      Objects.requireNonNull(phone, "phone cannot be null");
      Objects.requireNonNull(apiRoot, "apiRoot cannot be null");
    }
  }

  /** Checks every option of a Business Messages send. */
  static Config config(Args args) throws UsageException {
    if (args.value("--phone").isPresent() || args.value("--agent-id").isPresent()) {
      throw new UsageException("send-read: --phone and --agent-id need --rbm");
    }
    String conversation = Credentials.id(args, "--conversation");
    String message = Credentials.id(args, "--message");
    Credentials credentials = Credentials.from(args, "send-read");
    if (!credentials.present()) {
      throw Credentials.missing("send-read", "sending a receipt");
    }
    Duration timeout = Duration.ofSeconds(args.integer("--timeout", 1, 3600).orElseThrow());
    return new Config(MessageName.of(conversation, message), credentials, timeout);
  }

  /** Checks every option of an RBM send ({@code --rbm}). */
  static RbmConfig rbmConfig(Args args) throws UsageException {
    if (args.value("--conversation").isPresent()) {
      throw new UsageException("send-read: --conversation is for Business Messages; with --rbm the"
          + " user is --phone E164");
    }
    PhoneNumber phone = phone(args, "--phone");
    String messageId = args.required("--message");
    if (messageId.chars().anyMatch(Character::isISOControl)) {
      throw args.bad("--message", "must not contain control characters", messageId);
    }
    String agentId = agentId(args, "--agent-id");
    Credentials credentials = Credentials.from(args, "send-read");
    if (!credentials.present()) {
      throw Credentials.missing("send-read", "sending an RBM READ");
    }
    URI root = credentials.rbmApiRoot();
    if (args.onCommandLine("--api-root")) {
      if (args.onCommandLine("--rbm-api-root")) {
        throw new UsageException("send-read: give --api-root or --rbm-api-root, not both: with --rbm"
            + " both name the RBM API root");
      }
      root = credentials.apiRoot();
    }
    Duration timeout = Duration.ofSeconds(args.integer("--timeout", 1, 3600).orElseThrow());
    return new RbmConfig(phone, messageId, agentId, root, credentials, timeout);
  }

  /**
   * Option {@code name} as an E.164 number. The error names the option and shows the text masked
   * but for its last four characters: a phone number is personal data, even a mistyped one.
   */
  static PhoneNumber phone(Args args, String name) throws UsageException {
    return phone(args, name, args.required(name));
  }

  /** {@code value}, a value of option {@code name}, as an E.164 number; errors as {@link #phone(Args, String)}. */
  static PhoneNumber phone(Args args, String name, String value) throws UsageException {
    try {
      return PhoneNumber.of(value);
    } catch (InvalidPhoneNumberException e) {
      String why = e.getMessage().replaceFirst("^phone number ", "");
      throw new UsageException(args.bad(name, why, null).getMessage() + ", got "
          + Text.quote(Text.maskedPhone(value)));
    }
  }

  /** Option {@code name} as an RBM agent id: not empty, no whitespace or control characters. */
  static String agentId(Args args, String name) throws UsageException {
    String value = args.required(name);
    if (value.chars().anyMatch(c -> c <= ' ' || c == 0x7F || Character.isISOControl(c))) {
      throw args.bad(name, "must not contain whitespace or control characters", value);
    }
    return value;
  }

  @Override
  public int run(Args args, Io io) throws Exception {
    if (args.flag("--rbm")) {
      return runRbm(rbmConfig(args), io);
    }
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

  private static int runRbm(RbmConfig config, Io io) throws CommandFailure {
    try (RbmEventSender sender = rbmSender(config.credentials(), config.apiRoot(),
        config.agentId(), config.timeout())) {
      RbmEventResult r = sender.sendReadAndWait(config.phone(), config.messageId());
      // the created event as the API answers it, but for the phone, which is masked
      io.out().println(Text.json(Json.createObjectBuilder()
          .add("eventType", r.eventType().name())
          .add("messageId", r.messageId())
          .add("name", "phones/" + r.phone().masked() + "/agentEvents/" + r.eventId())
          .build().toString()));
      return 0;
    } catch (RbmEventSendException e) {
      throw new CommandFailure(reason(e));
    }
  }

  /**
   * An RBM sender for one agent whose every send ends within {@code timeout}, retries included,
   * with tokens for the RBM scope; each attempt as {@link ReceiptService#sender}'s.
   */
  static RbmEventSender rbmSender(Credentials credentials, URI apiRoot, String agentId,
      Duration timeout) throws CommandFailure {
    return RbmEventSender.builder().agentId(agentId).apiRoot(apiRoot)
        .tokens(credentials.tokens(ServiceAccountTokens.RBM_SCOPE))
        .sendTimeout(timeout).requestTimeout(ReceiptService.attempt(timeout)).build();
  }

  /**
   * Why a send failed, in one line: {@code PATCH URL: 404 NOT_FOUND: …} for a Business Messages
   * receipt, {@code POST URL: …} for an RBM event (the URL with the phone masked, {@code
   * %2B****0123}).
   */
  static String reason(SendException e) {
    String method = e instanceof RbmEventSendException ? "POST" : "PATCH";
    String where = e.uri().map(u -> method + " " + u + ": ").orElse("");
    if (e.status() == 0) {
      return where + e.getMessage();
    }
    StringBuilder b = new StringBuilder(where).append(e.status());
    if (!e.apiStatus().isEmpty()) {
      b.append(' ').append(e.apiStatus());
    }
    if (!e.apiMessage().isEmpty()) {
      b.append(": ").append(e.apiMessage());
    }
    return b.toString();
  }
}
