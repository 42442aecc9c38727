// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.sender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bmreceipts.core.MessageName;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * What the sender puts on the wire, read as raw bytes by a socket server: what Google's clients
 * send, and nothing a plain HTTP/1.1 server could take over (no {@code Upgrade: h2c}).
 */
class SenderWireFormatTest {
  private static final String TOKEN = "tok-wire-1";

  private static RawServer.Request sendOne(ReceiptSender.Builder b) throws Exception {
    try (RawServer server = new RawServer((request, out, in) -> RawServer.ok(request, out));
        ReceiptSender sender = b.apiRoot(server.root()).tokens(AccessTokenProvider.fixed(TOKEN)).build()) {
      SendResult r = sender.sendReadAndWait(MessageName.of("c 1", "m"));
      assertEquals("conversations/c%201/messages/m/receipt", r.receiptName());
      List<RawServer.Request> requests = server.requests();
      assertEquals(1, requests.size());
      return requests.get(0);
    }
  }

  private static void assertGoogleShaped(RawServer.Request r) {
    assertEquals("PATCH /v1/conversations/c%201/messages/m/receipt HTTP/1.1", r.requestLine());
    assertEquals("application/json", r.header("Content-Type"));
    assertEquals("application/json", r.header("Accept"));
    assertEquals("Bearer " + TOKEN, r.header("Authorization"));
    assertTrue(r.header("User-Agent").matches("bm-receipts/\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?"),
        r.header("User-Agent"));
    assertEquals("{\"receiptType\":\"READ\"}", new String(r.body(), StandardCharsets.UTF_8));
    assertEquals("22", r.header("Content-Length"));
    assertNull(r.header("Upgrade"), r.head());
    assertNull(r.header("HTTP2-Settings"), r.head());
    String connection = r.header("Connection");
    assertTrue(connection == null || !connection.toLowerCase(Locale.ROOT).contains("upgrade"), r.head());
  }

  @Test
  void theDefaultClientSendsPlainHttp11ToAnHttpRoot() throws Exception {
    assertGoogleShaped(sendOne(ReceiptSender.builder()));
  }

  @Test
  void aCallersHttp2ClientSendsPlainHttp11ToAnHttpRootToo() throws Exception {
    HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
    assertGoogleShaped(sendOne(ReceiptSender.builder().httpClient(h2)));
  }

  @Test
  void theUserAgentNamesTheToolkitAndTheBuiltVersion() {
    assertTrue(Uris.userAgent().matches("bm-receipts/\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?"), Uris.userAgent());
  }
}
