// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Writes a seeded, realistic receipt journal for {@code bench/report.sh}: 20 agents, one
 * conversation per 7.9 messages (190,000 for 1.5 M messages), every message DELIVERED, 70 % READ
 * after a log-normal latency (median 60 s, sigma 1.6), plus Google's redeliveries (0.3 % of
 * DELIVERED and 0.2 % of READ lines again), 0.2 % of messages whose DELIVERED is missing and 0.1 %
 * of READs stamped before their DELIVERED (clock skew). Lines are in {@code createTime} order, as
 * the webhook writes them, over 60 days from 2024-01-01; about 2.55 M lines and 690 MB for
 * 1.5 M messages. The same seed always gives the same bytes.
 *
 * <pre>java -cp benchmarks.jar dev.bmreceipts.bench.ArchiveGenerator --messages 1500000 --out a.jsonl [--seed 17]</pre>
 */
public final class ArchiveGenerator {
  private static final long START = Instant.parse("2024-01-01T00:00:00Z").getEpochSecond() * 1_000_000L;
  private static final long SPAN = 60L * 86_400_000_000L;

  private ArchiveGenerator() {}

  public static void main(String[] args) throws IOException {
    Usage usage = new Usage("ArchiveGenerator", "--messages N --out FILE [--seed S]");
    int messages = 1_500_000;
    long seed = 17;
    Path out = null;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--messages":
          messages = usage.number("--messages", args[i + 1], 1);
          break;
        case "--seed":
          seed = usage.number("--seed", args[i + 1], 0);
          break;
        case "--out":
          out = Path.of(args[i + 1]);
          break;
        default:
          usage.fail("unknown option " + args[i]);
      }
    }
    if (out == null || args.length % 2 != 0) {
      usage.fail("--out is required");
    }
    long lines = write(messages, seed, out);
    System.out.println(out + ": " + messages + " messages, " + lines + " lines, "
        + Files.size(out) + " bytes");
  }

  /** Writes the archive and returns its line count. */
  static long write(int messages, long seed, Path out) throws IOException {
    SplittableRandom rnd = new SplittableRandom(seed);
    int conversationCount = Math.max(1, (int) Math.round(messages * (190_000 / 1_500_000.0)));
    String[] agents = new String[20];
    for (int a = 0; a < agents.length; a++) {
      agents[a] = "brands/" + hex(rnd.nextLong()).substring(0, 8) + "/agents/" + hex(rnd.nextLong());
    }
    String[] conversations = new String[conversationCount];
    for (int c = 0; c < conversationCount; c++) {
      conversations[c] = hex(rnd.nextLong());
    }
    // events: (time, message, type); at most 2.01 per message
    int cap = (int) (messages * 2.02) + 16;
    long[] time = new long[cap];
    int[] message = new int[cap];
    byte[] type = new byte[cap];
    int[] conversationOf = new int[messages];
    int n = 0;
    for (int m = 0; m < messages; m++) {
      conversationOf[m] = rnd.nextInt(conversationCount);
      long delivered = START + (long) (rnd.nextDouble() * SPAN);
      boolean missing = rnd.nextDouble() < 0.002;
      if (!missing) {
        n = add(time, message, type, n, delivered, m, (byte) 0);
        if (rnd.nextDouble() < 0.003) {
          n = add(time, message, type, n, delivered + 1_000_000L + rnd.nextInt(60_000_000), m,
              (byte) 0);
        }
      }
      if (rnd.nextDouble() < 0.7) {
        long read;
        if (rnd.nextDouble() < 0.001) {
          read = delivered - 1 - rnd.nextInt(5_000_000);
        } else {
          double seconds = Math.exp(Math.log(60) + 1.6 * gaussian(rnd));
          read = delivered + (long) (seconds * 1_000_000L);
        }
        n = add(time, message, type, n, read, m, (byte) 1);
        if (rnd.nextDouble() < 0.002) {
          n = add(time, message, type, n, read + 1_000_000L + rnd.nextInt(60_000_000), m,
              (byte) 1);
        }
      }
    }
    // createTime order, ties by event index: sort the event indexes by a packed key
    long[] order = new long[n];
    for (int e = 0; e < n; e++) {
      order[e] = e;
    }
    long[] keys = Arrays.copyOf(time, n);
    sortBy(keys, order);
    StringBuilder sb = new StringBuilder(512);
    try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(out), 1 << 20)) {
      for (int k = 0; k < n; k++) {
        int e = (int) order[k];
        int m = message[e];
        int c = conversationOf[m];
        String conv = conversations[c];
        String id = messageId(seed, m);
        String created = format(time[e]);
        sb.setLength(0);
        sb.append("{\"agent\":\"").append(agents[c % agents.length])
            .append("\",\"conversationId\":\"").append(conv)
            .append("\",\"customAgentId\":\"agent-").append(c % agents.length)
            .append("\",\"messageId\":\"").append(id)
            .append("\",\"message\":\"conversations/").append(conv).append("/messages/").append(id)
            .append("\",\"receiptType\":\"").append(type[e] == 0 ? "DELIVERED" : "READ")
            .append("\",\"createTime\":\"").append(created)
            .append("\",\"sendTime\":\"").append(format(time[e] + 250_000L)).append("\"}\n");
        os.write(sb.toString().getBytes(StandardCharsets.US_ASCII));
      }
    }
    return n;
  }

  private static int add(long[] time, int[] message, byte[] type, int n, long t, int m, byte ty) {
    time[n] = t;
    message[n] = m;
    type[n] = ty;
    return n + 1;
  }

  /** Sorts {@code order} by {@code keys} (both permuted together), ties kept by index. */
  private static void sortBy(long[] keys, long[] order) {
    // keys fit in 40 bits of microseconds past START once shifted; pack key and index
    long min = Long.MAX_VALUE;
    for (long k : keys) {
      min = Math.min(min, k);
    }
    long[] packed = new long[keys.length];
    for (int i = 0; i < keys.length; i++) {
      long ms = (keys[i] - min) / 1000;
      if (ms >= 1L << 38) {
        ms = (1L << 38) - 1;
      }
      packed[i] = ms << 25 | order[i];
    }
    Arrays.parallelSort(packed);
    for (int i = 0; i < packed.length; i++) {
      order[i] = packed[i] & ((1L << 25) - 1);
    }
  }

  private static double gaussian(SplittableRandom rnd) {
    double u = 1 - rnd.nextDouble();
    double v = rnd.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Sixteen hex digits. */
  private static String hex(long v) {
    String s = Long.toHexString(v);
    return "0".repeat(16 - s.length()) + s;
  }

  /** A message's id, from the seed and its index alone: twelve hex digits. */
  private static String messageId(long seed, int m) {
    return hex(new SplittableRandom(seed * 0x9E3779B97F4A7C15L + m).nextLong()).substring(4);
  }

  /** {@code yyyy-MM-ddTHH:mm:ss.ffffffZ}. */
  private static String format(long micros) {
    Instant i = Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
        Math.floorMod(micros, 1_000_000L) * 1000);
    String s = i.toString();
    // Instant.toString drops trailing zero groups: always print six digits
    int dot = s.indexOf('.');
    String base = dot < 0 ? s.substring(0, s.length() - 1) : s.substring(0, dot);
    return base + String.format(".%06dZ", Math.floorMod(micros, 1_000_000L));
  }
}
