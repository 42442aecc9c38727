// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.report;

import dev.bmreceipts.core.Protocol;
import dev.bmreceipts.core.ReceiptType;
import dev.bmreceipts.core.rbm.PhoneNumber;
import dev.bmreceipts.http.metrics.MetricsSnapshot.ConversationUnread;
import dev.bmreceipts.http.report.ArchiveReport.Bucket;
import dev.bmreceipts.http.report.ArchiveReport.Latency;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;

/**
 * Exact receipt figures over archives of any order and, within memory, any size: journals written
 * by {@code Journal.Writer}, raw Business Messages webhook payloads and raw RCS Business Messaging
 * Pub/Sub pushes, one per line, mixed freely, plain or gzip. Receipts of both protocols are
 * counted together and apart ({@link ArchiveReport#byProtocol()}). Unlike the live
 * {@code ReceiptMetrics}, which keeps a bounded window, it keeps every distinct message (see
 * {@link ArchiveReport} for what each figure means).
 *
 * <pre>{@code
 * ArchiveReport r = ArchiveAnalyser.builder().by(Bucket.DAY).build()
 *     .analyse(List.of(ArchiveInput.file(Path.of("receipts.jsonl"))));
 * System.out.print(ArchiveFormat.text(r));
 * }</pre>
 *
 * <p><b>How.</b> Plain files are cut into byte ranges at line boundaries, read by {@code threads}
 * workers in parallel (gzip files and streams are one range each). Each worker parses its lines
 * (a byte scanner for journal lines, JSON-P for anything else, see {@code LineParser}) into its
 * own tally and table of messages; at the end the tables are merged shard by shard.
 *
 * <p><b>Memory.</b> About 64 bytes per distinct message at most (a 126-bit hash key and the
 * protocol, earliest DELIVERED and READ times: 32-byte slots at a load of 1/2 to 3/4), plus each
 * conversation's id once per worker: 10 million messages fit in {@code -Xmx1g}. Past
 * {@code memoryBudget} (by default 70 % of the maximum heap) the analysis stops with an
 * {@link ArchiveTooLargeException} rather than drop state and give inexact figures.
 *
 * <p>Instances are immutable and thread-safe; each {@code analyse} call uses its own threads.
 */
public final class ArchiveAnalyser {
  private static final int BUFFER = 1 << 20;
  private static final int MAX_LINE = 16 << 20;
  private static final long[] BIN_BOUNDS = {
    1_000_000L, 5_000_000L, 15_000_000L, 60_000_000L, 300_000_000L, 900_000_000L,
    3_600_000_000L, 4 * 3_600_000_000L, 86_400_000_000L, 7 * 86_400_000_000L, Long.MAX_VALUE};
  private static final String[] BIN_LABELS = {
    "< 1s", "< 5s", "< 15s", "< 1m", "< 5m", "< 15m", "< 1h", "< 4h", "< 1d", "< 7d", "≥ 7d"};

  private final Optional<Instant> since;
  private final Optional<Instant> until;
  private final Bucket by;
  private final int top;
  private final int threads;
  private final long memoryBudget;
  private final long chunk;

  private ArchiveAnalyser(Builder b) {
    this.since = b.since;
    this.until = b.until;
    this.by = b.by;
    this.top = b.top;
    this.threads = b.threads;
    this.memoryBudget = b.memoryBudget;
    this.chunk = b.chunk;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Analyses the inputs; see {@link #analyse(List, ArchiveProgress)}. */
  public ArchiveReport analyse(List<ArchiveInput> inputs) {
    return analyse(inputs, new ArchiveProgress());
  }

  /**
   * Reads every input to its end and computes the report. Bad lines are counted and skipped,
   * never fatal.
   *
   * @param progress updated while it runs, for a caller's progress line
   * @throws ArchiveException when an input cannot be read
   * @throws ArchiveTooLargeException when the distinct messages outgrow the memory budget
   */
  public ArchiveReport analyse(List<ArchiveInput> inputs, ArchiveProgress progress) {
    Objects.requireNonNull(inputs, "inputs cannot be null");
    Objects.requireNonNull(progress, "progress cannot be null");
    List<Tally.Unit> units = units(inputs, progress);
    ConcurrentLinkedQueue<Tally.Unit> queue = new ConcurrentLinkedQueue<>(units);
    long from = since.map(ArchiveAnalyser::micros).orElse(Long.MIN_VALUE);
    long to = until.map(ArchiveAnalyser::micros).orElse(Long.MAX_VALUE);
    AtomicLong tableBytes = new AtomicLong();
    int workers = Math.max(1, Math.min(threads, units.size()));
    ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
      Thread t = new Thread(r, "archive-analyser");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<Tally>> futures = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        futures.add(pool.submit(() -> {
          Tally tally = new Tally(tableBytes, memoryBudget, from, to);
          LineParser parser = new LineParser();
          byte[][] buf = {new byte[BUFFER]};
          Tally.Unit u;
          while ((u = queue.poll()) != null) {
            tally.unit = u;
            read(inputs.get(u.input), u, tally, parser, buf, progress);
          }
          return tally;
        }));
      }
      List<Tally> tallies = new ArrayList<>();
      for (Future<Tally> f : futures) {
        tallies.add(get(f));
      }
      Tally all = tallies.get(0);
      List<Future<?>> merges = new ArrayList<>();
      for (int part = 0; part < workers; part++) {
        int first = part;
        merges.add(pool.submit(() -> {
          for (int s = first; s < MessageTable.SHARDS; s += workers) {
            for (int w = 1; w < tallies.size(); w++) {
              all.table.mergeShard(tallies.get(w).table, s);
            }
          }
        }));
      }
      for (int w = 1; w < tallies.size(); w++) {
        all.add(tallies.get(w));
      }
      for (Future<?> f : merges) {
        get(f);
      }
      tallies.clear(); // the other workers' names and counts, merged: garbage before the report
      return report(inputs, units, all);
    } finally {
      pool.shutdownNow();
    }
  }

  private static <T> T get(Future<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ArchiveException("interrupted", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException) {
        throw (RuntimeException) c;
      }
      if (c instanceof Error) {
        throw (Error) c;
      }
      throw new ArchiveException(c.toString(), c);
    }
  }

  private static long micros(Instant i) {
    return LineParser.micros(dev.bmreceipts.core.Timestamp.of(i));
  }

  private List<Tally.Unit> units(List<ArchiveInput> inputs, ArchiveProgress progress) {
    List<Tally.Unit> units = new ArrayList<>();
    long total = 0;
    for (int i = 0; i < inputs.size(); i++) {
      ArchiveInput in = inputs.get(i);
      if (in.file().isEmpty()) {
        units.add(new Tally.Unit(i, 0, Long.MAX_VALUE));
        total = -1;
        continue;
      }
      Path p = in.file().get();
      long size;
      boolean gzip;
      try (InputStream s = Files.newInputStream(p)) {
        size = Files.size(p);
        gzip = s.read() == 0x1f && s.read() == 0x8b;
      } catch (IOException e) {
        throw new ArchiveException("cannot read " + in.name() + ": " + e.getMessage(), e);
      }
      total = total < 0 ? -1 : total + size;
      if (gzip || size <= chunk) {
        units.add(new Tally.Unit(i, 0, gzip ? -1 : size));
      } else {
        for (long start = 0; start < size; start += chunk) {
          units.add(new Tally.Unit(i, start, Math.min(size, start + chunk)));
        }
      }
    }
    progress.totalBytes.set(total);
    return units;
  }

  /** Reads one unit's lines into the tally. */
  private static void read(ArchiveInput in, Tally.Unit u, Tally tally, LineParser parser,
      byte[][] buf, ArchiveProgress progress) throws IOException {
    try {
      if (in.stream().isPresent()) {
        InputStream s = new BufferedInputStream(in.stream().get(), 2);
        s.mark(2);
        boolean gzip = s.read() == 0x1f && s.read() == 0x8b;
        s.reset();
        lines(gzip ? new GZIPInputStream(s, 1 << 16) : s, null, 0, Long.MAX_VALUE, false, u,
            tally, parser, buf, progress);
      } else if (u.end < 0) {
        try (InputStream f = new Counting(Files.newInputStream(in.file().get()), progress)) {
          lines(new GZIPInputStream(f, 1 << 16), null, 0, Long.MAX_VALUE, false, u, tally,
              parser, buf, progress);
        }
      } else {
        try (FileChannel ch = FileChannel.open(in.file().get(), StandardOpenOption.READ)) {
          boolean skipFirst = false;
          if (u.start > 0) {
            ByteBuffer one = ByteBuffer.allocate(1);
            ch.read(one, u.start - 1);
            skipFirst = one.get(0) != '\n';
          }
          lines(null, ch, u.start, u.end, skipFirst, u, tally, parser, buf, progress);
        }
      }
    } catch (IOException | UncheckedIOException e) {
      throw new ArchiveException("cannot read " + in.name() + ": " + e.getMessage(), e);
    }
  }

  /**
   * The line loop: lines that start in {@code [start, end)} (the last one read to its end past
   * {@code end}); the first, partial one skipped when {@code skipFirst}. Lines longer than
   * {@value #MAX_LINE} bytes are bad lines.
   */
  private static void lines(InputStream s, FileChannel ch, long start, long end,
      boolean skipFirst, Tally.Unit u, Tally tally, LineParser parser, byte[][] bufs,
      ArchiveProgress progress) throws IOException {
    boolean countBytes = !(s instanceof GZIPInputStream);
    byte[] buf = bufs[0];
    long bufPos = start;
    int len = 0;
    int lineStart = 0;
    boolean skipping = skipFirst;
    boolean tooLong = false;
    boolean eof = false;
    long lines = 0;
    while (true) {
      int n;
      if (ch != null) {
        n = ch.read(ByteBuffer.wrap(buf, len, buf.length - len), bufPos + len);
      } else {
        n = s.read(buf, len, buf.length - len);
      }
      if (n < 0) {
        eof = true;
      } else {
        len += n;
      }
      int i = lineStart;
      while (true) {
        int nl = LineParser.newline(buf, i, len);
        if (nl < 0) {
          break;
        }
        if (skipping) {
          skipping = false;
          if (tooLong) {
            tooLong = false;
          }
        } else {
          if (bufPos + lineStart >= end) {
            progress.lines.addAndGet(lines);
            return;
          }
          u.lines++;
          lines++;
          parser.line(buf, lineStart, nl, tally);
        }
        lineStart = nl + 1;
        i = lineStart;
      }
      if (eof) {
        if (lineStart < len && !skipping && bufPos + lineStart < end) {
          u.lines++;
          lines++;
          parser.line(buf, lineStart, len, tally);
        }
        progress.lines.addAndGet(lines);
        return;
      }
      if (lineStart == 0 && len == buf.length) {
        if (buf.length < MAX_LINE) {
          buf = Arrays.copyOf(buf, Math.min(MAX_LINE, buf.length * 2));
          bufs[0] = buf;
          continue;
        }
        // a line longer than MAX_LINE: bad, and skipped to its end
        if (!skipping) {
          if (bufPos >= end) {
            progress.lines.addAndGet(lines);
            return;
          }
          u.lines++;
          lines++;
          u.bad("line longer than " + (MAX_LINE >> 20) + " MiB");
          skipping = true;
          tooLong = true;
        }
        bufPos += len;
        len = 0;
        continue;
      }
      System.arraycopy(buf, lineStart, buf, 0, len - lineStart);
      if (countBytes) {
        progress.bytesRead.addAndGet(lineStart);
      }
      bufPos += lineStart;
      len -= lineStart;
      lineStart = 0;
      if (lines > 65536) {
        progress.lines.addAndGet(lines);
        lines = 0;
      }
    }
  }

  /** Counts the compressed bytes read, for progress. */
  private static final class Counting extends java.io.FilterInputStream {
    private final ArchiveProgress progress;

    Counting(InputStream in, ArchiveProgress progress) {
      super(in);
      this.progress = progress;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        progress.bytesRead.addAndGet(n);
      }
      return n;
    }
  }

  // ---- the report, from the merged tally ----

  private ArchiveReport report(List<ArchiveInput> inputs, List<Tally.Unit> units, Tally all) {
    // pass 1: message counts, unread per conversation, per-bucket counts (delivered, read,
    // latencies) in arrays indexed by bucket, the span of buckets being known from the tally
    long[] c = new long[5];
    // per protocol (the conversation hash's low bit): delivered, read, both
    long[][] p = new long[2][3];
    int[] unread = new int[all.conversations.size()];
    BitSet rbmConversations = new BitSet();
    Buckets rows = new Buckets(all.minTime, all.maxTime);
    all.table.forEach((conv, d, r) -> {
      boolean hasD = d != MessageTable.ABSENT;
      boolean hasR = r != MessageTable.ABSENT;
      c[0] += hasD ? 1 : 0;
      c[1] += hasR ? 1 : 0;
      c[2] += hasD && hasR ? 1 : 0;
      c[3] += hasR && !hasD ? 1 : 0;
      long[] pc = p[(int) conv & 1];
      pc[0] += hasD ? 1 : 0;
      pc[1] += hasR ? 1 : 0;
      pc[2] += hasD && hasR ? 1 : 0;
      if (hasD && !hasR) {
        int ord = all.conversations.find(conv);
        unread[ord]++;
        if ((conv & 1) == LineParser.RBM) {
          rbmConversations.set(ord);
        }
      }
      if (hasD && d != MessageTable.NO_TIME) {
        int row = rows.index(d);
        rows.delivered[row]++;
        if (hasR) {
          rows.read[row]++;
          if (r != MessageTable.NO_TIME) {
            if (r < d) {
              c[4]++;
            } else {
              rows.latencies[row]++;
            }
          }
        }
      }
    });
    for (Map.Entry<Long, long[]> h : all.receiptsByHour.entrySet()) {
      rows.receipts[rows.index(h.getKey() * 3_600_000_000L)] += h.getValue()[0];
    }
    // pass 2: latencies placed in one array per bucket (no single huge array: the heap is
    // full of table shards by now, and a big contiguous allocation is the first to fail)
    long[][] lat = new long[rows.size()][];
    int[] next = new int[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      lat[i] = new long[(int) rows.latencies[i]];
    }
    all.table.forEach((conv, d, r) -> {
      if (d != MessageTable.ABSENT && d != MessageTable.NO_TIME && r != MessageTable.ABSENT
          && r != MessageTable.NO_TIME && r >= d) {
        int i = rows.index(d);
        lat[i][next[i]++] = r - d;
      }
    });
    List<ArchiveReport.Row> series = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      Arrays.sort(lat[i]);
      if (rows.receipts[i] > 0 || rows.delivered[i] > 0) {
        series.add(new ArchiveReport.Row(instant(rows.start(i)), rows.receipts[i],
            rows.delivered[i], rows.read[i], Latency.of(lat[i], 0, lat[i].length)));
      }
    }
    // the whole archive's figures from the sorted buckets: counts below a value, summed over
    // buckets, and binary searches for the ranks; no global sort, no second array
    Segments segments = new Segments(lat);
    Latency latency = segments.latency();
    List<ArchiveReport.Bin> bins = new ArrayList<>();
    long below = 0;
    for (int b = 0; b < BIN_BOUNDS.length; b++) {
      long upTo = b == BIN_BOUNDS.length - 1 ? latency.count() : segments.countBelow(BIN_BOUNDS[b]);
      bins.add(new ArchiveReport.Bin(BIN_BOUNDS[b], BIN_LABELS[b], upTo - below));
      below = upTo;
    }
    Map<ReceiptType, Long> byType = new EnumMap<>(ReceiptType.class);
    for (ReceiptType t : ReceiptType.values()) {
      byType.put(t, all.byType[t.ordinal()]);
    }
    Map<Protocol, ArchiveReport.ProtocolFigures> byProtocol = new EnumMap<>(Protocol.class);
    for (Protocol pr : Protocol.values()) {
      long[] pc = p[pr.ordinal()];
      byProtocol.put(pr, new ArchiveReport.ProtocolFigures(all.byProtocol[pr.ordinal()], pc[0],
          pc[1], pc[2]));
    }
    long duplicates = all.byType[LineParser.DELIVERED] - c[0] + all.byType[LineParser.READ] - c[1];
    long lines = 0;
    long bad = 0;
    List<ArchiveReport.BadLine> firstBad = new ArrayList<>();
    long[] before = new long[inputs.size()];
    for (Tally.Unit u : units) {
      for (int k = 0; k < u.firstBad.size() && firstBad.size() < Tally.FIRST_BAD; k++) {
        firstBad.add(new ArchiveReport.BadLine(inputs.get(u.input).name(),
            before[u.input] + u.firstBad.get(k)[0], u.firstBadReasons.get(k)));
      }
      before[u.input] += u.lines;
      lines += u.lines;
      bad += u.bad;
    }
    List<String> names = new ArrayList<>();
    inputs.forEach(i -> names.add(i.name()));
    return new ArchiveReport(names, lines, all.blank, bad, firstBad, all.noReceipts, all.outside,
        byType, all.agentCounts(), byProtocol, all.noTime, c[0], c[1], c[2], c[3], c[4],
        duplicates, latency, bins, conversationsWithUnread(unread),
        topUnread(unread, rbmConversations, all.conversations),
        all.minTime == Long.MAX_VALUE ? Optional.empty() : Optional.of(instant(all.minTime)),
        all.maxTime == Long.MIN_VALUE ? Optional.empty() : Optional.of(instant(all.maxTime)),
        by, series, since, until, all.conversations.collisions());
  }

  private static long conversationsWithUnread(int[] unread) {
    long n = 0;
    for (int u : unread) {
      n += u > 0 ? 1 : 0;
    }
    return n;
  }

  /**
   * The {@code top} conversations by unread, most first, ties by id in UTF-8 byte order, then
   * Business Messages first (the same id in both protocols is two conversations); each id as
   * {@link #shown} shows it.
   */
  private List<ConversationUnread> topUnread(int[] unread, BitSet rbm, Names conversations) {
    if (top == 0) {
      return List.of();
    }
    // the counts alone, sorted, give the threshold; only conversations at or above it are sorted
    int[] counts = unread.clone();
    Arrays.sort(counts);
    int threshold = Math.max(1, counts.length == 0 ? 1 : counts[Math.max(0, counts.length - top)]);
    List<int[]> candidates = new ArrayList<>();
    for (int ord = 0; ord < unread.length; ord++) {
      if (unread[ord] >= threshold) {
        candidates.add(new int[] {unread[ord], ord});
      }
    }
    candidates.sort((a, b) -> {
      if (a[0] != b[0]) {
        return Integer.compare(b[0], a[0]);
      }
      int byId = conversations.compare(a[1], b[1]);
      return byId != 0 ? byId : Boolean.compare(rbm.get(a[1]), rbm.get(b[1]));
    });
    List<ConversationUnread> out = new ArrayList<>();
    for (int k = 0; k < Math.min(top, candidates.size()); k++) {
      int[] e = candidates.get(k);
      out.add(new ConversationUnread(shown(conversations.string(e[1])), e[0]));
    }
    return out;
  }

  /**
   * A conversation id as a report shows it: one that begins with {@code +} (an RBM user's phone
   * number) masked by {@link PhoneNumber#masked()}'s rule, {@code +****} then its last four
   * characters (for an id that is no valid E.164 number too, so that none is ever printed
   * whole); any other id as it is.
   */
  static String shown(String conversationId) {
    if (conversationId.isEmpty() || conversationId.charAt(0) != '+') {
      return conversationId;
    }
    int after = conversationId.codePointCount(1, conversationId.length());
    return "+****" + conversationId.substring(conversationId.offsetByCodePoints(1,
        Math.max(0, after - PhoneNumber.SHOWN_DIGITS)));
  }

  /** Latencies in sorted arrays (one per bucket), read as one sorted whole. */
  private static final class Segments {
    private final long[][] values;

    Segments(long[][] values) {
      this.values = values;
    }

    /** Values strictly below {@code v}. */
    long countBelow(long v) {
      long n = 0;
      for (long[] a : values) {
        int lo = 0;
        int hi = a.length;
        while (lo < hi) {
          int mid = (lo + hi) >>> 1;
          if (a[mid] < v) {
            lo = mid + 1;
          } else {
            hi = mid;
          }
        }
        n += lo;
      }
      return n;
    }

    /** The smallest value with at least {@code rank} values at or below it. */
    long atRank(long rank, long min, long max) {
      long lo = min;
      long hi = max;
      while (lo < hi) {
        long mid = lo + ((hi - lo) >>> 1);
        if (countBelow(mid + 1) >= rank) {
          hi = mid;
        } else {
          lo = mid + 1;
        }
      }
      return lo;
    }

    Latency latency() {
      long n = 0;
      long min = Long.MAX_VALUE;
      long max = Long.MIN_VALUE;
      long sum = 0;
      for (long[] a : values) {
        if (a.length > 0) {
          n += a.length;
          min = Math.min(min, a[0]);
          max = Math.max(max, a[a.length - 1]);
          for (long v : a) {
            sum += v;
          }
        }
      }
      if (n == 0) {
        return Latency.NONE;
      }
      return new Latency(n, min, atRank(Latency.rank(n, 500), min, max),
          atRank(Latency.rank(n, 900), min, max), atRank(Latency.rank(n, 990), min, max),
          atRank(Latency.rank(n, 999), min, max), max, sum);
    }
  }

  private static Instant instant(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
        Math.floorMod(micros, 1_000_000L) * 1000);
  }

  /**
   * Per-bucket counts in arrays: buckets from the earliest to the latest receipt time. Archives
   * whose times span more than {@value #MAX_BUCKETS} buckets (bogus far-off timestamps with
   * {@code --by hour}) fail rather than allocate without bound.
   */
  private final class Buckets {
    static final int MAX_BUCKETS = 1 << 22;
    final long first;
    final long[] receipts;
    final long[] delivered;
    final long[] read;
    final long[] latencies;

    Buckets(long minTime, long maxTime) {
      first = minTime > maxTime ? 0 : bucket(minTime);
      long n = minTime > maxTime ? 0 : ordinal(bucket(maxTime)) + 1;
      if (n > MAX_BUCKETS) {
        throw new ArchiveException("receipt times span more than " + MAX_BUCKETS + " "
            + by.name().toLowerCase(java.util.Locale.ROOT) + "s: use a larger --by bucket or"
            + " --since/--until");
      }
      receipts = new long[(int) n];
      delivered = new long[(int) n];
      read = new long[(int) n];
      latencies = new long[(int) n];
    }

    private long ordinal(long bucketStart) {
      return (bucketStart - first) / bucketMicros();
    }

    int index(long micros) {
      return (int) ordinal(bucket(micros));
    }

    long start(int index) {
      return first + index * bucketMicros();
    }

    int size() {
      return receipts.length;
    }

  }

  private long bucketMicros() {
    switch (by) {
      case HOUR:
        return 3_600_000_000L;
      case DAY:
        return 86_400_000_000L;
      default:
        return 7 * 86_400_000_000L;
    }
  }

  private long bucket(long micros) {
    long day = Math.floorDiv(micros, 86_400_000_000L);
    switch (by) {
      case HOUR:
        return Math.floorDiv(micros, 3_600_000_000L) * 3_600_000_000L;
      case DAY:
        return day * 86_400_000_000L;
      default:
        // 1970-01-01 was a Thursday: weeks start on the Monday three days before
        return (Math.floorDiv(day + 3, 7) * 7 - 3) * 86_400_000_000L;
    }
  }

  /** Configures an {@link ArchiveAnalyser}. */
  public static final class Builder {
    private Optional<Instant> since = Optional.empty();
    private Optional<Instant> until = Optional.empty();
    private Bucket by = Bucket.DAY;
    private int top = 10;
    private int threads = Runtime.getRuntime().availableProcessors();
    private long memoryBudget = (long) (Runtime.getRuntime().maxMemory() * 0.7);
    /** 16 MiB: enough ranges for two workers to finish together, few enough to cost nothing. */
    private long chunk = 16L << 20;

    private Builder() {}

    /** Counts only receipts created at or after this time; default none. */
    public Builder since(Instant since) {
      this.since = Optional.of(Objects.requireNonNull(since, "since cannot be null"));
      return this;
    }

    /** Counts only receipts created before this time; default none. */
    public Builder until(Instant until) {
      this.until = Optional.of(Objects.requireNonNull(until, "until cannot be null"));
      return this;
    }

    /** The time series' bucket; default {@link Bucket#DAY}. */
    public Builder by(Bucket by) {
      this.by = Objects.requireNonNull(by, "by cannot be null");
      return this;
    }

    /** How many conversations the top-unread list holds, 0 to 10,000; default 10. */
    public Builder top(int top) {
      if (top < 0 || top > 10_000) {
        throw new IllegalArgumentException("top must be 0 to 10000");
      }
      this.top = top;
      return this;
    }

    /** Worker threads, 1 to 256; default the available processors. */
    public Builder threads(int threads) {
      if (threads < 1 || threads > 256) {
        throw new IllegalArgumentException("threads must be 1 to 256");
      }
      this.threads = threads;
      return this;
    }

    /**
     * The most bytes the per-message tables may hold (about 64 per message); default 70 % of the
     * maximum heap. Past it, {@link ArchiveTooLargeException}.
     */
    public Builder memoryBudget(long bytes) {
      if (bytes < 1 << 20) {
        throw new IllegalArgumentException("memoryBudget must be at least 1 MiB");
      }
      this.memoryBudget = bytes;
      return this;
    }

    /** The byte ranges plain files are cut into; small ones let tests cross many boundaries. */
    Builder chunkBytes(long bytes) {
      this.chunk = bytes;
      return this;
    }

    public ArchiveAnalyser build() {
      if (since.isPresent() && until.isPresent() && !since.get().isBefore(until.get())) {
        throw new IllegalArgumentException("since must be before until");
      }
      return new ArchiveAnalyser(this);
    }
  }
}
