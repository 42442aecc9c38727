// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.bench;

import dev.bmreceipts.core.MessageName;
import dev.bmreceipts.core.Receipt;
import dev.bmreceipts.core.ReceiptType;
import dev.bmreceipts.core.Timestamp;
import dev.bmreceipts.http.ReceiptEvent;
import dev.bmreceipts.http.journal.Journal;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Journal append throughput with {@code N} writer threads on one file, each appending one
 * receipt's line at a time for a fixed time:
 *
 * <ul>
 *   <li><b>sync</b>: {@code Journal.builder(file).sync(true)}, the {@code serve --journal-sync}
 *       writer, whose concurrent appends share forces (group commit);
 *   <li><b>bare</b>: a bare loop of write + {@link FileChannel#force} per append on the same
 *       disk, with the same threads and the same line, and no grouping: the baseline;
 *   <li><b>nosync</b>: {@code Journal.open(file)}, the plain {@code serve --journal} writer.
 * </ul>
 *
 * <p>A fresh file for every run of a side. Warm-up rounds, then rounds whose order alternates
 * (sync bare nosync / nosync bare sync); prints appends/s per run, the medians and the ratios
 * sync/bare and sync/nosync.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.bmreceipts.bench.JournalSyncBench --dir DIR
 * [--writers N] [--millis N] [--rounds N] [--warmup N]}. Exit 0 when every file holds exactly the
 * appends counted, each line whole; 1 otherwise; 2 on bad options.
 */
public final class JournalSyncBench {
  private static final Usage USAGE = new Usage("JournalSyncBench",
      "--dir DIR [--writers N] [--millis N] [--rounds N] [--warmup N]");
  private static final String[] SIDES = {"sync", "bare", "nosync"};

  private JournalSyncBench() {}

  /** Runs the benchmark; see the class javadoc for the options. */
  public static void main(String[] args) throws Exception {
    Path dir = null;
    int writers = 16;
    int millis = 2000;
    int rounds = 3;
    int warmup = 1;
    for (int i = 0; i < args.length; i += 2) {
      if (i + 1 >= args.length) {
        USAGE.fail("missing value for " + args[i]);
      }
      if (args[i].equals("--dir")) {
        dir = Path.of(args[i + 1]);
        continue;
      }
      int v = USAGE.number(args[i], args[i + 1], args[i].equals("--warmup") ? 0 : 1);
      switch (args[i]) {
        case "--writers" -> writers = v;
        case "--millis" -> millis = v;
        case "--rounds" -> rounds = v;
        case "--warmup" -> warmup = v;
        default -> USAGE.fail("unknown option " + args[i]);
      }
    }
    if (dir == null) {
      USAGE.fail("--dir is required: the journal files go there, on the disk to measure");
    }
    System.exit(run(dir, writers, millis, rounds, warmup) ? 0 : 1);
  }

  static boolean run(Path dir, int writers, int millis, int rounds, int warmup)
      throws Exception {
    Files.createDirectories(dir);
    System.out.printf(Locale.ROOT, "== journal benchmark: %d writer threads, %d ms per run, in %s;"
        + " %d cores%n", writers, millis, dir.toAbsolutePath(),
        Runtime.getRuntime().availableProcessors());
    System.out.printf(Locale.ROOT, "   %d warm-up rounds, then %d rounds alternating the order%n",
        warmup, rounds);
    boolean ok = true;
    for (int w = 0; w < warmup; w++) {
      for (String side : SIDES) {
        ok &= once(dir, side, writers, millis) >= 0;
      }
    }
    double[][] rates = new double[SIDES.length][rounds];
    for (int r = 0; r < rounds; r++) {
      for (int k = 0; k < SIDES.length; k++) {
        int s = r % 2 == 0 ? k : SIDES.length - 1 - k;
        double rate = once(dir, SIDES[s], writers, millis);
        ok &= rate >= 0;
        rates[s][r] = rate;
        System.out.printf(Locale.ROOT, "   round %d %-6s %,10.0f appends/s%n", r + 1, SIDES[s],
            rate);
      }
    }
    double sync = median(rates[0]);
    double bare = median(rates[1]);
    double nosync = median(rates[2]);
    System.out.printf(Locale.ROOT, "== medians: sync %,.0f, bare write+force %,.0f, nosync %,.0f"
        + " appends/s%n", sync, bare, nosync);
    System.out.printf(Locale.ROOT, "   sync/bare    %.2f  (group commit against a force per append)%n",
        sync / bare);
    System.out.printf(Locale.ROOT, "   sync/nosync  %.2f  (the price of stable storage)%n",
        sync / nosync);
    System.out.println(ok ? "OK: every file holds exactly the appends counted, each line whole"
        : "FAILED: see the lines above");
    return ok;
  }

  /** One side for {@code millis}: appends/s, or -1 after printing what went wrong. */
  static double once(Path dir, String side, int writers, int millis) throws Exception {
    Path file = Files.createTempFile(dir, "journal-" + side + "-", ".jsonl");
    LongAdder appends = new LongAdder();
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    long nanos;
    try (Appender appender = appender(side, file)) {
      for (int t = 0; t < writers; t++) {
        int thread = t;
        Thread th = new Thread(() -> {
          try {
            start.await();
            for (int i = 0; !stop.get(); i++) {
              appender.append(thread, i);
              appends.increment();
            }
          } catch (Throwable e) {
            failures.add(e);
          }
        }, "journal-bench-" + t);
        th.start();
        threads.add(th);
      }
      long t0 = System.nanoTime();
      start.countDown();
      Thread.sleep(millis); // the measured run: a fixed time, not a wait for something
      stop.set(true);
      for (Thread th : threads) {
        th.join(TimeUnit.MINUTES.toMillis(1));
      }
      nanos = System.nanoTime() - t0;
    }
    try {
      if (!failures.isEmpty()) {
        System.out.println("   " + side + " failed: " + failures.get(0));
        return -1;
      }
      Journal.Result r = Journal.replay(file, e -> { });
      if (r.receipts() != appends.sum() || r.skipped() != 0) {
        System.out.println("   " + side + ": counted " + appends.sum() + " appends, the file holds "
            + r);
        return -1;
      }
      return appends.sum() * 1e9 / nanos;
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /** One receipt's event, as the webhook gives it to the journal. */
  static ReceiptEvent event(int thread, int i) {
    return new ReceiptEvent(
        Receipt.of(MessageName.of("conv-" + thread, "msg-" + thread + "-" + i), ReceiptType.READ),
        "brands/bench/agents/journal", "conv-" + thread, "custom", Optional.of("req-" + i),
        Timestamp.parse("2024-07-01T10:00:00.123456Z"),
        Timestamp.parse("2024-07-01T10:00:01.123456789Z"));
  }

  private interface Appender extends AutoCloseable {
    void append(int thread, int i) throws IOException;

    @Override
    void close() throws IOException;
  }

  private static Appender appender(String side, Path file) throws IOException {
    switch (side) {
      case "sync":
      case "nosync": {
        Journal.Writer w = Journal.builder(file).sync(side.equals("sync")).open();
        return new Appender() {
          @Override
          public void append(int thread, int i) {
            w.onReceipt(event(thread, i));
          }

          @Override
          public void close() {
            w.close();
          }
        };
      }
      default: {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE,
            StandardOpenOption.APPEND);
        Object lock = new Object();
        return new Appender() {
          @Override
          public void append(int thread, int i) throws IOException {
            // the same line the journal writes, then a force of its own: no grouping
            ByteBuffer line = ByteBuffer.wrap((Journal.line(event(thread, i)) + "\n")
                .getBytes(StandardCharsets.UTF_8));
            synchronized (lock) {
              while (line.hasRemaining()) {
                channel.write(line);
              }
            }
            channel.force(false);
          }

          @Override
          public void close() throws IOException {
            channel.close();
          }
        };
      }
    }
  }

  static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }
}
