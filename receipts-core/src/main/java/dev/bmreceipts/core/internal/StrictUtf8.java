// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.core.internal;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict UTF-8 decoding: an invalid byte is an error, never a replacement character. Inside the
 * module only; not exported.
 */
public final class StrictUtf8 {
  private StrictUtf8() {}

  /** A decoding failure and the offset of the first bad byte. */
  public static final class MalformedException extends CharacterCodingException {
    private static final long serialVersionUID = 1L;
    private final int offset;

    MalformedException(int offset) {
      this.offset = offset;
    }

    /** Offset of the first invalid byte, counted from the start of the decoded range. */
    public int offset() {
      return offset;
    }
  }

  /**
   * Decodes {@code length} bytes from {@code offset}, skipping a leading byte-order mark. The
   * result's chars are {@code [0, position())} of its array.
   */
  public static CharBuffer decode(byte[] body, int offset, int length) throws MalformedException {
    int start = offset;
    if (length >= 3 && body[offset] == (byte) 0xEF && body[offset + 1] == (byte) 0xBB
        && body[offset + 2] == (byte) 0xBF) {
      start += 3;
    }
    ByteBuffer in = ByteBuffer.wrap(body, start, offset + length - start);
    CharBuffer out = CharBuffer.allocate(in.remaining());
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    CoderResult r = decoder.decode(in, out, true);
    if (r.isError()) {
      throw new MalformedException(in.position() - offset);
    }
    decoder.flush(out);
    return out;
  }
}
