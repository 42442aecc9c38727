// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.emulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A real java.net.http client, and raw socket requests for what it will not send. */
final class Http {
  static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  static final String READ = "{\"receiptType\":\"READ\"}";
  static final String JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";

  private Http() {}

  static HttpResponse<String> send(HttpRequest.Builder b) throws IOException, InterruptedException {
    return CLIENT.send(b.timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  static URI receipt(Emulator e, String c, String m) {
    return URI.create(e.uri() + "v1/conversations/" + c + "/messages/" + m + "/receipt");
  }

  static HttpResponse<String> patch(URI uri, String token, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri)
        .header("Content-Type", "application/json")
        .method("PATCH", HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return send(b);
  }

  static HttpResponse<String> post(URI uri, String contentType, String body)
      throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  static HttpResponse<String> token(Emulator e, String assertion)
      throws IOException, InterruptedException {
    return post(e.tokenUri(), "application/x-www-form-urlencoded", "grant_type="
        + URLEncoder.encode(JWT_BEARER, StandardCharsets.UTF_8) + "&assertion=" + assertion);
  }

  /** Writes {@code request} as-is and returns the whole answer (the server closes or answers). */
  static String raw(Emulator e, String request) throws IOException {
    try (Socket s = new Socket("127.0.0.1", e.port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[8192];
      StringBuilder b = new StringBuilder();
      int n;
      while ((n = in.read(buf)) > 0) {
        b.append(new String(buf, 0, n, StandardCharsets.UTF_8));
        if (b.indexOf("\r\n\r\n") > 0 && complete(b)) {
          break;
        }
      }
      return b.toString();
    }
  }

  private static boolean complete(StringBuilder b) {
    String head = b.substring(0, b.indexOf("\r\n\r\n")).toLowerCase(java.util.Locale.ROOT);
    int i = head.indexOf("content-length:");
    if (i < 0) {
      return true;
    }
    int end = head.indexOf("\r\n", i);
    int length = Integer.parseInt(head.substring(i + 15, end < 0 ? head.length() : end).strip());
    return b.length() - b.indexOf("\r\n\r\n") - 4 >= length;
  }
}
