// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bmreceipts.core.MessageName;
import dev.bmreceipts.core.Protocol;
import dev.bmreceipts.core.Receipt;
import dev.bmreceipts.core.ReceiptType;
import dev.bmreceipts.core.Timestamp;
import dev.bmreceipts.core.rbm.PhoneNumber;
import dev.bmreceipts.core.rbm.RbmEnvelope;
import dev.bmreceipts.core.rbm.RbmEventType;
import dev.bmreceipts.core.rbm.RbmUserEvent;
import dev.bmreceipts.http.ReceiptEvent;
import dev.bmreceipts.http.journal.Journal;
import dev.bmreceipts.http.metrics.MetricsSnapshot.ConversationUnread;
import dev.bmreceipts.http.report.ArchiveReport.BadLine;
import dev.bmreceipts.http.report.ArchiveReport.Latency;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exact figures: hand-built answers, and a plain reference model on seeded archives. */
class ArchiveAnalyserTest {
  private static final long T0 = Instant.parse("2024-05-01T10:00:00Z").getEpochSecond() * 1_000_000L;

  @TempDir Path dir;

  static String line(String agent, String conv, String msg, String type, long micros) {
    Instant t = Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
        Math.floorMod(micros, 1_000_000L) * 1000);
    return Journal.line(new ReceiptEvent(
        new Receipt(MessageName.of(conv, msg), ReceiptType.fromWire(type), type), agent, conv, "",
        Optional.empty(), Timestamp.of(t), Timestamp.of(t)));
  }

  private static Timestamp time(long micros) {
    return Timestamp.of(Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
        Math.floorMod(micros, 1_000_000L) * 1000));
  }

  /** The journal line an RBM webhook writes for a DELIVERED or READ event sent at {@code micros}. */
  static String rbmLine(String agent, String phone, String msg, String type, long micros) {
    return Journal.line(ReceiptEvent.of(
        new RbmEnvelope(Map.of(), new byte[0], "", time(micros + 1_000_000), ""),
        new RbmUserEvent(PhoneNumber.of(phone), RbmEventType.fromWire(type), type,
            "ev-" + msg + "-" + type, msg, time(micros), agent)));
  }

  /** A raw RBM push of a user event sent at {@code micros}, as the webhook received it. */
  static String push(String agent, String phone, String msg, String type, long micros) {
    return pushData("{\"senderPhoneNumber\":\"" + phone + "\",\"eventType\":\"" + type
        + "\",\"eventId\":\"ev-" + msg + "-" + type + "\""
        + (msg.isEmpty() ? "" : ",\"messageId\":\"" + msg + "\"")
        + ",\"sendTime\":\"" + time(micros).raw() + "\",\"agentId\":\"" + agent + "\"}");
  }

  /** A raw RBM push whose decoded {@code message.data} is {@code data}. */
  static String pushData(String data) {
    return "{\"message\":{\"attributes\":{},\"data\":\"" + Base64.getEncoder().encodeToString(
        data.getBytes(StandardCharsets.UTF_8)) + "\",\"messageId\":\"1\",\"message_id\":\"1\","
        + "\"publishTime\":\"2024-05-01T12:00:00Z\",\"publish_time\":\"2024-05-01T12:00:00Z\"},"
        + "\"subscription\":\"projects/p/subscriptions/s\"}";
  }

  static String payload(String agent, String conv, long micros, String... msgAndType) {
    StringBuilder sb = new StringBuilder("{\"agent\":\"" + agent + "\",\"conversationId\":\"" + conv
        + "\",\"requestId\":\"r" + micros + "\",\"sendTime\":\"2024-05-01T12:00:00Z\","
        + "\"receipts\":{\"receipts\":[");
    for (int i = 0; i < msgAndType.length; i += 2) {
      sb.append(i == 0 ? "" : ",").append("{\"message\":\"conversations/").append(conv)
          .append("/messages/").append(msgAndType[i]).append("\",\"receiptType\":\"")
          .append(msgAndType[i + 1]).append("\"}");
    }
    return sb.append("],\"createTime\":\"").append(Timestamp.of(Instant.ofEpochSecond(
        micros / 1_000_000L, micros % 1_000_000L * 1000)).raw()).append("\"}}").toString();
  }

  private Path write(String name, List<String> lines) throws Exception {
    Path p = dir.resolve(name);
    Files.write(p, lines, StandardCharsets.UTF_8);
    return p;
  }

  private static ArchiveReport analyse(ArchiveAnalyser.Builder b, Path... files) {
    List<ArchiveInput> in = new ArrayList<>();
    for (Path f : files) {
      in.add(ArchiveInput.file(f));
    }
    return b.build().analyse(in);
  }

  @Test
  void handBuiltArchiveGivesItsKnownAnswers() throws Exception {
    String a = "brands/b/agents/a";
    String b = "brands/b/agents/b";
    Path f = write("j.jsonl", List.of(
        line(a, "c1", "m1", "DELIVERED", T0),
        line(a, "c1", "m1", "READ", T0 + 30_000_000),
        line(a, "c1", "m1", "READ", T0 + 40_000_000),            // duplicate READ
        line(a, "c1", "m2", "DELIVERED", T0 + 1_000_000),
        line(b, "c2", "m3", "DELIVERED", T0 + 2_000_000),
        line(b, "c2", "m3", "DELIVERED", T0 + 2_500_000),        // duplicate DELIVERED
        line(b, "c2", "m4", "READ", T0 + 5_000_000),             // READ, no DELIVERED
        line(b, "c3", "m5", "READ", T0 + 9_000_000),             // READ before its DELIVERED
        line(b, "c3", "m5", "DELIVERED", T0 + 10_000_000),
        line(b, "c3", "m6", "DELIVERED", T0 + 11_000_000),
        line(b, "c3", "m7", "DELIVERED", T0 + 12_000_000),
        line(a, "c4", "m8", "RECEIPT_TYPE_UNSPECIFIED", T0),
        "",
        "not json",
        payload(a, "c4", T0 + 100_000_000, "m9", "DELIVERED", "m10", "READ"),
        "{\"message\":{\"name\":\"conversations/c4/messages/u1\",\"text\":\"hi\"},\"conversationId\":\"c4\"}",
        line(a, "c4", "m9", "READ", T0 + 160_000_000)));
    ArchiveReport r = analyse(ArchiveAnalyser.builder(), f);
    assertEquals(17, r.lines());
    assertEquals(1, r.blankLines());
    assertEquals(1, r.badLines());
    assertEquals(List.of(new BadLine(f.toString(), 14, "not a JSON object")), r.firstBadLines());
    assertEquals(1, r.payloadsWithoutReceipts());
    assertEquals(Map.of(ReceiptType.RECEIPT_TYPE_UNSPECIFIED, 1L, ReceiptType.DELIVERED, 8L,
        ReceiptType.READ, 6L), r.receiptsByType());
    assertEquals(Map.of(a, 8L, b, 7L), r.receiptsByAgent());
    assertEquals(7, r.messagesDelivered());        // m1 m2 m3 m5 m6 m7 m9
    assertEquals(5, r.messagesRead());             // m1 m4 m5 m9 m10
    assertEquals(3, r.messagesDeliveredAndRead()); // m1 m5 m9
    assertEquals(2, r.readWithoutDelivered());     // m4 m10
    assertEquals(1, r.readBeforeDelivered());      // m5
    assertEquals(2, r.duplicates());               // m3 DELIVERED, m1 READ
    // m1: 30 s (the earliest READ), m9: 60 s; m5 is skewed and left out
    assertEquals(new Latency(2, 30_000_000, 30_000_000, 60_000_000, 60_000_000, 60_000_000,
        60_000_000, 90_000_000), r.deliveredToRead());
    assertEquals(3, r.conversationsWithUnread());  // m2 in c1, m3 in c2, m6 m7 in c3
    assertEquals(List.of(new ConversationUnread("c3", 2), new ConversationUnread("c1", 1),
        new ConversationUnread("c2", 1)), r.topUnread());
    assertEquals(Optional.of(Instant.parse("2024-05-01T10:00:00Z")), r.firstReceipt());
    assertEquals(Optional.of(Instant.parse("2024-05-01T10:02:40Z")), r.lastReceipt());
    assertEquals(1, r.series().size());
    assertEquals(15, r.series().get(0).receipts());
  }

  @Test
  void aMixedArchiveCountsBothProtocolsTogetherAndApartWithPhonesMasked() throws Exception {
    String bm = "brands/b/agents/a";
    String rbm = "agent-1";
    String alice = "+15551234567";
    String bob = "+447700900123";
    Path f = write("mixed.jsonl", List.of(
        line(bm, "c1", "m1", "DELIVERED", T0),
        line(bm, "c1", "m1", "READ", T0 + 10_000_000),
        line(bm, "c1", "m2", "DELIVERED", T0 + 1_000_000),
        rbmLine(rbm, alice, "r1", "DELIVERED", T0 + 2_000_000),
        rbmLine(rbm, alice, "r1", "READ", T0 + 22_000_000),
        rbmLine(rbm, alice, "r2", "DELIVERED", T0 + 3_000_000),
        rbmLine(rbm, alice, "r3", "DELIVERED", T0 + 4_000_000),
        // the archived push of a journaled event: the same receipt again, a duplicate
        push(rbm, alice, "r1", "DELIVERED", T0 + 2_000_000),
        // a raw push alone, and pushes of other kinds and a bad one
        push(rbm, bob, "r4", "DELIVERED", T0 + 5_000_000),
        push(rbm, bob, "", "IS_TYPING", T0 + 6_000_000),
        pushData("{\"senderPhoneNumber\":\"" + bob + "\",\"messageId\":\"u1\",\"text\":\"hi\"}"),
        pushData("{\"senderPhoneNumber\":\"" + bob + "\",\"eventType\":\"READ\"}"),
        // an RBM conversation id the same as a Business Messages one: a conversation of its own
        "{\"receiptType\":\"DELIVERED\",\"message\":\"conversations/c1/messages/m2\","
            + "\"createTime\":\"2024-05-01T10:00:07Z\",\"protocol\":\"rbm\"}",
        "{\"receiptType\":\"READ\",\"message\":\"conversations/c1/messages/m2\","
            + "\"protocol\":\"sms\"}"));
    ArchiveReport r = analyse(ArchiveAnalyser.builder(), f);
    assertEquals(14, r.lines());
    assertEquals(2, r.badLines());
    assertEquals(List.of(
        new BadLine(f.toString(), 12, "not a journal line, nor an RBM push:"
            + " message.data.eventId: missing"),
        new BadLine(f.toString(), 14, "protocol is not bm or rbm")), r.firstBadLines());
    assertEquals(2, r.payloadsWithoutReceipts());
    assertEquals(Map.of(ReceiptType.RECEIPT_TYPE_UNSPECIFIED, 0L, ReceiptType.DELIVERED, 8L,
        ReceiptType.READ, 2L), r.receiptsByType());
    assertEquals(Map.of(bm, 3L, rbm, 6L, "(none)", 1L), r.receiptsByAgent());
    assertEquals(Map.of(
            Protocol.BUSINESS_MESSAGES, new ArchiveReport.ProtocolFigures(3, 2, 1, 1),
            Protocol.RBM, new ArchiveReport.ProtocolFigures(7, 5, 1, 1)),
        r.byProtocol());
    assertEquals(3, r.receipts(Protocol.BUSINESS_MESSAGES));
    assertEquals(7, r.receipts(Protocol.RBM));
    assertEquals(0.2, r.byProtocol().get(Protocol.RBM).readRate());
    assertEquals(7, r.messagesDelivered());
    assertEquals(2, r.messagesRead());
    assertEquals(1, r.duplicates());
    // m1 after 10 s, r1 after 20 s
    assertEquals(2, r.deliveredToRead().count());
    assertEquals(20_000_000, r.deliveredToRead().max());
    // c1 in each protocol, then the phones, masked
    assertEquals(4, r.conversationsWithUnread());
    assertEquals(List.of(new ConversationUnread("+****4567", 2),
        new ConversationUnread("+****0123", 1), new ConversationUnread("c1", 1),
        new ConversationUnread("c1", 1)), r.topUnread());
    for (String out : List.of(ArchiveFormat.text(r), ArchiveFormat.json(r), ArchiveFormat.html(r),
        ArchiveFormat.csv(r))) {
      assertFalse(out.contains("5551234567") || out.contains("7700900123"), out);
    }
  }

  @Test
  void reportsShowAConversationIdThatBeginsWithPlusMaskedAsPhoneNumberDoes() {
    for (String phone : List.of("+15551234567", "+447700900123", "+12345678")) {
      assertEquals(PhoneNumber.of(phone).masked(), ArchiveAnalyser.shown(phone));
    }
    assertEquals("+****1234", ArchiveAnalyser.shown("+not a phone 1234"));
    assertEquals("+****12", ArchiveAnalyser.shown("+12"));
    assertEquals("+****", ArchiveAnalyser.shown("+"));
    assertEquals("+****\ud83d\ude00bcd", ArchiveAnalyser.shown("+a\ud83d\ude00bcd"));
    assertEquals("c+15551234567", ArchiveAnalyser.shown("c+15551234567"));
    assertEquals("", ArchiveAnalyser.shown(""));
  }

  @Test
  void theConstructorOfEarlierVersionsCountsEveryReceiptAsBusinessMessages() throws Exception {
    ArchiveReport r = analyse(ArchiveAnalyser.builder(), write("bm.jsonl", List.of(
        line("a", "c", "m1", "DELIVERED", T0), line("a", "c", "m1", "READ", T0 + 1))));
    ArchiveReport old = new ArchiveReport(r.inputs(), r.lines(), r.blankLines(), r.badLines(),
        r.firstBadLines(), r.payloadsWithoutReceipts(), r.outsideWindow(), r.receiptsByType(),
        r.receiptsByAgent(), r.receiptsWithoutTime(), r.messagesDelivered(), r.messagesRead(),
        r.messagesDeliveredAndRead(), r.readWithoutDelivered(), r.readBeforeDelivered(),
        r.duplicates(), r.deliveredToRead(), r.latencyBins(), r.conversationsWithUnread(),
        r.topUnread(), r.firstReceipt(), r.lastReceipt(), r.by(), r.series(), r.since(),
        r.until(), r.nameCollisions());
    assertEquals(r, old);
    assertEquals(new ArchiveReport.ProtocolFigures(0, 0, 0, 0), old.byProtocol().get(Protocol.RBM));
  }

  /** One receipt of a seeded archive, and how the reference model sees it. */
  private record Event(String agent, String conv, String msg, String type, long micros,
      boolean rbm) {
    Event(String agent, String conv, String msg, String type, long micros) {
      this(agent, conv, msg, type, micros, conv.startsWith("+"));
    }

    /** The archive line: journal lines mostly, one in ten a raw payload or push. */
    String line(Random rnd) {
      boolean raw = rnd.nextInt(10) == 0;
      if (rbm) {
        return raw ? push(agent, conv, msg, type, micros) : rbmLine(agent, conv, msg, type, micros);
      }
      return raw ? payload(agent, conv, micros, msg, type)
          : ArchiveAnalyserTest.line(agent, conv, msg, type, micros);
    }
  }

  /** Messages in conversations of both protocols: one in four is an RBM user's, by phone. */
  private static List<Event> events(Random rnd, int messages, int conversations) {
    List<Event> e = new ArrayList<>();
    for (int m = 0; m < messages; m++) {
      int k = rnd.nextInt(conversations);
      boolean rbm = k % 4 == 0;
      String conv = rbm ? String.format("+1555%07d", k) : "c" + k;
      String agent = rbm ? "agent-" + rnd.nextInt(3) : "brands/b/agents/a" + rnd.nextInt(5);
      long d = T0 + (long) rnd.nextInt(3 * 86_400) * 1_000_000L + rnd.nextInt(1_000_000);
      if (rnd.nextInt(20) != 0) {
        e.add(new Event(agent, conv, "m" + m, "DELIVERED", d));
        if (rnd.nextInt(30) == 0) {
          e.add(new Event(agent, conv, "m" + m, "DELIVERED", d + rnd.nextInt(5_000_000)));
        }
      }
      if (rnd.nextInt(10) < 7) {
        long r = rnd.nextInt(25) == 0 ? d - 1 - rnd.nextInt(3_000_000)
            : d + (long) Math.exp(rnd.nextGaussian() * 2 + 10) * 1000;
        e.add(new Event(agent, conv, "m" + m, "READ", r));
        if (rnd.nextInt(30) == 0) {
          e.add(new Event(agent, conv, "m" + m, "READ", r + rnd.nextInt(5_000_000)));
        }
      }
      // an RBM receipt is a DELIVERED or a READ event, never of another type
      if (rnd.nextInt(100) == 0 && !rbm) {
        e.add(new Event(agent, conv, "m" + m, "RECEIPT_TYPE_UNSPECIFIED", d));
      }
    }
    return e;
  }

  /** The figures computed the plain way: maps, sorted lists. */
  private static void assertMatchesReference(List<Event> events, ArchiveReport r, int top) {
    Map<ReceiptType, Long> types = new HashMap<>();
    Map<String, Long> agents = new TreeMap<>();
    Map<String, long[]> byMessage = new HashMap<>(); // d, r (Long.MAX_VALUE: none)
    Map<String, String> convOf = new HashMap<>();
    long[] receiptsOf = new long[2];
    for (Event e : events) {
      types.merge(ReceiptType.fromWire(e.type()), 1L, Long::sum);
      agents.merge(e.agent(), 1L, Long::sum);
      receiptsOf[e.rbm() ? 1 : 0]++;
      if (e.type().equals("RECEIPT_TYPE_UNSPECIFIED")) {
        continue;
      }
      // a message is its protocol and its name; so is a conversation
      String key = (e.rbm() ? "rbm " : "bm ") + e.conv() + "/" + e.msg();
      convOf.put(key, (e.rbm() ? "rbm " : "bm ") + e.conv());
      long[] t = byMessage.computeIfAbsent(key, k -> new long[] {Long.MAX_VALUE, Long.MAX_VALUE});
      int i = e.type().equals("DELIVERED") ? 0 : 1;
      t[i] = Math.min(t[i], e.micros());
    }
    long delivered = 0;
    long read = 0;
    long both = 0;
    long readOnly = 0;
    long skew = 0;
    long[][] perProtocol = new long[2][3];
    List<Long> lat = new ArrayList<>();
    Map<String, Long> unread = new HashMap<>();
    for (Map.Entry<String, long[]> m : byMessage.entrySet()) {
      long d = m.getValue()[0];
      long rd = m.getValue()[1];
      boolean hasD = d != Long.MAX_VALUE;
      boolean hasR = rd != Long.MAX_VALUE;
      long[] pc = perProtocol[m.getKey().startsWith("rbm ") ? 1 : 0];
      pc[0] += hasD ? 1 : 0;
      pc[1] += hasR ? 1 : 0;
      pc[2] += hasD && hasR ? 1 : 0;
      delivered += hasD ? 1 : 0;
      read += hasR ? 1 : 0;
      both += hasD && hasR ? 1 : 0;
      readOnly += hasR && !hasD ? 1 : 0;
      if (hasD && hasR) {
        if (rd < d) {
          skew++;
        } else {
          lat.add(rd - d);
        }
      }
      if (hasD && !hasR) {
        unread.merge(convOf.get(m.getKey()), 1L, Long::sum);
      }
    }
    Collections.sort(lat);
    assertEquals(types.getOrDefault(ReceiptType.DELIVERED, 0L), r.receipts(ReceiptType.DELIVERED));
    assertEquals(types.getOrDefault(ReceiptType.READ, 0L), r.receipts(ReceiptType.READ));
    assertEquals(types.getOrDefault(ReceiptType.RECEIPT_TYPE_UNSPECIFIED, 0L),
        r.receipts(ReceiptType.RECEIPT_TYPE_UNSPECIFIED));
    assertEquals(agents, r.receiptsByAgent());
    assertEquals(Map.of(
        Protocol.BUSINESS_MESSAGES, new ArchiveReport.ProtocolFigures(receiptsOf[0],
            perProtocol[0][0], perProtocol[0][1], perProtocol[0][2]),
        Protocol.RBM, new ArchiveReport.ProtocolFigures(receiptsOf[1],
            perProtocol[1][0], perProtocol[1][1], perProtocol[1][2])), r.byProtocol());
    assertTrue(receiptsOf[0] > 0 && receiptsOf[1] > 0, "both protocols in the archive");
    assertEquals(delivered, r.messagesDelivered());
    assertEquals(read, r.messagesRead());
    assertEquals(both, r.messagesDeliveredAndRead());
    assertEquals(readOnly, r.readWithoutDelivered());
    assertEquals(skew, r.readBeforeDelivered());
    assertEquals(types.getOrDefault(ReceiptType.DELIVERED, 0L)
        + types.getOrDefault(ReceiptType.READ, 0L) - delivered - read, r.duplicates());
    Latency l = r.deliveredToRead();
    assertEquals(lat.size(), l.count());
    int n = lat.size();
    assertEquals(lat.get(0), l.min());
    assertEquals(lat.get((int) Math.ceil(n * 0.5) - 1), l.p50());
    assertEquals(lat.get((int) Math.ceil(n * 0.9) - 1), l.p90());
    assertEquals(lat.get((int) Math.ceil(n * 0.99) - 1), l.p99());
    assertEquals(lat.get((int) Math.ceil(n * 0.999) - 1), l.p999());
    assertEquals(lat.get(n - 1), l.max());
    assertEquals(lat.stream().mapToLong(Long::longValue).sum(), l.sum());
    assertEquals(unread.size(), r.conversationsWithUnread());
    // most unread first, then by id, then Business Messages first; phone numbers masked
    java.util.function.Function<String, String> id = k -> k.substring(k.indexOf(' ') + 1);
    List<ConversationUnread> expectedTop = unread.entrySet().stream()
        .sorted((x, y) -> !x.getValue().equals(y.getValue())
            ? Long.compare(y.getValue(), x.getValue())
            : !id.apply(x.getKey()).equals(id.apply(y.getKey()))
            ? id.apply(x.getKey()).compareTo(id.apply(y.getKey()))
            : x.getKey().compareTo(y.getKey()))
        .limit(top)
        .map(x -> new ConversationUnread(ArchiveAnalyser.shown(id.apply(x.getKey())), x.getValue()))
        .toList();
    assertEquals(expectedTop, r.topUnread());
  }

  @Test
  void matchesAPlainReferenceOnSeededArchivesInAnyOrderThreadsAndRanges() throws Exception {
    for (int seed = 1; seed <= 3; seed++) {
      Random rnd = new Random(seed);
      List<Event> events = events(rnd, 3000, 200);
      Collections.shuffle(events, rnd);
      // three files; the second one gzip; a few lines as raw payloads, bad and blank lines mixed in
      List<List<String>> files = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
      for (Event e : events) {
        List<String> f = files.get(rnd.nextInt(3));
        f.add(e.line(rnd));
        if (rnd.nextInt(200) == 0) {
          f.add(rnd.nextBoolean() ? "" : "{\"truncated\":");
        }
      }
      Path a = write("a" + seed + ".jsonl", files.get(0));
      Path b = dir.resolve("b" + seed + ".jsonl.gz");
      try (OutputStream os = new GZIPOutputStream(Files.newOutputStream(b))) {
        os.write((String.join("\n", files.get(1)) + "\n").getBytes(StandardCharsets.UTF_8));
      }
      Path c = write("c" + seed + ".jsonl", files.get(2));
      // a top list long enough to hold phone numbers, masked
      ArchiveReport one = analyse(ArchiveAnalyser.builder().threads(1).top(40), a, b, c);
      assertMatchesReference(events, one, 40);
      assertTrue(one.topUnread().stream().anyMatch(u -> u.conversationId().startsWith("+****")));
      ArchiveReport many = analyse(ArchiveAnalyser.builder().threads(3).top(40).chunkBytes(777),
          c, b, a);
      assertMatchesReference(events, many, 40);
      assertEquals(one.byProtocol(), many.byProtocol());
      assertEquals(one.topUnread(), many.topUnread());
      assertEquals(one.lines(), many.lines());
      assertEquals(one.badLines(), many.badLines());
      assertEquals(one.series(), many.series());
    }
  }

  @Test
  void exactPastTheLiveCapWithReadsInEarlierAndLaterFiles() throws Exception {
    int n = 150_000; // more than ReceiptMetrics' 100,000 tracked messages
    List<String> first = new ArrayList<>();
    List<String> second = new ArrayList<>();
    List<String> third = new ArrayList<>();
    for (int m = 0; m < n; m++) {
      String conv = "c" + (m % 5000);
      second.add(line("brands/b/agents/a", conv, "m" + m, "DELIVERED", T0 + m * 1000L));
      if (m % 3 == 0) {
        third.add(line("brands/b/agents/a", conv, "m" + m, "READ", T0 + m * 1000L + 5_000_000));
      } else if (m % 3 == 1 && m % 2 == 0) {
        first.add(line("brands/b/agents/a", conv, "m" + m, "READ", T0 + m * 1000L + 7_000_000));
      }
    }
    // one conversation with more unread than any other
    for (int m = 0; m < 40; m++) {
      second.add(line("brands/b/agents/a", "busy", "x" + m, "DELIVERED", T0));
    }
    ArchiveReport r = analyse(ArchiveAnalyser.builder().chunkBytes(1 << 20),
        write("1.jsonl", first), write("2.jsonl", second), write("3.jsonl", third));
    assertEquals(n + 40, r.messagesDelivered());
    assertEquals(n / 3 + (n / 6), r.messagesRead());
    assertEquals(r.messagesRead(), r.messagesDeliveredAndRead());
    assertEquals(0, r.readWithoutDelivered());
    assertEquals(0, r.readBeforeDelivered());
    assertEquals(0, r.duplicates());
    assertEquals(new ConversationUnread("busy", 40), r.topUnread().get(0));
    // c0 holds m0, m5000, …: 30 messages, of which m ≡ 2 (mod 3) or m ≡ 1 (mod 6) go unread
    long c0 = 0;
    for (int m = 0; m < n; m += 5000) {
      c0 += m % 3 == 2 || m % 6 == 1 ? 1 : 0;
    }
    assertEquals(5000 + 1, r.conversationsWithUnread());
    assertEquals(c0, r.topUnread().stream().filter(c -> c.conversationId().equals("c0"))
        .mapToLong(ConversationUnread::unread).findFirst().orElse(c0));
    assertEquals(5_000_000, r.deliveredToRead().p50());
    assertEquals(7_000_000, r.deliveredToRead().max());
  }

  @Test
  void badLinesAreCountedWithTheirNumbersAndNeverFatal() throws Exception {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      lines.add(line("a", "c", "m" + i, "DELIVERED", T0));
    }
    lines.set(10, "[".repeat(1000) + "]".repeat(1000));
    lines.set(20, "{\"receiptType\":\"READ\",\"message\":\"conversations/c/messages/m\",\"x\":"
        + "[".repeat(100_000) + "]".repeat(100_000) + "}");
    // a journal line with an unknown member holding a 1,100-digit number: a good line
    lines.set(30, "{\"receiptType\":\"READ\",\"message\":\"conversations/c/messages/m\",\"x\":"
        + "1".repeat(1100) + "}");
    lines.set(40, "{\"a\":" + "9".repeat(1100) + "}");
    lines.set(50, "{\"receiptType\":\"READ\",\"message\":\"conversations/c/m\"}");
    lines.set(60, "{\"receiptType\":7,\"message\":\"conversations/c/messages/m\"}");
    Path f = write("bad.jsonl", lines);
    for (long chunk : new long[] {1 << 20, 3000}) {
      ArchiveReport r = analyse(ArchiveAnalyser.builder().chunkBytes(chunk), f);
      assertEquals(100, r.lines());
      assertEquals(5, r.badLines());
      assertEquals(95, r.receipts());
      assertEquals(List.of(
          new BadLine(f.toString(), 11, "not a JSON object"),
          new BadLine(f.toString(), 21, "not a JSON object"),
          new BadLine(f.toString(), 41, "neither a journal line nor a known webhook payload"),
          new BadLine(f.toString(), 51, "no valid message name"),
          new BadLine(f.toString(), 61, "receiptType is not a string")), r.firstBadLines());
    }
  }

  @Test
  void readsStreamsPlainAndGzip() throws Exception {
    String text = line("a", "c", "m1", "DELIVERED", T0) + "\n" + line("a", "c", "m1", "READ", T0 + 2_000_000);
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (OutputStream os = new GZIPOutputStream(gz)) {
      os.write(text.getBytes(StandardCharsets.UTF_8));
    }
    for (byte[] bytes : List.of(text.getBytes(StandardCharsets.UTF_8), gz.toByteArray())) {
      ArchiveReport r = ArchiveAnalyser.builder().build().analyse(
          List.of(ArchiveInput.stream("-", new ByteArrayInputStream(bytes))));
      assertEquals(2, r.lines());
      assertEquals(1, r.messagesDeliveredAndRead());
      assertEquals(2_000_000, r.deliveredToRead().p50());
      assertEquals(List.of("-"), r.inputs());
    }
  }

  @Test
  void sinceAndUntilFilterByReceiptTime() throws Exception {
    Path f = write("w.jsonl", List.of(
        line("a", "c", "m1", "DELIVERED", T0 - 1),
        line("a", "c", "m2", "DELIVERED", T0),
        line("a", "c", "m2", "READ", T0 + 10_000_000),
        line("a", "c", "m3", "DELIVERED", T0 + 3_600_000_000L),
        "{\"receiptType\":\"READ\",\"message\":\"conversations/c/messages/m3\",\"createTime\":\"SEND_TIME\"}"));
    ArchiveReport r = analyse(ArchiveAnalyser.builder().since(Instant.ofEpochSecond(T0 / 1_000_000))
        .until(Instant.ofEpochSecond(T0 / 1_000_000 + 3600)), f);
    assertEquals(2, r.receipts());
    assertEquals(3, r.outsideWindow());
    assertEquals(1, r.messagesDelivered());
    assertEquals(1, r.messagesRead());
    ArchiveReport all = analyse(ArchiveAnalyser.builder(), f);
    assertEquals(5, all.receipts());
    assertEquals(1, all.receiptsWithoutTime());
    assertEquals(2, all.messagesDeliveredAndRead());
    assertEquals(1, all.deliveredToRead().count()); // m3's READ has no time
  }

  @Test
  void emptyAndAllBadArchivesSayEmpty() throws Exception {
    ArchiveReport empty = analyse(ArchiveAnalyser.builder(), write("e.jsonl", List.of()));
    assertTrue(empty.empty());
    assertEquals(0, empty.lines());
    ArchiveReport bad = analyse(ArchiveAnalyser.builder(), write("b.jsonl", List.of("x", "{}")));
    assertTrue(bad.empty());
    assertEquals(2, bad.badLines());
    assertTrue(ArchiveFormat.text(bad).startsWith("No receipts in "), ArchiveFormat.text(bad));
  }

  @Test
  void conversationNamesCountAgainstTheMemoryBudgetToo() throws Exception {
    // few messages, each in a conversation of its own with a long name: the names, not the
    // message table, outgrow the budget, and the analysis stops instead of running out of heap
    List<String> lines = new ArrayList<>();
    String pad = "x".repeat(2_000);
    for (int m = 0; m < 2_000; m++) {
      lines.add(line("a", "c" + m + pad, "m", "DELIVERED", T0));
    }
    Path f = write("names.jsonl", lines);
    assertThrows(ArchiveTooLargeException.class,
        () -> analyse(ArchiveAnalyser.builder().memoryBudget(1 << 21), f));
    assertEquals(2_000, analyse(ArchiveAnalyser.builder().memoryBudget(1 << 24), f)
        .messagesDelivered());
  }

  @Test
  void stopsPastTheMemoryBudgetInsteadOfGoingInexact() throws Exception {
    List<String> lines = new ArrayList<>();
    for (int m = 0; m < 60_000; m++) {
      lines.add(line("a", "c" + m, "m", "DELIVERED", T0));
    }
    Path f = write("big.jsonl", lines);
    ArchiveTooLargeException e = assertThrows(ArchiveTooLargeException.class,
        () -> analyse(ArchiveAnalyser.builder().memoryBudget(1 << 21), f));
    assertTrue(e.getMessage().startsWith("the archive holds more distinct messages and"
        + " conversations than 2 MiB"), e.getMessage());
    // every message has a conversation of its own here: the names count too
    assertEquals(60_000, analyse(ArchiveAnalyser.builder().memoryBudget(1 << 24), f)
        .messagesDelivered());
  }

  @Test
  void aMessageCostsAtMost64BytesOfTable() {
    java.util.concurrent.atomic.AtomicLong bytes = new java.util.concurrent.atomic.AtomicLong();
    MessageTable t = new MessageTable(bytes, Long.MAX_VALUE);
    Random rnd = new Random(5);
    for (int m = 1; m <= 2_000_000; m++) {
      t.record(rnd.nextLong(), rnd.nextLong() | 1, true, m);
      if (m % 250_000 == 0) {
        assertTrue(bytes.get() <= 64L * m,
            m + " messages: " + bytes.get() + " bytes");
      }
    }
    assertEquals(2_000_000, t.size());
    assertTrue(Arrays.stream(new long[] {bytes.get()}).allMatch(b -> b <= 64L * 2_000_000));
  }
}
