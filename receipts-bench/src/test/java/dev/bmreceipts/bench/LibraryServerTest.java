// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bmreceipts.http.WebhookServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** Server (r) takes the RBM load's pushes, signed over the decoded data, and counts each receipt. */
class LibraryServerTest {
  private static final String TOKEN = "bench-signing-key-0123456789";

  @Test
  void acceptsSignedRbmPushesOnceEachAndCountsTheirReceipts() throws Exception {
    try (WebhookServer server = LibraryServer.start(0, 2, TOKEN, TOKEN)) {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      URI base = URI.create("http://127.0.0.1:" + server.port());
      Mac mac = Mac.getInstance("HmacSHA512");
      mac.init(new SecretKeySpec(TOKEN.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA512"));
      for (int i = 0; i < 4; i++) {
        byte[] data = Fixtures.rbmUserEvent(i % 3);
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(base.resolve("/rbm"))
            .header("Content-Type", "application/json")
            .header("X-Goog-Signature", Base64.getEncoder().encodeToString(mac.doFinal(data)))
            .POST(HttpRequest.BodyPublishers.ofByteArray(Fixtures.rbmEnvelope(data))).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
      }
      String metrics = client.send(HttpRequest.newBuilder(base.resolve("/metrics")).GET().build(),
          HttpResponse.BodyHandlers.ofString()).body();
      // events 0, 1, 2 and 0 again: three receipts, one DELIVERED redelivered
      assertTrue(metrics.contains("bm_receipts_received_total{type=\"DELIVERED\"} 2"), metrics);
      assertTrue(metrics.contains("bm_receipts_received_total{type=\"READ\"} 1"), metrics);
    }
  }
}
