// SPDX-License-Identifier: Apache-2.0
/**
 * The receipts model, the webhook payload parser, the agent-receipt JSON and the
 * {@code X-Goog-Signature} verifier, for Business Messages ({@code dev.bmreceipts.core}) and for
 * RCS Business Messaging ({@code dev.bmreceipts.core.rbm}). No I/O, no threads, no logging.
 *
 * <pre>{@code
 * WebhookParser parser = WebhookParser.create();
 * WebhookPayload payload = parser.parse(body);
 * payload.receipts().ifPresent(r -> r.receipts().forEach(System.out::println));
 * }</pre>
 *
 * <p>A JSON-P implementation (for example Parsson) must be on the module path or class path at
 * run time; this module compiles against the API only.
 */
module dev.bmreceipts.core {
  // transitive: WebhookPayload and RbmPayload hand out jakarta.json.JsonObject / JsonValue for
  // the members they do not model, so every reader of our API needs the JSON-P API too.
  requires transitive jakarta.json;

  exports dev.bmreceipts.core;
  exports dev.bmreceipts.core.rbm;
}
