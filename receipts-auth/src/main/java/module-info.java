// SPDX-License-Identifier: Apache-2.0
/**
 * An {@link dev.bmreceipts.http.sender.AccessTokenProvider} backed by a Google service-account key or
 * Application Default Credentials, scoped to Business Messages or to RCS Business Messaging.
 *
 * <pre>{@code
 * try (ReceiptSender sender = ReceiptSender.builder()
 *         .tokens(ServiceAccountTokens.fromKeyFile(Path.of("key.json")))
 *         .build()) {
 *   sender.sendReadAndWait(MessageName.of(conversationId, messageId));
 * }
 * }</pre>
 */
module dev.bmreceipts.auth {
  // transitive: our provider implements dev.bmreceipts.http.sender.AccessTokenProvider
  requires transitive dev.bmreceipts.http;
  // the credentials, their token cache and refresh; never in our public signatures
  requires com.google.auth.oauth2;
  requires com.google.auth;
  // Google's auth library and its gson transport are automatic modules that use Guava and Gson,
  // which are explicit modules an automatic module cannot require. Without these two lines the
  // module path leaves both out of the graph and the first token fetch fails with
  // NoClassDefFoundError, in every host that uses this module.
  requires com.google.common;
  requires com.google.gson;

  exports dev.bmreceipts.auth;
}
