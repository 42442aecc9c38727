// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.report;

import dev.bmreceipts.core.Protocol;
import dev.bmreceipts.core.ReceiptType;
import dev.bmreceipts.core.rbm.PhoneNumber;
import dev.bmreceipts.http.metrics.MetricsSnapshot.ConversationUnread;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Exact figures over a whole archive, as {@link ArchiveAnalyser} computes them. Each message is
 * identified by its protocol and its name ({@code conversations/C/messages/M}; for RCS Business
 * Messaging, C is the user's phone number); its DELIVERED time and READ time are the earliest
 * {@code createTime} of each type seen for it, whatever order the lines came in. Every figure
 * covers both protocols; {@link #byProtocol()} splits the main ones by protocol.
 *
 * <p><b>Phone numbers are masked.</b> A conversation id that begins with {@code +} (an RBM user's
 * phone number) appears in this report only as {@link PhoneNumber#masked()} shows a phone:
 * {@code +****} and its last four characters.
 *
 * <p><b>Missing READ means unknown.</b> Users can opt out of READ receipts: {@link #readRate()} is
 * a lower bound and {@link #topUnread()} counts messages with no READ seen.
 *
 * @param inputs the inputs' names, in the order given
 * @param lines lines read, blank and bad ones included
 * @param blankLines blank lines
 * @param badLines lines that are neither a journal line nor a webhook payload
 * @param firstBadLines where the first few bad lines are, in input and line order
 * @param payloadsWithoutReceipts webhook payloads of another kind (messages, typing events)
 * @param outsideWindow receipts left out by {@code since}/{@code until} (with a window, receipts
 *     without a usable {@code createTime} are left out too)
 * @param receiptsByType receipts counted, duplicates included, one entry per {@link ReceiptType}
 * @param receiptsByAgent receipts by agent name, sorted; {@code "(none)"} for no agent
 * @param byProtocol receipts and distinct messages per protocol, one entry per {@link Protocol}
 * @param receiptsWithoutTime receipts whose {@code createTime} is missing or not RFC 3339
 * @param messagesDelivered distinct messages with a DELIVERED receipt
 * @param messagesRead distinct messages with a READ receipt
 * @param messagesDeliveredAndRead distinct messages with both
 * @param readWithoutDelivered distinct messages with a READ but no DELIVERED
 * @param readBeforeDelivered messages whose READ time is before their DELIVERED time (clock skew);
 *     left out of the latency figures
 * @param duplicates DELIVERED and READ receipts beyond the first of their type for their message
 * @param deliveredToRead READ time minus DELIVERED time, over messages with both times and no skew
 * @param latencyBins the same latencies in fixed bins, for a chart
 * @param conversationsWithUnread conversations with at least one message delivered, no READ seen
 * @param topUnread the conversations with the most such messages, most first, then by id (the
 *     whole id, then Business Messages first); ids that begin with {@code +} masked, so two
 *     phones may show alike
 * @param firstReceipt the earliest {@code createTime} counted, empty when none
 * @param lastReceipt the latest {@code createTime} counted, empty when none
 * @param by the series' bucket
 * @param series per bucket of DELIVERED time, oldest first, only buckets with receipts
 * @param since the window's inclusive start, empty when none
 * @param until the window's exclusive end, empty when none
 * @param nameCollisions conversation ids whose 64-bit hash equalled another's (expected 0;
 *     when not, per-conversation figures may merge those conversations)
 */
public record ArchiveReport(
    List<String> inputs,
    long lines,
    long blankLines,
    long badLines,
    List<BadLine> firstBadLines,
    long payloadsWithoutReceipts,
    long outsideWindow,
    Map<ReceiptType, Long> receiptsByType,
    Map<String, Long> receiptsByAgent,
    Map<Protocol, ProtocolFigures> byProtocol,
    long receiptsWithoutTime,
    long messagesDelivered,
    long messagesRead,
    long messagesDeliveredAndRead,
    long readWithoutDelivered,
    long readBeforeDelivered,
    long duplicates,
    Latency deliveredToRead,
    List<Bin> latencyBins,
    long conversationsWithUnread,
    List<ConversationUnread> topUnread,
    Optional<Instant> firstReceipt,
    Optional<Instant> lastReceipt,
    Bucket by,
    List<Row> series,
    Optional<Instant> since,
    Optional<Instant> until,
    long nameCollisions) {

  public ArchiveReport {
    inputs = List.copyOf(inputs);
    firstBadLines = List.copyOf(firstBadLines);
    EnumMap<ReceiptType, Long> types = new EnumMap<>(ReceiptType.class);
    for (ReceiptType t : ReceiptType.values()) {
      types.put(t, receiptsByType.getOrDefault(t, 0L));
    }
    receiptsByType = Collections.unmodifiableMap(types);
    receiptsByAgent = Collections.unmodifiableMap(new TreeMap<>(receiptsByAgent));
    Objects.requireNonNull(byProtocol, "byProtocol cannot be null, use Map.of()");
    EnumMap<Protocol, ProtocolFigures> protocols = new EnumMap<>(Protocol.class);
    for (Protocol p : Protocol.values()) {
      protocols.put(p, byProtocol.getOrDefault(p, ProtocolFigures.NONE));
    }
    byProtocol = Collections.unmodifiableMap(protocols);
    Objects.requireNonNull(deliveredToRead, "deliveredToRead cannot be null");
    latencyBins = List.copyOf(latencyBins);
    topUnread = List.copyOf(topUnread);
    Objects.requireNonNull(firstReceipt, "firstReceipt cannot be null, use Optional.empty()");
    Objects.requireNonNull(lastReceipt, "lastReceipt cannot be null, use Optional.empty()");
    Objects.requireNonNull(by, "by cannot be null");
    series = List.copyOf(series);
    Objects.requireNonNull(since, "since cannot be null, use Optional.empty()");
    Objects.requireNonNull(until, "until cannot be null, use Optional.empty()");
  }

  /**
   * The constructor of the versions before RCS Business Messaging: every receipt and message
   * counted as {@link Protocol#BUSINESS_MESSAGES}.
   */
  public ArchiveReport(List<String> inputs, long lines, long blankLines, long badLines,
      List<BadLine> firstBadLines, long payloadsWithoutReceipts, long outsideWindow,
      Map<ReceiptType, Long> receiptsByType, Map<String, Long> receiptsByAgent,
      long receiptsWithoutTime, long messagesDelivered, long messagesRead,
      long messagesDeliveredAndRead, long readWithoutDelivered, long readBeforeDelivered,
      long duplicates, Latency deliveredToRead, List<Bin> latencyBins,
      long conversationsWithUnread, List<ConversationUnread> topUnread,
      Optional<Instant> firstReceipt, Optional<Instant> lastReceipt, Bucket by, List<Row> series,
      Optional<Instant> since, Optional<Instant> until, long nameCollisions) {
    this(inputs, lines, blankLines, badLines, firstBadLines, payloadsWithoutReceipts,
        outsideWindow, receiptsByType, receiptsByAgent,
        Map.of(Protocol.BUSINESS_MESSAGES, new ProtocolFigures(
            receiptsByType.values().stream().mapToLong(Long::longValue).sum(),
            messagesDelivered, messagesRead, messagesDeliveredAndRead)),
        receiptsWithoutTime, messagesDelivered, messagesRead, messagesDeliveredAndRead,
        readWithoutDelivered, readBeforeDelivered, duplicates, deliveredToRead, latencyBins,
        conversationsWithUnread, topUnread, firstReceipt, lastReceipt, by, series, since, until,
        nameCollisions);
  }

  /** Receipts counted of one type, duplicates included. */
  public long receipts(ReceiptType type) {
    return receiptsByType.get(Objects.requireNonNull(type, "type cannot be null"));
  }

  /** Receipts counted of every type. */
  public long receipts() {
    return receiptsByType.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Receipts counted of one protocol, of every type, duplicates included. */
  public long receipts(Protocol protocol) {
    return byProtocol.get(Objects.requireNonNull(protocol, "protocol cannot be null")).receipts();
  }

  /**
   * Messages delivered and read ÷ messages delivered, {@code NaN} when none was delivered: a
   * <b>lower bound</b>, since users who opted out of READ receipts read without saying so.
   */
  public double readRate() {
    return rate(messagesDeliveredAndRead, messagesDelivered);
  }

  /** Whether the archive gave no receipt at all (empty, all bad, or all outside the window). */
  public boolean empty() {
    return receipts() == 0;
  }

  static double rate(long read, long delivered) {
    return delivered == 0 ? Double.NaN : (double) read / delivered;
  }

  /**
   * One protocol's share of the figures: {@link ArchiveReport}'s figures of the same names over
   * that protocol's receipts alone.
   *
   * @param receipts receipts counted, of every type, duplicates included
   * @param messagesDelivered distinct messages with a DELIVERED receipt
   * @param messagesRead distinct messages with a READ receipt
   * @param messagesDeliveredAndRead distinct messages with both
   */
  public record ProtocolFigures(long receipts, long messagesDelivered, long messagesRead,
      long messagesDeliveredAndRead) {
    static final ProtocolFigures NONE = new ProtocolFigures(0, 0, 0, 0);

    /**
     * {@code messagesDeliveredAndRead / messagesDelivered}, a lower bound; {@code NaN} when none
     * was delivered.
     */
    public double readRate() {
      return rate(messagesDeliveredAndRead, messagesDelivered);
    }
  }

  /** The bucket of a time series. */
  public enum Bucket {
    HOUR, DAY, WEEK
  }

  /**
   * Where a bad line is.
   *
   * @param input the input's name
   * @param line its 1-based line number in that input
   * @param reason why it was skipped; never its content
   */
  public record BadLine(String input, long line, String reason) {
    public BadLine {
      Objects.requireNonNull(input, "input cannot be null");
      Objects.requireNonNull(reason, "reason cannot be null");
    }
  }

  /**
   * Exact latency figures in microseconds; each percentile is the nearest rank (the smallest value
   * with at least that share of values at or below it), as DuckDB's {@code quantile_disc} and
   * BigQuery's {@code PERCENTILE_DISC} define it. All 0 when {@code count} is 0.
   */
  public record Latency(long count, long min, long p50, long p90, long p99, long p999, long max,
      long sum) {
    static final Latency NONE = new Latency(0, 0, 0, 0, 0, 0, 0, 0);

    /** The figures of a sorted range of latencies. */
    static Latency of(long[] sorted, int from, int to) {
      int n = to - from;
      if (n == 0) {
        return NONE;
      }
      long sum = 0;
      for (int i = from; i < to; i++) {
        sum += sorted[i];
      }
      return new Latency(n, sorted[from], rank(sorted, from, n, 500), rank(sorted, from, n, 900),
          rank(sorted, from, n, 990), rank(sorted, from, n, 999), sorted[to - 1], sum);
    }

    private static long rank(long[] sorted, int from, int n, int perMille) {
      return sorted[from + (int) rank(n, perMille) - 1];
    }

    /** The 1-based nearest rank of a per-mille percentile among {@code n} values. */
    static long rank(long n, int perMille) {
      return Math.max(1, (n * perMille + 999) / 1000);
    }
  }

  /**
   * One bin of the latency distribution.
   *
   * @param upTo the bin's exclusive upper bound in microseconds, {@link Long#MAX_VALUE} for the last
   * @param label the bound as text ({@code "< 1m"})
   * @param count latencies in it
   */
  public record Bin(long upTo, String label, long count) {}

  /**
   * One bucket of the time series.
   *
   * @param start the bucket's start (UTC; weeks start on Monday)
   * @param receipts receipts whose {@code createTime} is in the bucket, duplicates included
   * @param delivered messages whose DELIVERED time is in the bucket
   * @param read of those, the ones with a READ
   * @param deliveredToRead their latencies
   */
  public record Row(Instant start, long receipts, long delivered, long read, Latency deliveredToRead) {
    /** {@code read / delivered}, a lower bound; {@code NaN} when none was delivered. */
    public double readRate() {
      return rate(read, delivered);
    }
  }
}
