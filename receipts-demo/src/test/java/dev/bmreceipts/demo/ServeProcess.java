// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.demo;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bmreceipts.core.WebhookSignature;
import java.io.BufferedReader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The built jar's {@code serve} as a child JVM on 127.0.0.1, signing key {@link #KEY}. */
final class ServeProcess implements AutoCloseable {
  static final String KEY = "attack-signing-key";
  private static final Pattern STARTUP = Pattern.compile("^serving (http://127\\.0\\.0\\.1:\\d+/callback); .*");

  private final Process process;
  private final URI uri;
  private final CompletableFuture<String> err;

  private ServeProcess(Process process, URI uri, CompletableFuture<String> err) {
    this.process = process;
    this.uri = uri;
    this.err = err;
  }

  /** Starts {@code serve --host 127.0.0.1 --port 0 --signing-key KEY --quiet extra…}. */
  static ServeProcess start(String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("serve", "--host", "127.0.0.1", "--port", "0",
        "--signing-key", KEY, "--quiet"));
    args.addAll(List.of(extra));
    Process p = Processes.jar(args.toArray(String[]::new)).start();
    try {
      BufferedReader[] out = new BufferedReader[1];
      String line = Processes.firstLine(p, out);
      Matcher m = STARTUP.matcher(line);
      assertTrue(m.matches(), line);
      // keep stdout flowing so that the child never blocks on a full pipe
      CompletableFuture.runAsync(() -> {
        try {
          while (out[0].readLine() != null) {
            // discard
          }
        } catch (IOException e) {
          // the process ended
        }
      });
      return new ServeProcess(p, URI.create(m.group(1)), Processes.drain(p.getErrorStream()));
    } catch (Exception | AssertionError e) {
      p.destroyForcibly();
      throw e;
    }
  }

  URI uri() {
    return uri;
  }

  InetSocketAddress address() {
    return new InetSocketAddress("127.0.0.1", uri.getPort());
  }

  /** A request to the webhook, signed with {@link #KEY}. */
  HttpRequest.Builder signed(byte[] body) {
    return HttpRequest.newBuilder(uri)
        .header("Content-Type", "application/json")
        .header(WebhookSignature.HEADER, WebhookSignature.sign(KEY, body))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
  }

  HttpResponse<String> post(String body) throws Exception {
    return Http.send(signed(body.getBytes(StandardCharsets.UTF_8)));
  }

  /** {@code Threads} and {@code VmRSS} (kB) from {@code /proc/PID/status}. */
  Map<String, Long> status() throws IOException {
    Map<String, Long> status = new HashMap<>();
    for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()),
        "status"))) {
      String[] kv = line.split(":\\s+");
      if (kv[0].equals("Threads") || kv[0].equals("VmRSS") || kv[0].equals("VmHWM")) {
        status.put(kv[0], Long.parseLong(kv[1].replace(" kB", "").strip()));
      }
    }
    return status;
  }

  boolean alive() {
    return process.isAlive();
  }

  /** SIGTERM, then what the process wrote on stderr. */
  String stop() throws Exception {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
    return err.get(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
