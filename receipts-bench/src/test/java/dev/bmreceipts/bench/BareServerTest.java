// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The webhook benchmark's baseline answers like the demo's webhook, without doing its work. */
class BareServerTest {
  @Test
  void answers200OkToAPostAtCallbackAndAtRbm() throws Exception {
    HttpServer server = BareServer.start(0, 2, 0);
    try {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
      byte[][] bodies = {Fixtures.receipts(3), Fixtures.rbmEnvelope(Fixtures.rbmUserEvent(0))};
      for (String path : new String[] {"/callback", "/rbm"}) {
        for (int i = 0; i < 3; i++) {
          HttpResponse<String> response = client.send(
              HttpRequest.newBuilder(base.resolve(path))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(bodies[path.equals("/rbm") ? 1 : 0]))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
          assertEquals(200, response.statusCode());
          assertEquals("ok", response.body());
        }
      }
    } finally {
      BareServer.stop(server);
    }
  }
}
