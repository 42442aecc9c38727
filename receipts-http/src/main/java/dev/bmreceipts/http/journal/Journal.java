// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.journal;

import dev.bmreceipts.core.InvalidMessageNameException;
import dev.bmreceipts.core.MessageName;
import dev.bmreceipts.core.Receipt;
import dev.bmreceipts.core.ReceiptType;
import dev.bmreceipts.core.Timestamp;
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
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The receipt journal: one JSON object per line and per receipt, with the string members
 * {@code agent}, {@code conversationId}, {@code customAgentId}, {@code messageId},
 * {@code message}, {@code receiptType}, {@code createTime} and {@code sendTime} in that order,
 * every value the raw text the webhook received ({@code ""} when absent).
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
  private Journal() {}

  /** The journal line for one receipt, without the trailing newline. */
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
   * Opens (or creates) a journal file for appending.
   *
   * @throws JournalException when the file cannot be opened
   */
  public static Writer open(Path path) {
    Objects.requireNonNull(path, "path cannot be null");
    try {
      return new Writer(path, FileChannel.open(path, StandardOpenOption.CREATE,
          StandardOpenOption.WRITE, StandardOpenOption.APPEND));
    } catch (IOException e) {
      throw new JournalException("cannot open the journal " + path + ": " + e.getMessage(), e);
    }
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
   * Replays journal lines, in order, into a listener, one {@link ReceiptEvent} per line (with no
   * request id). The stream is read as UTF-8 (invalid bytes become U+FFFD) and is not closed.
   *
   * <p><b>Bad lines are skipped, not fatal</b>: a blank line, or one that is not a JSON object
   * with a valid {@code message} (or {@code conversationId} and {@code messageId}) and string
   * fields, is counted in the {@link Result} and the replay goes on, so that an archive with a
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
    String type = string(o, "receiptType");
    return new ReceiptEvent(
        new Receipt(name, ReceiptType.fromWire(type), type),
        string(o, "agent"), conversationId, string(o, "customAgentId"), Optional.empty(),
        Timestamp.parse(string(o, "sendTime")), Timestamp.parse(string(o, "createTime")));
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
   * Appends one line per receipt to a journal file. Each line goes to the file in one
   * {@link FileChannel} write in append mode, with no buffering of ours: once
   * {@link #onReceipt} returns, the line is in the operating system, so a killed process loses
   * nothing (a machine crash can still lose what was not yet forced; see {@link #flush()}).
   * Thread-safe: concurrent receipts give whole lines, in some order.
   */
  public static final class Writer implements ReceiptListener, Closeable {
    private final Path path;
    private final FileChannel channel;
    private final ReentrantLock lock = new ReentrantLock();

    private Writer(Path path, FileChannel channel) {
      this.path = path;
      this.channel = channel;
    }

    /**
     * Appends the receipt's {@link Journal#line} and a newline. Called on the webhook's request
     * threads.
     *
     * @throws JournalException when the write fails or the writer is closed; the webhook then
     *     answers 5xx and Google redelivers
     */
    @Override
    public void onReceipt(ReceiptEvent event) {
      append(line(event) + "\n");
    }

    /**
     * Appends one line per receipt of a payload with a single write, so that a payload costs one
     * system call, not one per receipt (bench/README, webhook.sh change 5: (b)/(c) 0.59 to 0.67).
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

    private void append(String lines) {
      ByteBuffer buf = ByteBuffer.wrap(lines.getBytes(StandardCharsets.UTF_8));
      lock.lock();
      try {
        while (buf.hasRemaining()) {
          channel.write(buf);
        }
      } catch (IOException e) {
        throw new JournalException("cannot append to the journal " + path + ": " + e, e);
      } finally {
        lock.unlock();
      }
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
     * @throws JournalException when forcing or closing fails
     */
    @Override
    public void close() {
      lock.lock();
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
}
