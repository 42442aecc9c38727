// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.report;

import dev.bmreceipts.core.InvalidMessageNameException;
import dev.bmreceipts.core.MessageName;
import dev.bmreceipts.core.PayloadException;
import dev.bmreceipts.core.PayloadKind;
import dev.bmreceipts.core.Protocol;
import dev.bmreceipts.core.Receipt;
import dev.bmreceipts.core.ReceiptType;
import dev.bmreceipts.core.Timestamp;
import dev.bmreceipts.core.UserReceipts;
import dev.bmreceipts.core.WebhookParser;
import dev.bmreceipts.core.WebhookPayload;
import dev.bmreceipts.core.rbm.RbmEnvelope;
import dev.bmreceipts.core.rbm.RbmParser;
import dev.bmreceipts.core.rbm.RbmPayload;
import dev.bmreceipts.core.rbm.RbmPayloadException;
import dev.bmreceipts.core.rbm.RbmUserEvent;
import dev.bmreceipts.http.ReceiptEvent;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * Reads one archive line into receipts. A line is blank, a journal line (a JSON object with a
 * {@code receiptType} member, read as {@code Journal.replay} reads it, its {@code protocol} too:
 * absent, {@code ""} or {@code bm} is Business Messages, {@code rbm} RCS Business Messaging, any
 * other value a bad line), a raw RBM Pub/Sub push (a JSON object whose {@code message} is an
 * object with a {@code data} member: Business Messages' own {@code message} never has one), or
 * anything else, read as a raw Business Messages webhook payload with {@link WebhookParser}.
 *
 * <ul>
 *   <li>A Business Messages receipts payload gives its receipts with the payload's agent and
 *       {@code receipts.createTime}; a payload of another known kind (a user message, a typing
 *       event, the handshake) is counted and skipped.
 *   <li>An RBM push read by {@link RbmParser} gives, for a {@code DELIVERED} or {@code READ} user
 *       event, one receipt mapped as {@link ReceiptEvent#of(RbmEnvelope, RbmUserEvent)} maps it
 *       (the user's phone as the conversation, the event's {@code sendTime} as its time), so that
 *       an archived push and the journal line the webhook wrote for it count alike; any other
 *       push (a user message, typing, a server event) is counted and skipped.
 *   <li>Anything else (not JSON, deeper or longer than the parsers' limits, an object of no known
 *       kind, a push that {@link RbmParser} refuses) is a bad line.
 * </ul>
 *
 * <p><b>Two paths, one answer.</b> {@link #fast} is a byte scanner for the journal's own lines:
 * one JSON object of ASCII strings without escapes, no duplicate members that matter. Where it is
 * not sure (an escape, a byte past ASCII, a non-string value, a timestamp outside the plain
 * {@code yyyy-MM-ddTHH:mm:ss[.f]Z} form, a {@code protocol} other than {@code bm}, {@code rbm} or
 * {@code ""}) it gives up and {@link #slow} reads the line through JSON-P; {@code LineParserTest}
 * checks that both give the same answer on every fixture line and on seeded mutations of them.
 * Not thread-safe: one per worker.
 */
final class LineParser {
  static final int UNSPECIFIED = ReceiptType.RECEIPT_TYPE_UNSPECIFIED.ordinal();
  static final int DELIVERED = ReceiptType.DELIVERED.ordinal();
  static final int READ = ReceiptType.READ.ordinal();
  static final int BM = Protocol.BUSINESS_MESSAGES.ordinal();
  static final int RBM = Protocol.RBM.ordinal();

  /** What a line gives. */
  interface Sink {
    /**
     * One receipt; the ranges of {@code b} hold UTF-8 text.
     *
     * @param micros {@code createTime} in epoch microseconds, or {@link MessageTable#NO_TIME}
     *     when missing or not RFC 3339
     * @param protocol {@link #BM} or {@link #RBM}
     */
    void receipt(byte[] b, int agentOff, int agentLen, int convOff, int convLen, int msgOff,
        int msgLen, int type, long micros, int protocol);

    void blank();

    /** A payload of another kind than receipts. */
    void noReceipts();

    void bad(String reason);
  }

  private static final byte[][] KEYS = {
    bytes("agent"), bytes("conversationId"), bytes("messageId"), bytes("message"),
    bytes("receiptType"), bytes("createTime"), bytes("protocol")};
  private static final int AGENT = 0;
  private static final int CONVERSATION_ID = 1;
  private static final int MESSAGE_ID = 2;
  private static final int MESSAGE = 3;
  private static final int RECEIPT_TYPE = 4;
  private static final int CREATE_TIME = 5;
  private static final int PROTOCOL = 6;
  private static final byte[] CONVERSATIONS = bytes("conversations/");
  private static final byte[] MESSAGES = bytes("/messages/");
  private static final byte[] DELIVERED_WORD = bytes("DELIVERED");
  private static final byte[] READ_WORD = bytes("READ");
  private static final byte[] BM_WORD = bytes("bm");
  private static final byte[] RBM_WORD = bytes("rbm");
  private static final byte[] EMPTY = new byte[0];

  private final int[] off = new int[KEYS.length];
  private final int[] len = new int[KEYS.length];
  private final WebhookParser payloads = WebhookParser.create();
  private final RbmParser pushes = RbmParser.create();
  private final JsonReaderFactory json = Json.createReaderFactory(Map.of());

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** Reads the line {@code b[from, to)} (no line terminator) into {@code sink}. */
  void line(byte[] b, int from, int to, Sink sink) {
    if (!fast(b, from, to, sink)) {
      slow(b, from, to, sink);
    }
  }

  /** The byte path: answers into {@code sink} and returns true, or returns false having said nothing. */
  boolean fast(byte[] b, int from, int to, Sink sink) {
    int i = ws(b, from, to);
    if (i == to) {
      sink.blank();
      return true;
    }
    if (b[i++] != '{') {
      return false;
    }
    for (int k = 0; k < KEYS.length; k++) {
      off[k] = -1;
    }
    i = ws(b, i, to);
    if (i == to || b[i] == '}') {
      return false;
    }
    while (true) {
      if (i == to || b[i] != '"') {
        return false;
      }
      int keyStart = ++i;
      i = string(b, i, to);
      if (i < 0) {
        return false;
      }
      int key = key(b, keyStart, i - keyStart);
      i = ws(b, i + 1, to);
      if (i == to || b[i] != ':') {
        return false;
      }
      i = ws(b, i + 1, to);
      if (i == to || b[i] != '"') {
        return false;
      }
      int valueStart = ++i;
      i = string(b, i, to);
      if (i < 0) {
        return false;
      }
      if (key >= 0) {
        if (off[key] >= 0) {
          return false;
        }
        off[key] = valueStart;
        len[key] = i - valueStart;
      }
      i = ws(b, i + 1, to);
      if (i == to) {
        return false;
      }
      if (b[i] == '}') {
        break;
      }
      if (b[i] != ',') {
        return false;
      }
      i = ws(b, i + 1, to);
    }
    if (ws(b, i + 1, to) != to || off[RECEIPT_TYPE] < 0) {
      return false;
    }
    int protocol = BM;
    if (off[PROTOCOL] >= 0) {
      protocol = protocol(b, off[PROTOCOL], len[PROTOCOL]);
      if (protocol < 0) {
        return false;
      }
    }
    long micros = NO_VALUE;
    if (off[CREATE_TIME] < 0 || len[CREATE_TIME] == 0) {
      micros = MessageTable.NO_TIME;
    } else {
      micros = plainUtc(b, off[CREATE_TIME], len[CREATE_TIME]);
      if (micros == NO_VALUE) {
        return false;
      }
    }
    int type = type(b, off[RECEIPT_TYPE], len[RECEIPT_TYPE]);
    int convOff;
    int convLen;
    int msgOff;
    int msgLen;
    if (off[MESSAGE] >= 0 && len[MESSAGE] > 0) {
      int m = off[MESSAGE];
      int end = m + len[MESSAGE];
      if (!startsWith(b, m, end, CONVERSATIONS)) {
        sink.bad("no valid message name");
        return true;
      }
      int sep = indexOf(b, m + CONVERSATIONS.length, end, MESSAGES);
      if (sep < 0) {
        sink.bad("no valid message name");
        return true;
      }
      convOff = m + CONVERSATIONS.length;
      convLen = sep - convOff;
      msgOff = sep + MESSAGES.length;
      msgLen = end - msgOff;
    } else {
      convOff = off[CONVERSATION_ID];
      convLen = convOff < 0 ? 0 : len[CONVERSATION_ID];
      msgOff = off[MESSAGE_ID];
      msgLen = msgOff < 0 ? 0 : len[MESSAGE_ID];
    }
    if (!validId(b, convOff, convLen) || !validId(b, msgOff, msgLen)) {
      sink.bad("no valid message name");
      return true;
    }
    int agentOff = off[AGENT];
    int agentLen = agentOff < 0 ? 0 : len[AGENT];
    sink.receipt(b, Math.max(agentOff, 0), agentLen, convOff, convLen, msgOff, msgLen, type,
        micros, protocol);
    return true;
  }

  /** The JSON-P path, for every line the byte path gives up on. */
  void slow(byte[] b, int from, int to, Sink sink) {
    String text = new String(b, from, to - from, StandardCharsets.UTF_8);
    if (text.isBlank()) {
      sink.blank();
      return;
    }
    JsonObject o;
    try (JsonReader r = json.createReader(new StringReader(text))) {
      o = r.readObject();
    } catch (RuntimeException e) {
      // JsonException, but also what Parsson throws past its own depth and number-size limits
      sink.bad("not a JSON object");
      return;
    }
    if (o.containsKey("receiptType")) {
      journal(o, sink);
    } else if (o.get("message") instanceof JsonObject m && m.containsKey("data")) {
      push(b, from, to, sink);
    } else {
      payload(b, from, to, sink);
    }
  }

  private static void journal(JsonObject o, Sink sink) {
    String[] v = new String[KEYS.length];
    for (int k = 0; k < KEYS.length; k++) {
      String name = new String(KEYS[k], StandardCharsets.US_ASCII);
      JsonValue value = o.get(name);
      if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
        v[k] = "";
      } else if (value instanceof JsonString) {
        v[k] = ((JsonString) value).getString();
      } else {
        sink.bad(name + " is not a string");
        return;
      }
    }
    MessageName name;
    try {
      name = v[MESSAGE].isEmpty()
          ? MessageName.of(v[CONVERSATION_ID], v[MESSAGE_ID])
          : MessageName.parse(v[MESSAGE]);
    } catch (InvalidMessageNameException e) {
      sink.bad("no valid message name");
      return;
    }
    Protocol protocol;
    try {
      protocol = Protocol.fromId(v[PROTOCOL]);
    } catch (IllegalArgumentException e) {
      sink.bad("protocol is not bm or rbm");
      return;
    }
    emit(sink, v[AGENT], name, ReceiptType.fromWire(v[RECEIPT_TYPE]).ordinal(),
        micros(Timestamp.parse(v[CREATE_TIME])), protocol.ordinal());
  }

  private void payload(byte[] b, int from, int to, Sink sink) {
    WebhookPayload p;
    try {
      p = payloads.parse(b, from, to - from);
    } catch (PayloadException e) {
      sink.bad("not a journal line, nor a webhook payload: " + e.getMessage());
      return;
    } catch (RuntimeException e) {
      sink.bad("not a journal line, nor a webhook payload");
      return;
    }
    if (p.kind() == PayloadKind.UNKNOWN) {
      sink.bad("neither a journal line nor a known webhook payload");
      return;
    }
    if (p.kind() != PayloadKind.RECEIPTS || p.receipts().isEmpty()) {
      sink.noReceipts();
      return;
    }
    UserReceipts r = p.receipts().get();
    long micros = micros(r.createTime());
    for (Receipt receipt : r.receipts()) {
      emit(sink, r.agent(), receipt.message(), receipt.type().ordinal(), micros, BM);
    }
  }

  /** A raw RBM push: a DELIVERED or READ user event is one receipt, any other push none. */
  private void push(byte[] b, int from, int to, Sink sink) {
    RbmEnvelope envelope;
    RbmPayload p;
    try {
      // a body with a "message" member is an envelope or an error, never the handshake
      envelope = pushes.parse(b, from, to - from).envelope().orElseThrow();
      p = pushes.payload(envelope);
    } catch (RbmPayloadException e) {
      // its message names the JSON path, never a value or a phone number
      sink.bad("not a journal line, nor an RBM push: " + e.getMessage());
      return;
    } catch (RuntimeException e) {
      sink.bad("not a journal line, nor an RBM push");
      return;
    }
    if (p.userEvent().isEmpty() || !p.userEvent().get().eventType().namesAMessage()) {
      sink.noReceipts();
      return;
    }
    ReceiptEvent r;
    try {
      r = ReceiptEvent.of(envelope, p.userEvent().get());
    } catch (InvalidMessageNameException e) {
      sink.bad("no valid message name");
      return;
    }
    emit(sink, r.agent(), r.message(), r.type().ordinal(), micros(r.createTime()), RBM);
  }

  private static void emit(Sink sink, String agent, MessageName name, int type, long micros,
      int protocol) {
    byte[] a = agent.isEmpty() ? EMPTY : agent.getBytes(StandardCharsets.UTF_8);
    byte[] c = name.conversationId().getBytes(StandardCharsets.UTF_8);
    byte[] m = name.messageId().getBytes(StandardCharsets.UTF_8);
    byte[] all = new byte[a.length + c.length + m.length];
    System.arraycopy(a, 0, all, 0, a.length);
    System.arraycopy(c, 0, all, a.length, c.length);
    System.arraycopy(m, 0, all, a.length + c.length, m.length);
    sink.receipt(all, 0, a.length, a.length, c.length, a.length + c.length, m.length, type, micros,
        protocol);
  }

  /** Epoch microseconds (rounded down) of a timestamp, {@link MessageTable#NO_TIME} when none. */
  static long micros(Timestamp t) {
    if (t.instant().isEmpty()) {
      return MessageTable.NO_TIME;
    }
    Instant i = t.instant().get();
    try {
      long m = Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1000);
      return m >= MessageTable.NO_TIME ? MessageTable.NO_TIME : m;
    } catch (ArithmeticException e) {
      return MessageTable.NO_TIME;
    }
  }

  private static final long NO_VALUE = Long.MIN_VALUE;

  /**
   * {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z} (upper case, a valid date, hour 0-23, second 0-59) as
   * epoch microseconds, rounded down; {@link #NO_VALUE} for anything else, which
   * {@link Timestamp#parse} then decides on the slow path.
   */
  static long plainUtc(byte[] b, int o, int n) {
    if (n < 20 || n > 30 || b[o + 4] != '-' || b[o + 7] != '-' || b[o + 10] != 'T'
        || b[o + 13] != ':' || b[o + 16] != ':' || b[o + n - 1] != 'Z') {
      return NO_VALUE;
    }
    int year = digits(b, o, 4);
    int month = digits(b, o + 5, 2);
    int day = digits(b, o + 8, 2);
    int hour = digits(b, o + 11, 2);
    int minute = digits(b, o + 14, 2);
    int second = digits(b, o + 17, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > lengthOfMonth(year, month)
        || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
      return NO_VALUE;
    }
    long micros = 0;
    if (n > 20) {
      int fractionDigits = n - 21;
      if (b[o + 19] != '.' || fractionDigits < 1) {
        return NO_VALUE;
      }
      int fraction = digits(b, o + 20, Math.min(fractionDigits, 6));
      if (fraction < 0 || (fractionDigits > 6 && digits(b, o + 26, fractionDigits - 6) < 0)) {
        return NO_VALUE;
      }
      micros = fraction;
      for (int i = fractionDigits; i < 6; i++) {
        micros *= 10;
      }
    }
    long seconds = epochDay(year, month, day) * 86_400L + hour * 3_600L + minute * 60L + second;
    return seconds * 1_000_000L + micros;
  }

  private static int digits(byte[] b, int from, int count) {
    int v = 0;
    for (int i = from; i < from + count; i++) {
      int c = b[i] - '0';
      if (c < 0 || c > 9) {
        return -1;
      }
      v = v * 10 + c;
    }
    return v;
  }

  private static int lengthOfMonth(int year, int month) {
    switch (month) {
      case 2:
        return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
      case 4:
      case 6:
      case 9:
      case 11:
        return 30;
      default:
        return 31;
    }
  }

  /** Days since 1970-01-01 of a year 0-9999 date (the plain form has four digits). */
  private static long epochDay(long year, int month, int day) {
    long total = 365 * year + (year + 3) / 4 - (year + 99) / 100 + (year + 399) / 400;
    total += (367 * month - 362) / 12;
    total += day - 1;
    if (month > 2) {
      total--;
      if (lengthOfMonth((int) year, 2) == 28) {
        total--;
      }
    }
    return total - 719_528L;
  }

  /** {@link #BM} for {@code bm} or {@code ""}, {@link #RBM} for {@code rbm}, -1 for anything else. */
  private static int protocol(byte[] b, int o, int n) {
    if (n == 0 || equals(b, o, n, BM_WORD)) {
      return BM;
    }
    return equals(b, o, n, RBM_WORD) ? RBM : -1;
  }

  private static int type(byte[] b, int o, int n) {
    if (equals(b, o, n, DELIVERED_WORD)) {
      return DELIVERED;
    }
    return equals(b, o, n, READ_WORD) ? READ : UNSPECIFIED;
  }

  /** The index of a member name the journal reads, -1 for any other: by length, then bytes. */
  private static int key(byte[] b, int o, int n) {
    int k;
    switch (n) {
      case 5:
        k = AGENT;
        break;
      case 14:
        k = CONVERSATION_ID;
        break;
      case 9:
        k = MESSAGE_ID;
        break;
      case 7:
        k = MESSAGE;
        break;
      case 11:
        k = RECEIPT_TYPE;
        break;
      case 10:
        k = CREATE_TIME;
        break;
      case 8:
        k = PROTOCOL;
        break;
      default:
        return -1;
    }
    return equals(b, o, n, KEYS[k]) ? k : -1;
  }

  private static boolean equals(byte[] b, int o, int n, byte[] word) {
    return n == word.length && java.util.Arrays.equals(b, o, o + n, word, 0, n);
  }

  private static boolean startsWith(byte[] b, int o, int end, byte[] word) {
    return end - o >= word.length && java.util.Arrays.equals(b, o, o + word.length, word, 0, word.length);
  }

  private static int indexOf(byte[] b, int from, int end, byte[] word) {
    for (int i = from; i + word.length <= end; i++) {
      if (b[i] == word[0] && java.util.Arrays.equals(b, i, i + word.length, word, 0, word.length)) {
        return i;
      }
    }
    return -1;
  }

  /** As {@link MessageName#checkId}: not empty, no {@code /} (the scanner admits no controls). */
  private static boolean validId(byte[] b, int o, int n) {
    if (o < 0 || n == 0) {
      return false;
    }
    for (int i = o; i < o + n; i++) {
      if (b[i] == '/') {
        return false;
      }
    }
    return true;
  }

  /**
   * The end of a string whose opening quote is just before {@code i}: the closing quote's index,
   * -1 to give up. Eight bytes at a time while none is a quote, a backslash, a control, DEL or
   * past ASCII (the strings of a journal line are 10 to 60 bytes; see bench/report.sh).
   */
  private static int string(byte[] b, int i, int to) {
    for (; i + 8 <= to; i += 8) {
      long x = (long) LONGS.get(b, i);
      long special = zero(x ^ QUOTES) | zero(x ^ BACKSLASHES) | zero(x ^ DELS)
          | ((x - SPACES) & ~x) | x;
      if ((special & HIGH_BITS) != 0) {
        break;
      }
    }
    for (; i < to; i++) {
      byte c = b[i];
      if (c == '"') {
        return i;
      }
      // printable ASCII only: escapes, controls, DEL and UTF-8 go to JSON-P
      if (c < 0x20 || c > 0x7E || c == '\\') {
        return -1;
      }
    }
    return -1;
  }

  private static final java.lang.invoke.VarHandle LONGS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class,
          java.nio.ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGH_BITS = 0x8080808080808080L;
  private static final long QUOTES = 0x2222222222222222L;
  private static final long BACKSLASHES = 0x5C5C5C5C5C5C5C5CL;
  private static final long DELS = 0x7F7F7F7F7F7F7F7FL;
  private static final long SPACES = 0x2020202020202020L;
  private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;

  /** High bit set in each byte of {@code x} that may be zero (exact for the first zero byte). */
  private static long zero(long x) {
    return (x - ONES) & ~x;
  }

  /** The index of the first {@code '\n'} in {@code b[from, to)}, -1 when none; eight bytes at a time. */
  static int newline(byte[] b, int from, int to) {
    int i = from;
    for (; i + 8 <= to; i += 8) {
      long m = zero((long) LONGS.get(b, i) ^ NEWLINES) & HIGH_BITS;
      if (m != 0) {
        return i + (Long.numberOfTrailingZeros(m) >>> 3);
      }
    }
    for (; i < to; i++) {
      if (b[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static int ws(byte[] b, int i, int to) {
    while (i < to) {
      byte c = b[i];
      if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
        break;
      }
      i++;
    }
    return i;
  }
}
