// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bmreceipts.core.WebhookSignature;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** serve in-process against clients on raw sockets: the read timeout and unread bodies. */
class ServeSlowClientTest {
  private static final String KEY = "slow-client-key";

  @TempDir Path dir;
  private final List<ReceiptService> services = new ArrayList<>();

  @AfterEach
  void stop() {
    services.forEach(ReceiptService::close);
  }

  private ReceiptService serve(String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("--host", "127.0.0.1", "--port", "0",
        "--signing-key", KEY, "--journal", dir.resolve("journal.jsonl").toString(), "--quiet"));
    args.addAll(List.of(extra));
    ServeCommand sc = new ServeCommand();
    ReceiptService s = sc.start(Args.parse(sc, args, Map.of()), new TestIo().io);
    services.add(s);
    return s;
  }

  private static Socket connect(ReceiptService s) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", s.uri().getPort()), 5_000);
    return socket;
  }

  /** The status line, or {@code null} when the server closed without answering. */
  private static String statusLine(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0 && c != '\r') {
      b.append((char) c);
    }
    return c < 0 && b.length() == 0 ? null : b.toString();
  }

  private static HttpResponse<String> signed(ReceiptService s, String body) throws Exception {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return Http.send(HttpRequest.newBuilder(s.uri())
        .header("Content-Type", "application/json")
        .header(WebhookSignature.HEADER, WebhookSignature.sign(KEY, bytes))
        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)));
  }

  @Test
  void readTimeoutClosesTheConnectionOfARequestNotReadWholeByThen() throws Exception {
    ReceiptService s = serve("--read-timeout", "0.5");
    assertClosedAfterTheReadTimeout(s, "/callback");
    HttpResponse<String> r = signed(s,
        Payloads.receipts("req-1", "conv-1", "READ", List.of("m1")));
    assertEquals(200, r.statusCode(), r.body());
    assertEquals(1, Files.readAllLines(dir.resolve("journal.jsonl")).size());
  }

  @Test
  void theRbmPathHasTheSameReadTimeoutAndAnswersOtherPathsAtOnce() throws Exception {
    ReceiptService s = serve("--read-timeout", "0.5", "--rbm-client-token", "rbm-t");
    assertClosedAfterTheReadTimeout(s, "/rbm");
    for (String path : List.of("/rbm/", "/rbmx")) {
      try (Socket socket = connect(s)) {
        socket.setSoTimeout(5_000);
        socket.getOutputStream().write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + "Content-Type: application/json\r\nContent-Length: 100000000\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        assertEquals("HTTP/1.1 404 Not Found", statusLine(socket.getInputStream()), path);
      }
    }
    HttpResponse<String> r = Http.post(s.root().resolve("/rbm"), "application/json",
        "{\"clientToken\":\"rbm-t\",\"secret\":\"s\"}");
    assertEquals(200, r.statusCode(), r.body());
  }

  /** A request that announces a body and sends part of it: closed after the 0.5 s read timeout. */
  private static void assertClosedAfterTheReadTimeout(ReceiptService s, String path)
      throws Exception {
    try (Socket socket = connect(s)) {
      socket.setSoTimeout(5_000);
      socket.getOutputStream().write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"agent\":")
          .getBytes(StandardCharsets.US_ASCII));
      long start = System.nanoTime();
      String answer;
      try {
        answer = statusLine(socket.getInputStream());
      } catch (SocketTimeoutException e) {
        throw new AssertionError("the connection was still open after 5 s", e);
      } catch (IOException e) {
        answer = null; // reset: closed with our bytes unread
      }
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(millis >= 450 && millis < 3_500, "closed after " + millis + " ms");
      // closed, or at most told why and closed
      assertTrue(answer == null || answer.equals("HTTP/1.1 400 Bad Request"), path + ": " + answer);
    }
  }

  @Test
  void healthzMetricsAndOtherPathsAnswerWithoutWaitingForABody() throws Exception {
    ReceiptService s = serve();
    for (String[] c : List.of(new String[] {"GET", "/healthz", "200 OK"},
        new String[] {"GET", "/metrics", "200 OK"},
        new String[] {"POST", "/metrics", "405 Method Not Allowed"},
        new String[] {"POST", "/nothing", "404 Not Found"},
        new String[] {"POST", "/callbackXYZ", "404 Not Found"},
        new String[] {"POST", "/callback/", "404 Not Found"})) {
      try (Socket socket = connect(s)) {
        socket.setSoTimeout(5_000);
        // a body is announced and never sent
        socket.getOutputStream().write((c[0] + " " + c[1] + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + "Content-Type: application/json\r\nContent-Length: 100000000\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        long start = System.nanoTime();
        String status = statusLine(socket.getInputStream());
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals("HTTP/1.1 " + c[2], status, c[0] + " " + c[1]);
        assertTrue(millis < 2_000, c[0] + " " + c[1] + " answered after " + millis + " ms");
      }
    }
    assertEquals(0, Files.size(dir.resolve("journal.jsonl")));
  }

  @Test
  void readTimeoutAndBacklogReachTheConfig() throws Exception {
    ServeCommand sc = new ServeCommand();
    ServeCommand.Config defaults = ServeCommand.config(Args.parse(sc, List.of(),
        Map.of("BM_SIGNING_KEY", "k")));
    assertEquals(Duration.ofSeconds(10), defaults.readTimeout());
    assertEquals(4_096, defaults.backlog());
    ServeCommand.Config given = ServeCommand.config(Args.parse(sc,
        List.of("--read-timeout", "2.5", "--backlog", "128"), Map.of("BM_SIGNING_KEY", "k")));
    assertEquals(Duration.ofMillis(2_500), given.readTimeout());
    assertEquals(128, given.backlog());
  }
}
