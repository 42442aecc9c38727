// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.sender;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A response body read into memory up to a cap: past it, the read is cancelled (the client then
 * closes the connection) and the body fails with an {@link IOException}, so that the attempt
 * counts as an IO error. Google's answers to a receipt
 * are a few hundred bytes; the cap keeps a wrong or hostile server from filling the heap.
 */
final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
  private final int max;
  private final long declared;
  private final CompletableFuture<byte[]> body = new CompletableFuture<>();
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
  private Flow.Subscription subscription;

  private CappedBody(int max, long declared) {
    this.max = max;
    this.declared = declared;
  }

  /** A handler whose bodies stop at {@code max} bytes; a {@code Content-Length} over it fails at once. */
  static HttpResponse.BodyHandler<byte[]> handler(int max) {
    return info -> new CappedBody(max, info.headers().firstValueAsLong("Content-Length").orElse(-1));
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    if (declared > max) {
      tooLarge();
      return;
    }
    s.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(List<ByteBuffer> items) {
    if (body.isDone()) {
      return;
    }
    for (ByteBuffer b : items) {
      int n = b.remaining();
      if (n > max - bytes.size()) {
        tooLarge();
        return;
      }
      byte[] chunk = new byte[n];
      b.get(chunk);
      bytes.write(chunk, 0, n);
    }
  }

  private void tooLarge() {
    subscription.cancel();
    body.completeExceptionally(
        new IOException("response body over the " + max + "-byte limit (maxResponseBytes); read stopped there"));
  }

  @Override
  public void onError(Throwable t) {
    body.completeExceptionally(t);
  }

  @Override
  public void onComplete() {
    body.complete(bytes.toByteArray());
  }

  @Override
  public CompletionStage<byte[]> getBody() {
    return body;
  }
}
