// SPDX-License-Identifier: Apache-2.0
/**
 * A stand-in for the Business Messages receipt API, RCS Business Messaging's agent events and
 * their OAuth token endpoint, that a test starts on loopback, scripts and asserts on. Add it in
 * test scope.
 *
 * <pre>{@code
 * try (Emulator api = Emulator.builder().accessToken("test-token").start()) {
 *   api.enqueue(Answer.status(503));                  // the first receipt call: Google is busy
 *   Path key = api.newServiceAccountKey(dir.resolve("key.json")); // token_uri points here
 *   // … point the code under test at api.uri() …
 *   RecordedRequest r = api.takeRequest(Duration.ofSeconds(5));
 *   assertEquals("PATCH", r.method());
 * }
 * }</pre>
 */
module dev.bmreceipts.emulator {
  // core's WebhookSignature and RbmSignature sign pushed payloads, AgentReceipts writes the API's
  // bodies, MessageName and PhoneNumber check ids; not transitive: no core type is in this
  // module's API
  requires dev.bmreceipts.core;
  // the JSON-P API for request and response bodies; not transitive, no JSON-P type in our API
  requires jakarta.json;
  // the server the emulator runs on; not transitive, no com.sun.net.httpserver type in our API
  requires jdk.httpserver;
  // push delivers signed payloads to a webhook with java.net.http
  requires java.net.http;

  exports dev.bmreceipts.emulator;
}
