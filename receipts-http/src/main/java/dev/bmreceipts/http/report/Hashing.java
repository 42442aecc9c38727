// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.report;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A 64-bit hash of a byte range: eight bytes at a time, each step a bijective multiply-xorshift
 * mix, the length folded into the seed, then the splitmix64 finaliser. Not cryptographic; a
 * message's key is two of these (conversation id, message id), see {@link MessageTable}.
 */
final class Hashing {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long M1 = 0x9E3779B97F4A7C15L;
  private static final long M2 = 0xBF58476D1CE4E5B9L;
  private static final long M3 = 0x94D049BB133111EBL;

  private Hashing() {}

  static long hash(byte[] b, int off, int len, long seed) {
    long h = seed ^ (len * M1);
    int i = off;
    int end = off + len;
    for (; i + 8 <= end; i += 8) {
      h = step(h ^ (long) LONGS.get(b, i));
    }
    long tail = 0;
    for (int s = 0; i < end; i++, s += 8) {
      tail |= (b[i] & 0xFFL) << s;
    }
    h = step(h ^ tail);
    return fmix(h);
  }

  private static long step(long h) {
    h *= M2;
    return h ^ (h >>> 29);
  }

  static long fmix(long z) {
    z = (z ^ (z >>> 30)) * M2;
    z = (z ^ (z >>> 27)) * M3;
    return z ^ (z >>> 31);
  }
}
