// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real {@link FileChannel} on a real file, whose writes can fail part-way (as on a full disk)
 * or block, whose truncations and forces can fail, and which counts writes and forces.
 */
final class FaultyChannel extends FileChannel {
  private final FileChannel file;
  /** The next write writes this many bytes, then fails as a full disk does; -1 for none. */
  volatile int failWriteAfter = -1;
  /** Truncations still to fail. */
  final AtomicInteger failTruncates = new AtomicInteger();
  /** Forces still to fail. */
  final AtomicInteger failForces = new AtomicInteger();
  /** When set, each write waits for it (a hung volume). */
  volatile CountDownLatch writeGate;
  /** When set, each force waits for it. */
  volatile CountDownLatch forceGate;
  /** Counted down as each write enters. */
  volatile CountDownLatch writeEntered = new CountDownLatch(0);
  /** Counted down as each write returns normally. */
  volatile CountDownLatch writeReturned = new CountDownLatch(0);
  /** Counted down as each force enters. */
  volatile CountDownLatch forceEntered = new CountDownLatch(0);
  final AtomicInteger writes = new AtomicInteger();
  final AtomicInteger forces = new AtomicInteger();
  /** The file size at the end of the last force that returned normally. */
  volatile long forcedSize = -1;

  FaultyChannel(FileChannel file) {
    this.file = file;
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    writes.incrementAndGet();
    writeEntered.countDown();
    await(writeGate);
    int after = failWriteAfter;
    if (after >= 0) {
      failWriteAfter = -1;
      ByteBuffer part = src.slice();
      part.limit(Math.min(after, part.remaining()));
      int n = file.write(part);
      src.position(src.position() + n);
      throw new IOException("No space left on device");
    }
    int n = file.write(src);
    writeReturned.countDown();
    return n;
  }

  @Override
  public FileChannel truncate(long size) throws IOException {
    if (failTruncates.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new IOException("Input/output error");
    }
    file.truncate(size);
    return this;
  }

  @Override
  public void force(boolean metaData) throws IOException {
    forces.incrementAndGet();
    forceEntered.countDown();
    await(forceGate);
    if (failForces.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new IOException("Input/output error");
    }
    long size = file.size();
    file.force(metaData);
    forcedSize = size;
  }

  private static void await(CountDownLatch gate) throws IOException {
    if (gate == null) {
      return;
    }
    try {
      if (!gate.await(30, TimeUnit.SECONDS)) {
        throw new IOException("test gate never opened");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    return file.read(dst);
  }

  @Override
  public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
    return file.read(dsts, offset, length);
  }

  @Override
  public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
    throw new UnsupportedOperationException("the journal writes one buffer at a time");
  }

  @Override
  public long position() throws IOException {
    return file.position();
  }

  @Override
  public FileChannel position(long newPosition) throws IOException {
    file.position(newPosition);
    return this;
  }

  @Override
  public long size() throws IOException {
    return file.size();
  }

  @Override
  public long transferTo(long position, long count, WritableByteChannel target)
      throws IOException {
    return file.transferTo(position, count, target);
  }

  @Override
  public long transferFrom(ReadableByteChannel src, long position, long count)
      throws IOException {
    return file.transferFrom(src, position, count);
  }

  @Override
  public int read(ByteBuffer dst, long position) throws IOException {
    return file.read(dst, position);
  }

  @Override
  public int write(ByteBuffer src, long position) throws IOException {
    throw new UnsupportedOperationException("the journal appends");
  }

  @Override
  public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
    return file.map(mode, position, size);
  }

  @Override
  public FileLock lock(long position, long size, boolean shared) throws IOException {
    return file.lock(position, size, shared);
  }

  @Override
  public FileLock tryLock(long position, long size, boolean shared) throws IOException {
    return file.tryLock(position, size, shared);
  }

  @Override
  protected void implCloseChannel() throws IOException {
    file.close();
  }
}
