// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.report;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One worker's counts: everything that adds up (per line, per receipt) plus its
 * {@link MessageTable}. Workers' tallies are merged at the end; nothing here depends on the order
 * lines come in. Not thread-safe: one per worker.
 */
final class Tally implements LineParser.Sink {
  static final int FIRST_BAD = 5;
  private static final long HOUR = 3_600_000_000L;

  final MessageTable table;
  final Names conversations;
  final Names agents;
  long[] agentCounts = new long[64];
  final long[] byType = new long[3];
  /** Receipts by protocol, indexed by {@link LineParser#BM} and {@link LineParser#RBM}. */
  final long[] byProtocol = new long[2];
  final Map<Long, long[]> receiptsByHour = new HashMap<>();
  long blank;
  long noReceipts;
  long outside;
  long noTime;
  long minTime = Long.MAX_VALUE;
  long maxTime = Long.MIN_VALUE;
  private final long since;
  private final long until;
  private final boolean windowed;
  private long lastHour = Long.MIN_VALUE;
  private long[] lastHourCount;
  /** The unit being read. */
  Unit unit;

  Tally(AtomicLong tableBytes, long budget, long since, long until) {
    this.table = new MessageTable(tableBytes, budget);
    this.conversations = new Names(tableBytes, budget);
    this.agents = new Names(tableBytes, budget);
    this.since = since;
    this.until = until;
    this.windowed = since != Long.MIN_VALUE || until != Long.MAX_VALUE;
  }

  @Override
  public void receipt(byte[] b, int agentOff, int agentLen, int convOff, int convLen, int msgOff,
      int msgLen, int type, long micros, int protocol) {
    if (micros == MessageTable.NO_TIME) {
      if (windowed) {
        outside++;
        return;
      }
      noTime++;
    } else {
      if (micros < since || micros >= until) {
        outside++;
        return;
      }
      if (micros < minTime) {
        minTime = micros;
      }
      if (micros > maxTime) {
        maxTime = micros;
      }
      long hour = Math.floorDiv(micros, HOUR);
      if (hour != lastHour) {
        lastHour = hour;
        lastHourCount = receiptsByHour.computeIfAbsent(hour, h -> new long[1]);
      }
      lastHourCount[0]++;
    }
    byType[type]++;
    byProtocol[protocol]++;
    int agent = agents.add(Hashing.hash(b, agentOff, agentLen, 0x6167656E74L), b, agentOff, agentLen);
    if (agent == agentCounts.length) {
      agentCounts = Arrays.copyOf(agentCounts, agent * 2);
    }
    agentCounts[agent]++;
    if (type == LineParser.UNSPECIFIED) {
      return;
    }
    // the protocol is the conversation hash's low bit: a message is its protocol and its name,
    // and the report pass reads each message's protocol back from its slot
    long conv = Hashing.hash(b, convOff, convLen, 0x636F6E76L) & ~1L | protocol;
    long msg = Hashing.hash(b, msgOff, msgLen, 0x6D657373L) | 1;
    if (table.record(conv, msg, type == LineParser.DELIVERED, micros)) {
      conversations.add(conv, b, convOff, convLen);
    }
  }

  @Override
  public void blank() {
    blank++;
  }

  @Override
  public void noReceipts() {
    noReceipts++;
  }

  @Override
  public void bad(String reason) {
    unit.bad(reason);
  }

  /** Adds another worker's counts (not its table, merged shard by shard) to this one. */
  void add(Tally o) {
    for (int t = 0; t < byType.length; t++) {
      byType[t] += o.byType[t];
    }
    for (int p = 0; p < byProtocol.length; p++) {
      byProtocol[p] += o.byProtocol[p];
    }
    int[] map = agents.addAll(o.agents);
    if (agents.size() > agentCounts.length) {
      agentCounts = Arrays.copyOf(agentCounts, agents.size());
    }
    for (int i = 0; i < map.length; i++) {
      agentCounts[map[i]] += o.agentCounts[i];
    }
    conversations.addAll(o.conversations);
    o.receiptsByHour.forEach((h, c) -> receiptsByHour.computeIfAbsent(h, k -> new long[1])[0] += c[0]);
    blank += o.blank;
    noReceipts += o.noReceipts;
    outside += o.outside;
    noTime += o.noTime;
    minTime = Math.min(minTime, o.minTime);
    maxTime = Math.max(maxTime, o.maxTime);
  }

  /** Receipts by agent name. */
  Map<String, Long> agentCounts() {
    Map<String, Long> m = new HashMap<>();
    for (int i = 0; i < agents.size(); i++) {
      String name = agents.string(i);
      m.merge(name.isEmpty() ? "(none)" : name, agentCounts[i], Long::sum);
    }
    return m;
  }

  /**
   * One piece of work: a byte range of a plain file, or a whole gzip file or stream. Its line
   * count and bad lines are kept here, so that line numbers can be made global at the end.
   */
  static final class Unit {
    final int input;
    final long start;
    final long end;
    long lines;
    long bad;
    final List<long[]> firstBad = new ArrayList<>();
    final List<String> firstBadReasons = new ArrayList<>();

    Unit(int input, long start, long end) {
      this.input = input;
      this.start = start;
      this.end = end;
    }

    void bad(String reason) {
      bad++;
      if (firstBad.size() < FIRST_BAD) {
        firstBad.add(new long[] {lines});
        firstBadReasons.add(reason);
      }
    }
  }

  static String utf8(byte[] b, int off, int len) {
    return new String(b, off, len, StandardCharsets.UTF_8);
  }
}
