// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.journal;

import dev.bmreceipts.core.InvalidMessageNameException;
import dev.bmreceipts.core.MessageName;
import dev.bmreceipts.core.Protocol;
import dev.bmreceipts.core.Receipt;
import dev.bmreceipts.core.ReceiptType;
import dev.bmreceipts.core.Timestamp;
import dev.bmreceipts.http.Deduplicator;
import dev.bmreceipts.http.ReceiptEvent;
import dev.bmreceipts.http.ReceiptListener;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;

/**
 * The receipt journal: one JSON object per line and per receipt, with the string members
 * {@code agent}, {@code conversationId}, {@code customAgentId}, {@code messageId},
 * {@code message}, {@code receiptType}, {@code createTime} and {@code sendTime} in that order,
 * every value the raw text the webhook received ({@code ""} when absent), then
 * {@code requestId} when the payload had one (lines written before it was added have none, and
 * still replay). The line holds exactly what was accepted: strings are escaped as JSON and
 * encoded as strict UTF-8, and a string that is not valid Unicode is refused, never replaced.
 *
 * <p><b>RCS Business Messaging.</b> A receipt of {@link Protocol#RBM} (see
 * {@link ReceiptEvent#of(dev.bmreceipts.core.rbm.RbmEnvelope, dev.bmreceipts.core.rbm.RbmUserEvent)})
 * has the same members with the same meaning (the user's phone in E.164 as the
 * {@code conversationId}, the event's {@code eventId} as the {@code requestId}), then one more,
 * always last: {@code "protocol":"rbm"}. For example (one line):
 *
 * <pre>{@code
 * {"agent":"agent-1","conversationId":"+15551234567","customAgentId":"","messageId":"msg-1",
 *  "message":"conversations/+15551234567/messages/msg-1","receiptType":"READ",
 *  "createTime":"2026-12-04T10:00:00Z","sendTime":"2026-12-04T10:00:01Z","requestId":"ev-1",
 *  "protocol":"rbm"}
 * }</pre>
 *
 * <p>A Business Messages receipt's line has no {@code protocol} member: it is byte for byte what
 * versions before RBM wrote, and a line without one replays as {@link Protocol#BUSINESS_MESSAGES}.
 *
 * <p>With the {@code requestId}, a journal also holds what the webhook's dedupe needs:
 * {@link #recentKeys} reads it back, so that a restarted webhook answers Google's redeliveries of
 * what it journaled before with 200 and passes them to nobody.
 *
 * <pre>{@code
 * try (Journal.Writer journal = Journal.open(Path.of("receipts.jsonl"))) {
 *   webhookBuilder.receiptListener(journal);   // every accepted receipt, one line
 * }
 * ReceiptMetrics m = ReceiptMetrics.builder().timeFromReceipts(true).build();
 * Journal.Result r = Journal.replay(Path.of("receipts.jsonl"), m);
 * System.out.print(MetricsReport.text(m.snapshot(), r));
 * }</pre>
 */
public final class Journal {
  /** Default {@link Builder#stallTimeout}: 5 s. */
  public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(5);

  private static final System.Logger LOG = System.getLogger(Journal.class.getName());

  private Journal() {}

  /** The journal line for one receipt, without the trailing newline: see the class's members. */
  public static String line(ReceiptEvent event) {
    Objects.requireNonNull(event, "event cannot be null");
    MessageName m = event.message();
    StringBuilder sb = new StringBuilder(256);
    sb.append('{');
    field(sb, "agent", event.agent()).append(',');
    field(sb, "conversationId", event.conversationId()).append(',');
    field(sb, "customAgentId", event.customAgentId()).append(',');
    field(sb, "messageId", m.messageId()).append(',');
    field(sb, "message", m.toString()).append(',');
    field(sb, "receiptType", event.receipt().rawType()).append(',');
    field(sb, "createTime", event.createTime().raw()).append(',');
    field(sb, "sendTime", event.sendTime().raw());
    if (event.requestId().isPresent()) {
      field(sb.append(','), "requestId", event.requestId().get());
    }
    if (event.protocol() != Protocol.BUSINESS_MESSAGES) {
      // Business Messages lines stay as they were; every other protocol says which it is, last
      field(sb.append(','), "protocol", event.protocol().id());
    }
    return sb.append('}').toString();
  }

  private static StringBuilder field(StringBuilder sb, String name, String value) {
    sb.append('"').append(name).append("\":\"");
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"':
          sb.append("\\\"");
          break;
        case '\\':
          sb.append("\\\\");
          break;
        case '\n':
          sb.append("\\n");
          break;
        case '\r':
          sb.append("\\r");
          break;
        case '\t':
          sb.append("\\t");
          break;
        default:
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
      }
    }
    return sb.append('"');
  }

  /**
   * Opens (or creates) a journal file for appending, with the defaults: no force per line.
   * Same as {@code builder(path).open()}.
   *
   * @throws JournalException when the file cannot be opened
   */
  public static Writer open(Path path) {
    return builder(path).open();
  }

  /** A builder for a writer of {@code path}; see {@link Builder#sync} and {@link Builder#stallTimeout}. */
  public static Builder builder(Path path) {
    return new Builder(Objects.requireNonNull(path, "path cannot be null"));
  }

  /**
   * The dedupe keys of a journal's recent lines, to seed a webhook's in-memory dedupe at start
   * ({@link Deduplicator#inMemory(int, Duration, Clock, List)}): for each Business Messages line,
   * its receipt's {@link Deduplicator#receiptKey} and, when the line has one, its
   * {@link Deduplicator#requestKey}; for each RCS Business Messaging line, the key the RBM webhook
   * dedupes on instead, {@link ReceiptEvent#rbmEventKey()} (an RBM line without a {@code
   * requestId}, or whose {@code conversationId} is not E.164, was not written from a webhook's
   * event and gives no key).
   * Each key is delivered at the line's {@code sendTime} (Google retries for up to 7 days from
   * it; {@code clock}'s now when it does not parse or lies ahead). Keys older than {@code maxAge}
   * are left out, and of the rest only the last {@code maxEntries} distinct keys in file order are
   * kept. Bad lines are skipped, as a replay skips them.
   *
   * <p>Reads the whole file once, holding at most {@code maxEntries} keys. A path that is not a
   * regular file (a device such as {@code /dev/full}, a pipe) has no recent keys: it is not read.
   *
   * @return the keys, each once, oldest line first
   * @throws JournalException when the file cannot be read
   */
  public static List<Deduplicator.Delivered> recentKeys(Path path, int maxEntries,
      Duration maxAge, Clock clock) {
    Objects.requireNonNull(maxAge, "maxAge cannot be null");
    Objects.requireNonNull(clock, "clock cannot be null, use Clock.systemUTC()");
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be at least 1, was " + maxEntries);
    }
    if (!Files.isRegularFile(path)) {
      return List.of();
    }
    Instant now = clock.instant();
    Instant oldest = now.minus(maxAge);
    Map<String, Instant> keys = new LinkedHashMap<>(16, 0.75f, false) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
        return size() > maxEntries;
      }
    };
    replay(path, e -> {
      Instant at = e.sendTime().instant().filter(t -> !t.isAfter(now)).orElse(now);
      if (at.isBefore(oldest)) {
        return;
      }
      // a key seen again moves to the end, as the newest
      if (e.protocol() == Protocol.RBM) {
        // the one key the RBM webhook claims; none for a line it cannot have written
        e.rbmEventKey().ifPresent(key -> {
          keys.remove(key);
          keys.put(key, at);
        });
        return;
      }
      e.requestId().ifPresent(id -> {
        String key = Deduplicator.requestKey(id);
        keys.remove(key);
        keys.put(key, at);
      });
      String key = Deduplicator.receiptKey(e.receipt());
      keys.remove(key);
      keys.put(key, at);
    });
    List<Deduplicator.Delivered> out = new ArrayList<>(keys.size());
    keys.forEach((k, at) -> out.add(new Deduplicator.Delivered(k, at)));
    return out;
  }

  /**
   * Replays a journal file into a listener; see {@link #replay(InputStream, ReceiptListener)}.
   *
   * @throws JournalException when the file cannot be read or the listener throws
   */
  public static Result replay(Path path, ReceiptListener listener) {
    Objects.requireNonNull(path, "path cannot be null");
    Objects.requireNonNull(listener, "listener cannot be null");
    try (InputStream in = Files.newInputStream(path)) {
      return replay(in, listener);
    } catch (IOException e) {
      throw new JournalException("cannot read the journal " + path + ": " + e.getMessage(), e);
    }
  }

  /**
   * Replays journal lines, in order, into a listener, one {@link ReceiptEvent} per line (with
   * the line's request id, empty on lines that have none, and its {@code protocol}:
   * {@link Protocol#BUSINESS_MESSAGES} on lines that have none). The stream is read as UTF-8
   * (invalid bytes become U+FFFD) and is not closed.
   *
   * <p><b>Bad lines are skipped, not fatal</b>: a blank line, or one that is not a JSON object
   * with a valid {@code message} (or {@code conversationId} and {@code messageId}), string
   * fields and a {@code protocol} this version knows ({@code bm} or {@code rbm}, when present),
   * is counted in the {@link Result} and the replay goes on, so that an archive with a
   * damaged or truncated line still gives its numbers. What is fatal is an I/O error or a listener
   * that throws: both stop the replay with a {@link JournalException} naming the line.
   *
   * @throws JournalException when the stream cannot be read or the listener throws
   */
  public static Result replay(InputStream in, ReceiptListener listener) {
    Objects.requireNonNull(in, "in cannot be null");
    Objects.requireNonNull(listener, "listener cannot be null");
    JsonReaderFactory json = Json.createReaderFactory(Map.of());
    BufferedReader reader =
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 65536);
    long lines = 0;
    long receipts = 0;
    long blank = 0;
    long bad = 0;
    long firstBadLine = 0;
    String firstBadReason = "";
    String text;
    while (true) {
      try {
        text = reader.readLine();
      } catch (IOException e) {
        throw new JournalException(
            "cannot read the journal after line " + lines + ": " + e.getMessage(), e);
      }
      if (text == null) {
        break;
      }
      lines++;
      if (text.isBlank()) {
        blank++;
        continue;
      }
      ReceiptEvent event;
      try {
        event = parse(json, text);
      } catch (BadLine e) {
        if (bad++ == 0) {
          firstBadLine = lines;
          firstBadReason = e.getMessage();
        }
        continue;
      }
      try {
        listener.onReceipt(event);
      } catch (Exception e) {
        throw new JournalException("the listener failed on journal line " + lines, e);
      }
      receipts++;
    }
    return new Result(lines, receipts, blank, bad, firstBadLine, firstBadReason);
  }

  private static ReceiptEvent parse(JsonReaderFactory json, String text) throws BadLine {
    JsonObject o;
    try (JsonReader r = json.createReader(new StringReader(text))) {
      o = r.readObject();
    } catch (JsonException | IllegalStateException e) {
      throw new BadLine("not a JSON object");
    }
    String conversationId = string(o, "conversationId");
    String messageId = string(o, "messageId");
    String message = string(o, "message");
    MessageName name;
    try {
      name = message.isEmpty()
          ? MessageName.of(conversationId, messageId)
          : MessageName.parse(message);
    } catch (InvalidMessageNameException e) {
      throw new BadLine("no valid message name");
    }
    Protocol protocol;
    try {
      protocol = Protocol.fromId(string(o, "protocol"));
    } catch (IllegalArgumentException e) {
      throw new BadLine("protocol is not bm or rbm");
    }
    String type = string(o, "receiptType");
    return new ReceiptEvent(
        new Receipt(name, ReceiptType.fromWire(type), type),
        string(o, "agent"), conversationId, string(o, "customAgentId"),
        o.containsKey("requestId") ? Optional.of(string(o, "requestId")) : Optional.empty(),
        Timestamp.parse(string(o, "sendTime")), Timestamp.parse(string(o, "createTime")),
        protocol);
  }

  private static String string(JsonObject o, String key) throws BadLine {
    JsonValue v = o.get(key);
    if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
      return "";
    }
    if (v instanceof JsonString) {
      return ((JsonString) v).getString();
    }
    throw new BadLine(key + " is not a string");
  }

  /** Why one line was skipped; never carries the line's content. */
  private static final class BadLine extends Exception {
    private static final long serialVersionUID = 1L;

    BadLine(String reason) {
      super(reason, null, false, false);
    }
  }

  /**
   * What a replay read.
   *
   * @param lines lines read, blank and bad ones included
   * @param receipts lines passed to the listener
   * @param blank blank lines skipped
   * @param bad lines skipped because they were not a journal entry
   * @param firstBadLine the 1-based number of the first bad line, 0 when none
   * @param firstBadReason why the first bad line was skipped, {@code ""} when none
   */
  public record Result(
      long lines, long receipts, long blank, long bad, long firstBadLine, String firstBadReason) {
    public Result {
      Objects.requireNonNull(firstBadReason, "firstBadReason cannot be null, use \"\"");
    }

    /** Lines skipped, blank or bad. */
    public long skipped() {
      return blank + bad;
    }
  }

  /**
   * Configures a {@link Writer}: {@link #sync} and {@link #stallTimeout}. Not thread-safe.
   */
  public static final class Builder {
    private final Path path;
    private boolean sync;
    private Duration stallTimeout = DEFAULT_STALL_TIMEOUT;
    private UnaryOperator<FileChannel> channels = UnaryOperator.identity();

    private Builder(Path path) {
      this.path = path;
    }

    /**
     * Whether each line is on stable storage ({@link FileChannel#force}) before
     * {@link Writer#onReceipts} returns, so before the webhook's 2xx (default false: the line is
     * in the operating system, which a killed process cannot lose but a power cut can). Requests
     * that wait at the same time share one force (group commit): threads of the writer's own,
     * {@code bm-journal-sync-1} and {@code -2}, each force once for every line written since a
     * force last began, while the lines written meanwhile gather for the next. A force that fails fails every request it
     * covered (their lines may stay in the file, and Google's redelivery then adds a second line
     * for the same receipt); later forces are not trusted for them.
     */
    public Builder sync(boolean sync) {
      this.sync = sync;
      return this;
    }

    /**
     * How long a request waits for the journal while another request's write (or force) has not
     * returned, before it fails with a {@link JournalException} (default 5 s). Once a write has
     * been stuck longer than this (a frozen or hung volume), every append fails at once rather
     * than waiting, so that the webhook's threads stay free for other work, such as a health
     * check, and Google is told to retry.
     */
    public Builder stallTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout cannot be null, use DEFAULT_STALL_TIMEOUT");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("stallTimeout must be positive, was " + timeout);
      }
      this.stallTimeout = timeout;
      return this;
    }

    /** Wraps the file's channel (for tests that make writes fail, block or count forces). */
    Builder channels(UnaryOperator<FileChannel> wrap) {
      this.channels = wrap;
      return this;
    }

    /**
     * Opens (or creates) the file for appending. A file whose last line has no newline (a
     * process that died part-way through a write of an older version) gets one, so that the next
     * line starts on a line of its own; the fragment stays, a bad line to a replay.
     *
     * @throws JournalException when the file cannot be opened
     */
    public Writer open() {
      FileChannel channel = null;
      try {
        channel = channels.apply(FileChannel.open(path, StandardOpenOption.CREATE,
            StandardOpenOption.WRITE, StandardOpenOption.APPEND));
        long size = channel.size();
        if (size > 0) {
          ByteBuffer last = ByteBuffer.allocate(1);
          try (FileChannel reader = FileChannel.open(path, StandardOpenOption.READ)) {
            reader.read(last, size - 1);
          }
          if (last.get(0) != '\n') {
            LOG.log(Level.WARNING, "the journal " + path + " ends part-way through a line; "
                + "ending it, so that new lines start on their own line");
            ByteBuffer newline = ByteBuffer.wrap(new byte[] {'\n'});
            while (newline.hasRemaining()) {
              channel.write(newline);
            }
          }
        }
        return new Writer(path, channel, sync, stallTimeout.toNanos());
      } catch (IOException | RuntimeException e) {
        if (channel != null) {
          try {
            channel.close();
          } catch (IOException suppressed) {
            e.addSuppressed(suppressed);
          }
        }
        throw new JournalException("cannot open the journal " + path + ": " + e.getMessage(), e);
      }
    }
  }

  /**
   * Appends one line per receipt to a journal file. Each request's lines go to the file in one
   * {@link FileChannel} write in append mode, with no buffering of ours: once
   * {@link #onReceipts} returns, the lines are in the operating system, so a killed process
   * loses nothing; with {@link Builder#sync}, they are on stable storage too.
   *
   * <p><b>A failed append leaves the file as it was</b>: when a write fails part-way (a full
   * disk, any I/O error), the file is truncated back to its size before the write, under the
   * writer's lock, so no fragment stays for the next line to be glued to. Should even that
   * truncation fail, the next append truncates first and fails unless it can, so a line always
   * starts on a line of its own. The request gets a {@link JournalException} (the webhook
   * answers 500) and Google's redelivery writes the whole line.
   *
   * <p>Thread-safe: concurrent receipts give whole lines, in some order.
   */
  public static final class Writer implements ReceiptListener, Closeable {
    private final Path path;
    private final FileChannel channel;
    private final boolean sync;
    private final long stallNanos;
    private final ReentrantLock lock = new ReentrantLock();
    /** When the write under way began (System.nanoTime), 0 when none is. */
    private volatile long writingSince;
    /** The size to truncate back to before the next write, -1 when the file is whole. */
    private long dirty = -1;
    /** With sync: the appends the next force covers; guarded by lock. */
    private Batch open = new Batch();
    /** Signalled when {@link #open} gains its first append, or the writer closes. */
    private final Condition pending = lock.newCondition();
    /** Guarded by lock. */
    private boolean closing;
    /** When the oldest force under way began (System.nanoTime), 0 when none is. */
    private volatile long syncingSince;
    /** Forces in flight at most. */
    private static final int SYNC_THREADS = 2;
    /**
     * With sync: the threads that force, each one batch at a time, so that one force can start
     * while another is in flight (the file system then commits them together, as it does for
     * concurrent fsyncs: with one thread, a bare write+force per thread outran group commit;
     * see bench/journal-sync.sh); empty without sync.
     */
    private final List<Thread> syncers;

    /** Appends waiting for one force, and its outcome. */
    private static final class Batch {
      final CountDownLatch forced = new CountDownLatch(1);
      volatile IOException failure;
      /** Guarded by the writer's lock. */
      int size;
    }

    private Writer(Path path, FileChannel channel, boolean sync, long stallNanos) {
      this.path = path;
      this.channel = channel;
      this.sync = sync;
      this.stallNanos = stallNanos;
      List<Thread> threads = new ArrayList<>();
      for (int i = 0; sync && i < SYNC_THREADS; i++) {
        Thread t = new Thread(this::syncLoop, "bm-journal-sync-" + (i + 1));
        t.setDaemon(true);
        t.start();
        threads.add(t);
      }
      this.syncers = List.copyOf(threads);
    }

    /**
     * Appends the receipt's {@link Journal#line} and a newline. Called on the webhook's request
     * threads.
     *
     * @throws JournalException when a field is not valid Unicode, the write or force fails, the
     *     journal is stalled or the writer is closed; nothing is left in the file then (but see
     *     {@link Builder#sync} for a failed force) and the webhook answers 5xx, so Google
     *     redelivers
     */
    @Override
    public void onReceipt(ReceiptEvent event) {
      append(line(event) + "\n");
    }

    /**
     * Appends one line per receipt of a payload with a single write, so that a payload costs one
     * system call, not one per receipt, and its lines are in the file all or none
     * (bench/README, webhook.sh change 5: (b)/(c) 0.59 to 0.67).
     *
     * @throws JournalException as {@link #onReceipt}
     */
    @Override
    public void onReceipts(List<ReceiptEvent> events) {
      StringBuilder lines = new StringBuilder(256 * events.size());
      for (ReceiptEvent event : events) {
        lines.append(line(event)).append('\n');
      }
      append(lines.toString());
    }

    /** Whether each append is forced to stable storage before it returns. */
    public boolean sync() {
      return sync;
    }

    private void append(String lines) {
      ByteBuffer buf = encode(lines);
      if (sync && stalled(syncingSince)) {
        // a line written now could not be forced: write none
        throw stalled("force");
      }
      Batch batch = null;
      enter(lock, writingSince, "write");
      try {
        writingSince = System.nanoTime() | 1;
        if (dirty >= 0) {
          channel.truncate(dirty);
          dirty = -1;
        }
        long before = channel.size();
        try {
          while (buf.hasRemaining()) {
            channel.write(buf);
          }
        } catch (IOException e) {
          dirty = before;
          channel.truncate(before);
          dirty = -1;
          throw e;
        }
        if (sync) {
          batch = open;
          if (batch.size++ == 0) {
            pending.signal();
          }
        }
      } catch (IOException e) {
        throw new JournalException("cannot append to the journal " + path + ": " + e
            + (dirty >= 0 ? "; the next append truncates it back first" : "; nothing written"), e);
      } finally {
        writingSince = 0;
        lock.unlock();
      }
      if (batch != null) {
        awaitForce(batch);
      }
    }

    /**
     * Group commit: a syncer takes the open batch (every append written since one was last
     * taken), forces once for all of them, and wakes them all at once; appends written meanwhile
     * gather in the next batch, which the other syncer may take while this force is in flight.
     * No request thread forces or waits for a lock to learn its fate.
     */
    private void syncLoop() {
      while (true) {
        Batch batch;
        lock.lock();
        try {
          while (open.size == 0 && !closing) {
            pending.awaitUninterruptibly();
          }
          if (open.size == 0) {
            return;
          }
          batch = open;
          open = new Batch();
        } finally {
          lock.unlock();
        }
        long started = System.nanoTime() | 1;
        if (syncingSince == 0) {
          syncingSince = started;
        }
        try {
          channel.force(false);
        } catch (IOException e) {
          // after a failed fsync the kernel may drop the pages and a later fsync succeed
          // without them: every append of this batch fails, whatever comes after
          batch.failure = e;
        } finally {
          if (syncingSince == started) {
            syncingSince = 0;
          }
          batch.forced.countDown();
        }
      }
    }

    private void awaitForce(Batch batch) {
      try {
        if (!batch.forced.await(stallNanos, TimeUnit.NANOSECONDS)) {
          throw stalled("force");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new JournalException("interrupted while waiting for the journal " + path, e);
      }
      IOException failure = batch.failure;
      if (failure != null) {
        throw new JournalException("cannot force the journal " + path + ": " + failure, failure);
      }
    }

    private boolean stalled(long since) {
      return since != 0 && System.nanoTime() - since > stallNanos;
    }

    /**
     * Takes {@code l} unless another holder is stalled: at once when its operation has run past
     * the stall timeout, else after waiting for it that long.
     */
    private void enter(ReentrantLock l, long since, String what) {
      if (stalled(since)) {
        throw stalled(what);
      }
      try {
        if (!l.tryLock(stallNanos, TimeUnit.NANOSECONDS)) {
          throw stalled(what);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new JournalException("interrupted while waiting for the journal " + path, e);
      }
    }

    private JournalException stalled(String what) {
      return new JournalException("the journal " + path + " is stalled: a " + what
          + " has not returned for over " + Duration.ofNanos(stallNanos).toMillis() + " ms", null);
    }

    /**
     * Forces what was written to the storage device.
     *
     * @throws JournalException when that fails or the writer is closed
     */
    public void flush() {
      try {
        channel.force(false);
      } catch (IOException e) {
        throw new JournalException("cannot flush the journal " + path + ": " + e, e);
      }
    }

    /**
     * Forces what was written to the device and closes the file; later calls do nothing.
     *
     * @throws JournalException when forcing or closing fails, or a write is stalled
     */
    @Override
    public void close() {
      if (!syncers.isEmpty()) {
        // the syncers force what is pending, then end
        enter(lock, writingSince, "write");
        try {
          closing = true;
          pending.signalAll();
        } finally {
          lock.unlock();
        }
        try {
          for (Thread t : syncers) {
            t.join(TimeUnit.NANOSECONDS.toMillis(stallNanos) + 1);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      enter(lock, writingSince, "write");
      try {
        if (!channel.isOpen()) {
          return;
        }
        try (FileChannel c = channel) {
          c.force(false);
        }
      } catch (IOException e) {
        throw new JournalException("cannot close the journal " + path + ": " + e, e);
      } finally {
        lock.unlock();
      }
    }
  }

  /** UTF-8, strictly: a string that is not valid Unicode is refused, never written as '?'. */
  private static ByteBuffer encode(String lines) {
    try {
      return StandardCharsets.UTF_8.newEncoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .encode(CharBuffer.wrap(lines));
    } catch (CharacterCodingException e) {
      throw new JournalException("a receipt field is not valid Unicode (an unpaired surrogate); "
          + "nothing written", e);
    }
  }
}
