// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.core;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigDecimal;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The fast path behind {@link WebhookParser}: a strict byte scanner for the common body, one whose
 * strings hold no escapes. It validates the whole body as RFC 8259 JSON and its strings as UTF-8,
 * and applies {@link PayloadReader}'s rules and limits: receipts become records straight from the
 * bytes, and members kept as JSON are built through the JSON-P provider's builders, as the other
 * reader builds them.
 *
 * <p>It never fails a body. On anything it does not handle (an escape, a string longer in bytes
 * than the limit in chars, a very long number, any syntax or UTF-8 error, any limit or rule
 * broken) it answers {@code null} and {@link PayloadReader} reads the body instead, so errors and
 * their messages come from one place. Any other exception is a flaw of this scanner: it reaches
 * {@link WebhookParser}, which counts it ({@link WebhookParser#scannerFailures()}) and reads the
 * body with the other reader. Not thread-safe; one per body.
 */
final class FastPayloadReader {
  /** Thrown to give up; shared, stackless and immutable, so it is safe across threads. */
  private static final class GiveUp extends RuntimeException {
    private static final long serialVersionUID = 1L;

    GiveUp() {
      super(null, null, false, false);
    }
  }

  private static final GiveUp GIVE_UP = new GiveUp();
  private static final JsonProvider PROVIDER = JsonProvider.provider();

  /** Eight bytes of a body as one long, for the string scan and word matches; first, as the words use it. */
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final Word AGENT = new Word("agent");
  private static final Word CONVERSATION_ID = new Word("conversationId");
  private static final Word CUSTOM_AGENT_ID = new Word("customAgentId");
  private static final Word REQUEST_ID = new Word("requestId");
  private static final Word SEND_TIME = new Word("sendTime");
  private static final Word CLIENT_TOKEN = new Word("clientToken");
  private static final Word SECRET = new Word("secret");
  private static final Word RECEIPTS = new Word("receipts");
  private static final Word CREATE_TIME = new Word("createTime");
  private static final Word MESSAGE = new Word("message");
  private static final Word RECEIPT_TYPE = new Word("receiptType");
  private static final Word DELIVERED = new Word("DELIVERED");
  private static final Word READ = new Word("READ");
  private static final Word CONVERSATIONS = new Word("conversations/");
  private static final Word MESSAGES = new Word("/messages/");
  /** Member names that JSON kept as a tree usually holds, shared rather than copied per body. */
  private static final Word[] NAMES = words("message", "context", "messageId", "name", "text",
      "createTime", "entryPoint", "placeId", "userInfo", "displayName", "userDeviceLocale",
      "resolvedLocale", "userStatus", "isTyping", "postbackData", "type", "code", "survey",
      "questionId", "questionIndex", "questionType", "image", "contentInfo", "fileUrl",
      "thumbnailUrl", "forceRefresh", "mimeType");
  /** Longest number the scanner takes; longer ones are left to the JSON-P implementation. */
  private static final int MAX_NUMBER_LENGTH = 256;
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGH_BITS = 0x8080808080808080L;
  private static final long QUOTES = 0x2222222222222222L;
  private static final long BACKSLASHES = 0x5C5C5C5C5C5C5C5CL;
  private static final long SPACES = 0x2020202020202020L;
  /** A string range that stands for null or absent. */
  private static final long NULL = -1L;
  private static final long SLASHES = 0x2F2F2F2F2F2F2F2FL;

  private final byte[] b;
  private final int end;
  private final int maxDepth;
  private final int maxReceipts;
  private final int maxStringLength;
  private int p;
  /** The last string scanned: its chars are {@code b[start, stop)}. */
  private int start;
  private int stop;
  /** The last receipt's conversation id and where its bytes are. */
  private String lastConversation;
  /** Whether a string so far held a byte past ASCII. */
  private boolean nonAscii;
  private int lastConversationStart;
  private int lastConversationStop;

  private FastPayloadReader(byte[] body, int offset, int length, ParserLimits limits) {
    this.b = body;
    this.p = offset;
    this.end = offset + length;
    this.maxDepth = limits.maxDepth();
    this.maxReceipts = limits.maxReceipts();
    this.maxStringLength = limits.maxStringLength();
  }

  /**
   * Reads {@code length} bytes of {@code body} from {@code offset}, or answers {@code null} when
   * {@link PayloadReader} must (for a body it would reject, too).
   */
  static WebhookPayload read(byte[] body, int offset, int length, ParserLimits limits) {
    try {
      return new FastPayloadReader(body, offset, length, limits).readBody();
    } catch (GiveUp | InvalidMessageNameException | PayloadException e) {
      // a body this scanner leaves to the other reader: it reads it, or reports what is wrong
      return null;
    }
  }

  private WebhookPayload readBody() {
    if (end - p >= 3 && b[p] == (byte) 0xEF && b[p + 1] == (byte) 0xBB && b[p + 2] == (byte) 0xBF) {
      p += 3;
    }
    // the top-level strings as ranges (NULL when null or absent), made into text only at the end,
    // so that a body handed to the other reader has cost a scan and little garbage
    long agent = NULL;
    long conversationId = NULL;
    long customAgentId = NULL;
    long requestId = NULL;
    long sendTime = NULL;
    long clientToken = NULL;
    long secret = NULL;
    PayloadKind kind = null;
    List<Receipt> receipts = null;
    long createTime = NULL;
    JsonObjectBuilder others = null;

    skipSpace();
    expect('{');
    skipSpace();
    if (peek() == '}') {
      p++;
    } else {
      while (true) {
        int keyStart = key();
        int keyLength = stop - keyStart;
        if (is(keyStart, keyLength, AGENT)) {
          agent = nullableString();
        } else if (is(keyStart, keyLength, CONVERSATION_ID)) {
          conversationId = nullableString();
        } else if (is(keyStart, keyLength, CUSTOM_AGENT_ID)) {
          customAgentId = nullableString();
        } else if (is(keyStart, keyLength, REQUEST_ID)) {
          requestId = nullableString();
        } else if (is(keyStart, keyLength, SEND_TIME)) {
          sendTime = nullableString();
        } else if (is(keyStart, keyLength, CLIENT_TOKEN)) {
          clientToken = nullableString();
        } else if (is(keyStart, keyLength, SECRET)) {
          secret = nullableString();
        } else if (is(keyStart, keyLength, RECEIPTS)) {
          // the receipts object, read in place: its receipt list, then its createTime
          kind = kind == null ? PayloadKind.RECEIPTS : kind;
          receipts = List.of();
          createTime = NULL;
          expect('{');
          skipSpace();
          if (peek() == '}') {
            p++;
          } else {
            while (true) {
              int innerStart = key();
              int innerLength = stop - innerStart;
              if (is(innerStart, innerLength, RECEIPTS)) {
                receipts = receiptArray();
              } else if (is(innerStart, innerLength, CREATE_TIME)) {
                createTime = nullableString();
              } else {
                skipValue(3);
              }
              if (!nextMember()) {
                break;
              }
            }
          }
        } else {
          // kept as JSON: another kind's object (the first kind member decides), context, unknown
          String name = name(keyStart, keyStart + keyLength);
          PayloadKind k = PayloadKind.ofMember(name);
          if (k != null) {
            if (peek() != '{') {
              throw GIVE_UP;
            }
            kind = kind == null ? k : kind;
          }
          if (others == null) {
            others = PROVIDER.createObjectBuilder();
          }
          others.add(name, tree(2));
        }
        if (!nextMember()) {
          break;
        }
      }
    }
    skipSpace();
    if (p != end) {
      throw GIVE_UP;
    }

    String agentText = orEmpty(text(agent));
    String conversationText = conversationId == NULL
        ? "" : conversationId((int) (conversationId >>> 32), (int) conversationId);
    String customAgentText = orEmpty(text(customAgentId));
    Optional<String> request = Optional.ofNullable(text(requestId));
    Timestamp sent = Timestamp.parse(text(sendTime));
    String token = text(clientToken);
    String secretText = text(secret);
    JsonObject json = others == null ? JsonValue.EMPTY_JSON_OBJECT : others.build();
    if (kind == null) {
      kind = token != null && secretText != null ? PayloadKind.VERIFICATION : PayloadKind.UNKNOWN;
    }
    Optional<UserReceipts> userReceipts = kind == PayloadKind.RECEIPTS
        ? Optional.of(new UserReceipts(agentText, conversationText, customAgentText, request, sent,
            Timestamp.parse(text(createTime)), receipts))
        : Optional.empty();
    if (kind == PayloadKind.MESSAGE && !(json.get("message") instanceof JsonObject)) {
      throw GIVE_UP; // a wrong member type: the other reader reports it
    }
    Optional<UserMessage> message = kind == PayloadKind.MESSAGE
        ? Optional.of(PayloadReader.userMessage(json.getJsonObject("message")))
        : Optional.empty();
    Optional<Verification> verification = kind == PayloadKind.VERIFICATION
        ? Optional.of(new Verification(token, secretText))
        : Optional.empty();
    return new WebhookPayload(kind, agentText, conversationText, customAgentText, request, sent,
        userReceipts, message, verification, json);
  }

  /** {@code receipts.receipts}: null (no receipts) or an array of receipt objects. */
  private List<Receipt> receiptArray() {
    if (peek() == 'n') {
      literal("null");
      return List.of();
    }
    expect('[');
    skipSpace();
    if (peek() == ']') {
      p++;
      return List.of();
    }
    Receipt[] list = new Receipt[8];
    int count = 0;
    while (true) {
      if (count == maxReceipts) {
        throw GIVE_UP;
      }
      if (count == list.length) {
        list = Arrays.copyOf(list, count * 2);
      }
      list[count++] = receipt();
      skipSpace();
      byte c = next();
      if (c == ']') {
        break;
      }
      if (c != ',') {
        throw GIVE_UP;
      }
      skipSpace();
    }
    // List.of copies once; UserReceipts' List.copyOf then keeps that immutable list as it is
    return count == list.length ? List.of(list) : List.of(Arrays.copyOf(list, count));
  }

  /** One receipt object, at depth 4; its unknown members are skipped. */
  private Receipt receipt() {
    expect('{');
    int messageStart = -1;
    int messageStop = -1;
    int typeStart = -1;
    int typeStop = -1;
    skipSpace();
    if (peek() == '}') {
      p++;
    } else {
      while (true) {
        int keyStart = key();
        int keyLength = stop - keyStart;
        if (is(keyStart, keyLength, MESSAGE)) {
          if (nullableStringRange()) {
            messageStart = start;
            messageStop = stop;
          } else {
            messageStart = -1;
          }
        } else if (is(keyStart, keyLength, RECEIPT_TYPE)) {
          if (nullableStringRange()) {
            typeStart = start;
            typeStop = stop;
          } else {
            typeStart = -1;
          }
        } else {
          skipValue(5);
        }
        if (!nextMember()) {
          break;
        }
      }
    }
    if (messageStart < 0) {
      throw GIVE_UP;
    }
    MessageName name = messageName(messageStart, messageStop);
    if (typeStart < 0) {
      return new Receipt(name, ReceiptType.RECEIPT_TYPE_UNSPECIFIED, "");
    }
    if (is(typeStart, typeStop - typeStart, DELIVERED)) {
      return new Receipt(name, ReceiptType.DELIVERED, "DELIVERED");
    }
    if (is(typeStart, typeStop - typeStart, READ)) {
      return new Receipt(name, ReceiptType.READ, "READ");
    }
    String rawType = text(typeStart, typeStop);
    return new Receipt(name, ReceiptType.fromWire(rawType), rawType);
  }

  /** As {@link MessageName#parse}, straight from the bytes; it throws as the parse would. */
  private MessageName messageName(int from, int to) {
    int prefix = CONVERSATIONS.length;
    if (to - from < prefix || !is(from, prefix, CONVERSATIONS)) {
      throw GIVE_UP;
    }
    // the first "/messages/" after the prefix, as String.indexOf would find it
    int sep = from + prefix;
    while (true) {
      sep = slash(sep, to);
      if (sep < 0 || sep + MESSAGES.length > to) {
        throw GIVE_UP;
      }
      if (is(sep, MESSAGES.length, MESSAGES)) {
        break;
      }
      sep++;
    }
    return new MessageName(conversationId(from + prefix, sep), text(sep + MESSAGES.length, to));
  }

  /**
   * The conversation id in {@code b[from, to)}: receipts in one payload mostly share it, so the
   * last one's String is reused when the bytes are the same.
   */
  private String conversationId(int from, int to) {
    if (lastConversation != null && to - from == lastConversationStop - lastConversationStart
        && Arrays.equals(b, from, to, b, lastConversationStart, lastConversationStop)) {
      return lastConversation;
    }
    lastConversation = text(from, to);
    lastConversationStart = from;
    lastConversationStop = to;
    return lastConversation;
  }

  /** The first '/' in {@code b[from, to)}, eight bytes at a time; -1 if there is none. */
  private int slash(int from, int to) {
    int i = from;
    while (i + 8 <= to) {
      long x = (long) LONGS.get(b, i) ^ SLASHES;
      long hits = (x - ONES) & ~x & HIGH_BITS;
      if (hits != 0) {
        return i + (Long.numberOfTrailingZeros(hits) >>> 3);
      }
      i += 8;
    }
    for (; i < to; i++) {
      if (b[i] == '/') {
        return i;
      }
    }
    return -1;
  }

  // ---- the scanner ----

  /** After a member's value: true for a comma (another member follows), false for the end. */
  private boolean nextMember() {
    skipSpace();
    byte c = next();
    if (c == ',') {
      skipSpace();
      return true;
    }
    if (c == '}') {
      return false;
    }
    throw GIVE_UP;
  }

  /** A member name, the colon and the space after it; answers where the name starts. */
  private int key() {
    string();
    int keyStart = start;
    skipSpace();
    expect(':');
    skipSpace();
    return keyStart;
  }

  /** A string or null: the string's range packed as {@code start << 32 | stop}, or {@link #NULL}. */
  private long nullableString() {
    return nullableStringRange() ? (long) start << 32 | stop : NULL;
  }

  /** The text of a packed range, or {@code null} for {@link #NULL}. */
  private String text(long range) {
    return range == NULL ? null : text((int) (range >>> 32), (int) range);
  }

  /** A string (true, its range in start and stop) or null (false); anything else gives up. */
  private boolean nullableStringRange() {
    if (peek() == 'n') {
      literal("null");
      return false;
    }
    string();
    return true;
  }

  /**
   * A string of printable ASCII without escapes, no longer than the limit; sets start and stop.
   * Anything else gives up, valid JSON or not.
   */
  private void string() {
    expect('"');
    int from = p;
    // scan at most one byte past the limit: a longer string is the other reader's error
    int limit = end - from > maxStringLength ? from + maxStringLength + 1 : end;
    int i = from;
    // eight bytes at a time while none is a quote, a backslash, a control or past ASCII
    while (i + 8 <= limit) {
      long x = (long) LONGS.get(b, i);
      long q = x ^ QUOTES;
      long s = x ^ BACKSLASHES;
      long hits = (((q - ONES) & ~q) | ((s - ONES) & ~s) | ((x - SPACES) & ~x) | x) & HIGH_BITS;
      if (hits != 0) {
        // the lowest hit is exact (a borrow only marks bytes above a true one)
        int at = i + (Long.numberOfTrailingZeros(hits) >>> 3);
        if (b[at] == '"') {
          start = from;
          stop = at;
          p = at + 1;
          return;
        }
        if (b[at] >= 0) {
          throw GIVE_UP;
        }
        i = utf8(at, limit);
        continue;
      }
      i += 8;
    }
    while (i < limit) {
      byte c = b[i];
      if (c == '"') {
        start = from;
        stop = i;
        p = i + 1;
        return;
      }
      if (c < 0) {
        i = utf8(i, limit);
        continue;
      }
      // control characters and backslashes (escapes are the other reader's job)
      if (c < 0x20 || c == '\\') {
        throw GIVE_UP;
      }
      i++;
    }
    throw GIVE_UP;
  }

  /** One value as JSON, as the JSON-P reader builds it; an object or array sits at {@code depth}. */
  private JsonValue tree(int depth) {
    byte c = peek();
    switch (c) {
      case '{': {
        if (depth > maxDepth) {
          throw GIVE_UP;
        }
        p++;
        JsonObjectBuilder object = PROVIDER.createObjectBuilder();
        skipSpace();
        if (peek() == '}') {
          p++;
          return object.build();
        }
        do {
          int keyStart = key();
          object.add(name(keyStart, stop), tree(depth + 1));
        } while (nextMember());
        return object.build();
      }
      case '[': {
        if (depth > maxDepth) {
          throw GIVE_UP;
        }
        p++;
        JsonArrayBuilder array = PROVIDER.createArrayBuilder();
        skipSpace();
        if (peek() == ']') {
          p++;
          return array.build();
        }
        while (true) {
          array.add(tree(depth + 1));
          skipSpace();
          byte d = next();
          if (d == ']') {
            return array.build();
          }
          if (d != ',') {
            throw GIVE_UP;
          }
          skipSpace();
        }
      }
      case '"':
        string();
        return PROVIDER.createValue(text(start, stop));
      case 't':
        literal("true");
        return JsonValue.TRUE;
      case 'f':
        literal("false");
        return JsonValue.FALSE;
      case 'n':
        literal("null");
        return JsonValue.NULL;
      default: {
        int from = p;
        boolean integral = number();
        int digits = p - from - (b[from] == '-' ? 1 : 0);
        String text = text(from, p);
        if (integral && digits <= 9) {
          return PROVIDER.createValue(Integer.parseInt(text));
        }
        if (integral && digits <= 18) {
          return PROVIDER.createValue(Long.parseLong(text));
        }
        return PROVIDER.createValue(new BigDecimal(text));
      }
    }
  }

  /**
   * Checks one UTF-8 sequence at {@code i} (a byte past ASCII) as the JDK's strict decoder does
   * (no overlong forms, no surrogates, nothing past U+10FFFF) and answers the index after it.
   */
  private int utf8(int i, int limit) {
    int lead = b[i] & 0xFF;
    int n;
    int min2 = 0x80;
    int max2 = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      n = 1;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      n = 2;
      if (lead == 0xE0) {
        min2 = 0xA0;
      } else if (lead == 0xED) {
        max2 = 0x9F;
      }
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      n = 3;
      if (lead == 0xF0) {
        min2 = 0x90;
      } else if (lead == 0xF4) {
        max2 = 0x8F;
      }
    } else {
      throw GIVE_UP;
    }
    if (i + n >= limit) {
      throw GIVE_UP;
    }
    int second = b[i + 1] & 0xFF;
    if (second < min2 || second > max2) {
      throw GIVE_UP;
    }
    for (int k = 2; k <= n; k++) {
      int next = b[i + k] & 0xFF;
      if (next < 0x80 || next > 0xBF) {
        throw GIVE_UP;
      }
    }
    nonAscii = true;
    return i + n + 1;
  }

  /** A member name: one of the usual names as a shared constant, else new text. */
  private String name(int from, int to) {
    int length = to - from;
    for (Word w : NAMES) {
      if (is(from, length, w)) {
        return w.text;
      }
    }
    return text(from, to);
  }

  /** Skips one value whose object or array would sit at nesting {@code depth}. */
  private void skipValue(int depth) {
    byte c = peek();
    switch (c) {
      case '{':
        if (depth > maxDepth) {
          throw GIVE_UP;
        }
        p++;
        skipSpace();
        if (peek() == '}') {
          p++;
          return;
        }
        do {
          key();
          skipValue(depth + 1);
        } while (nextMember());
        return;
      case '[':
        if (depth > maxDepth) {
          throw GIVE_UP;
        }
        p++;
        skipSpace();
        if (peek() == ']') {
          p++;
          return;
        }
        while (true) {
          skipValue(depth + 1);
          skipSpace();
          byte d = next();
          if (d == ']') {
            return;
          }
          if (d != ',') {
            throw GIVE_UP;
          }
          skipSpace();
        }
      case '"':
        string();
        return;
      case 't':
        literal("true");
        return;
      case 'f':
        literal("false");
        return;
      case 'n':
        literal("null");
        return;
      default:
        number();
    }
  }

  /**
   * {@code -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?}, as RFC 8259 has it; true when
   * it has neither fraction nor exponent.
   */
  private boolean number() {
    int from = p;
    if (peek() == '-') {
      p++;
    }
    byte c = next();
    if (c == '0') {
      // no leading zeros
    } else if (c >= '1' && c <= '9') {
      digits();
    } else {
      throw GIVE_UP;
    }
    boolean integral = true;
    if (p < end && b[p] == '.') {
      p++;
      requireDigits();
      integral = false;
    }
    if (p < end && (b[p] == 'e' || b[p] == 'E')) {
      p++;
      if (p < end && (b[p] == '+' || b[p] == '-')) {
        p++;
      }
      requireDigits();
      integral = false;
    }
    if (p - from > MAX_NUMBER_LENGTH) {
      throw GIVE_UP;
    }
    return integral;
  }

  private void requireDigits() {
    byte c = next();
    if (c < '0' || c > '9') {
      throw GIVE_UP;
    }
    digits();
  }

  private void digits() {
    while (p < end && b[p] >= '0' && b[p] <= '9') {
      p++;
    }
  }

  private void literal(String word) {
    if (end - p < word.length()) {
      throw GIVE_UP;
    }
    for (int i = 0; i < word.length(); i++) {
      if (b[p + i] != word.charAt(i)) {
        throw GIVE_UP;
      }
    }
    p += word.length();
  }

  /** JSON's four whitespace bytes. */
  private void skipSpace() {
    while (p < end) {
      byte c = b[p];
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        return;
      }
      p++;
    }
  }

  private void expect(char c) {
    if (next() != c) {
      throw GIVE_UP;
    }
  }

  private byte peek() {
    if (p >= end) {
      throw GIVE_UP;
    }
    return b[p];
  }

  private byte next() {
    if (p >= end) {
      throw GIVE_UP;
    }
    return b[p++];
  }

  private boolean is(int from, int length, Word word) {
    if (length != word.length) {
      return false;
    }
    if (length >= 8) {
      // at most sixteen bytes: the first eight and the last eight, which may overlap
      return (long) LONGS.get(b, from) == word.head
          && (long) LONGS.get(b, from + length - 8) == word.tail;
    }
    if (end - from >= 8) {
      return ((long) LONGS.get(b, from) & word.mask) == word.head;
    }
    for (int i = 0; i < length; i++) {
      if (b[from + i] != (byte) (word.head >>> (8 * i))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Checked bytes as a String: a plain copy while the body has been ASCII so far, else decoded
   * (the checks made them valid UTF-8, so decoding replaces nothing).
   */
  private String text(int from, int to) {
    return new String(b, from, to - from,
        nonAscii ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  private static Word[] words(String... texts) {
    Word[] out = new Word[texts.length];
    for (int i = 0; i < texts.length; i++) {
      out[i] = new Word(texts[i]);
    }
    return out;
  }

  /** A member name or value to match, of at most sixteen ASCII bytes, held as longs. */
  private static final class Word {
    final String text;
    final int length;
    /** The first eight bytes (little-endian), or all of them, zero-padded, when fewer. */
    final long head;
    /** The last eight bytes, when there are at least eight. */
    final long tail;
    /** The bits of {@link #head} that hold the word, when it is shorter than eight bytes. */
    final long mask;

    Word(String text) {
      byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
      if (bytes.length == 0 || bytes.length > 16) {
        throw new IllegalArgumentException("a word must have 1 to 16 bytes: " + text);
      }
      byte[] padded = Arrays.copyOf(bytes, Math.max(8, bytes.length));
      this.text = text;
      this.length = bytes.length;
      this.head = (long) LONGS.get(padded, 0);
      this.tail = (long) LONGS.get(padded, padded.length - 8);
      this.mask = bytes.length >= 8 ? -1L : (1L << (8 * bytes.length)) - 1;
    }
  }
}
