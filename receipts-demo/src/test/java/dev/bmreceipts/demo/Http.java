// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A real java.net.http client with one-line helpers for tests. */
final class Http {
  static final HttpClient CLIENT = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();

  private Http() {}

  static HttpResponse<String> send(HttpRequest.Builder request) throws IOException,
      InterruptedException {
    return CLIENT.send(request.timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  static HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri).GET());
  }

  static HttpResponse<String> delete(URI uri) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri).DELETE());
  }

  static HttpResponse<String> post(URI uri, String contentType, String body)
      throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
  }

  /** A READ receipt PATCH with the given token (null for none) and content type. */
  static HttpResponse<String> patch(URI uri, String token, String contentType, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri)
        .method("PATCH", HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return send(b);
  }
}
