// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.report;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How far an analysis is, readable from any thread while it runs (a progress line, say). The
 * workers add to it about once per megabyte read.
 */
public final class ArchiveProgress {
  final AtomicLong bytesRead = new AtomicLong();
  final AtomicLong totalBytes = new AtomicLong();
  final AtomicLong lines = new AtomicLong();

  /** Bytes read so far (compressed bytes for gzip files). */
  public long bytesRead() {
    return bytesRead.get();
  }

  /** Bytes of every file input, -1 when a stream input has no known size. */
  public long totalBytes() {
    return totalBytes.get();
  }

  /** Lines read so far. */
  public long lines() {
    return lines.get();
  }
}
