// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LongHashTableTest {
  /** A table with a fixed seed, for repeatable hashes. */
  private static final LongHashTable SEEDED = new LongHashTable(0, 1, 42L);
  /** A key of the model: both halves. */
  private record Key(long k1, long k2) {}

  /**
   * Keys that collide on purpose: their home slots are the first 7 and the last 7 of the index
   * whatever its size (so runs wrap around its end), and every k1 is shared by two keys that
   * differ in k2 alone.
   */
  private static Key crowded(int id) {
    int pair = id / 2;
    long low = pair % 2 == 0 ? pair % 7 + 1 : 0xFFFF_FFFFL - pair % 7;
    return new Key(((long) pair << 32) | low, 1000L + id);
  }

  private static Key spread(Random random) {
    long k1;
    do {
      k1 = random.nextLong();
    } while (k1 == 0);
    return new Key(k1, random.nextLong());
  }

  /** Checks every entry, the size, the used entries and the order against the model. */
  private static void assertSame(LongHashTable t, Map<Key, long[]> model, Set<Key> order) {
    assertEquals(model.size(), t.size());
    for (Map.Entry<Key, long[]> e : model.entrySet()) {
      int slot = t.find(e.getKey().k1(), e.getKey().k2());
      assertTrue(slot >= 0, "missing " + e.getKey());
      assertEquals(e.getValue()[0], t.get(slot, 0), "column 0 of " + e.getKey());
      assertEquals(e.getValue()[1], t.get(slot, 1), "column 1 of " + e.getKey());
      assertEquals(order.contains(e.getKey()), t.isLinked(slot));
    }
    int used = 0;
    for (int s = 0; s < t.bound(); s++) {
      used += t.used(s) ? 1 : 0;
    }
    assertEquals(model.size(), used);
    assertEquals(order.size(), t.linked());
    Map<Integer, Key> bySlot = new HashMap<>();
    for (Key k : model.keySet()) {
      bySlot.put(t.find(k.k1(), k.k2()), k);
    }
    List<Key> walked = new ArrayList<>();
    for (int s = t.oldest(); s != LongHashTable.NONE; s = t.newer(s)) {
      walked.add(bySlot.get(s));
    }
    assertEquals(new ArrayList<>(order), walked);
  }

  @Test
  void randomOperationsOnCollidingKeysMatchAHashMapWithPrefetchesBetween() {
    Random random = new Random(42);
    LongHashTable t = new LongHashTable(2);
    Map<Key, long[]> model = new HashMap<>();
    Set<Key> order = new LinkedHashSet<>();
    long[] batch = new long[3 * 4];
    for (int op = 0; op < 20_000; op++) {
      Key k = crowded(random.nextInt(600));
      // prefetches read only: any count, past the order list's length or none, changes nothing
      for (int i = 0; i < 4; i++) {
        batch[3 * i] = crowded(random.nextInt(600)).k1();
      }
      t.prefetch(batch, 3, random.nextInt(5));
      t.prefetchOldest(random.nextInt(-2, 8));
      int slot = t.find(k.k1(), k.k2());
      assertEquals(model.containsKey(k), slot >= 0, "find " + k + " at op " + op);
      switch (random.nextInt(6)) {
        case 0, 1 -> { // insert or update
          long a = random.nextLong();
          long b = random.nextLong();
          if (slot < 0) {
            slot = t.insert(k.k1(), k.k2());
            assertEquals(0, t.get(slot, 0));
            assertEquals(0, t.get(slot, 1));
          }
          t.set(slot, 0, a);
          t.set(slot, 1, b);
          model.put(k, new long[] {a, b});
        }
        case 2, 3 -> { // remove
          if (slot >= 0) {
            t.remove(slot);
            model.remove(k);
            order.remove(k);
          }
        }
        case 4 -> { // to the newest end of the order
          if (slot >= 0) {
            t.append(slot);
            order.remove(k);
            order.add(k);
          }
        }
        default -> { // out of the order
          if (slot >= 0) {
            t.unlink(slot);
            order.remove(k);
          }
        }
      }
      if (op % 97 == 0) {
        assertSame(t, model, order);
      }
    }
    assertSame(t, model, order);
    // and emptied again, oldest first, then the rest
    int oldest;
    while ((oldest = t.oldest()) != LongHashTable.NONE) {
      Key first = order.iterator().next();
      assertEquals(t.find(first.k1(), first.k2()), oldest);
      t.remove(oldest);
      order.remove(first);
      model.remove(first);
    }
    for (Key k : new ArrayList<>(model.keySet())) {
      t.remove(t.find(k.k1(), k.k2()));
      model.remove(k);
    }
    assertSame(t, model, order);
  }

  @Test
  void removalShiftsBackAcrossTheEndOfTheIndex() {
    LongHashTable t = new LongHashTable(1);
    int last = t.indexSlots() - 1;
    // six keys whose home is the last index slot: their run wraps to slots 0..4
    List<Key> keys = new ArrayList<>();
    List<Integer> entries = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      Key k = new Key(((long) (i + 1) << 32) | last, i);
      keys.add(k);
      int e = t.insert(k.k1(), k.k2());
      t.set(e, 0, 100 + i);
      entries.add(e);
    }
    Key absent = new Key(((long) 99 << 32) | last, 99);
    t.remove(entries.get(0));
    t.remove(entries.get(3));
    assertEquals(LongHashTable.NONE, t.find(keys.get(0).k1(), keys.get(0).k2()));
    assertEquals(LongHashTable.NONE, t.find(keys.get(3).k1(), keys.get(3).k2()));
    assertEquals(LongHashTable.NONE, t.find(absent.k1(), absent.k2()));
    for (int i : List.of(1, 2, 4, 5)) {
      assertEquals(entries.get(i), t.find(keys.get(i).k1(), keys.get(i).k2()), "key " + i);
      assertEquals(100 + i, t.get(entries.get(i), 0));
    }
    assertEquals(4, t.size());
    // the freed numbers are reused, newest freed first, with their values cleared
    int again = t.insert(keys.get(0).k1(), keys.get(0).k2());
    assertEquals(entries.get(3), again);
    assertEquals(0, t.get(again, 0));
    assertEquals(entries.get(0), t.insert(absent.k1(), absent.k2()));
    assertEquals(6, t.bound());
  }

  @Test
  void growsByDoublingOnlyAsFarAsTheEntriesNeed() {
    LongHashTable t = new LongHashTable(1);
    assertEquals(16, t.indexSlots());
    assertEquals(16, t.capacity());
    Random random = new Random(7);
    List<Key> keys = new ArrayList<>();
    List<Integer> entries = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      Key k = spread(random);
      keys.add(k);
      int e = t.insert(k.k1(), k.k2());
      entries.add(e);
      t.set(e, 0, i);
      t.append(e);
      assertTrue(t.size() <= t.indexSlots() / 2, "load at " + t.size());
    }
    // 10,000 entries need 20,000 index slots at 1/2, and 10,000 places
    assertEquals(32_768, t.indexSlots());
    assertEquals(16_384, t.capacity());
    for (int i = 0; i < keys.size(); i++) {
      // entry numbers survive every growth
      assertEquals(entries.get(i), t.find(keys.get(i).k1(), keys.get(i).k2()));
      assertEquals(i, t.get(entries.get(i), 0));
    }
    // the order survived every growth
    int i = 0;
    for (int s = t.oldest(); s != LongHashTable.NONE; s = t.newer(s)) {
      assertEquals(i++, t.get(s, 0));
    }
    assertEquals(10_000, i);
  }

  @Test
  void entriesGrowToTheExpectedCountExactlyThenByAnEighth() {
    LongHashTable t = new LongHashTable(5, 1_000);
    Random random = new Random(5);
    List<Integer> capacities = new ArrayList<>();
    for (int i = 0; i < 1_200; i++) {
      Key k = spread(random);
      t.insert(k.k1(), k.k2());
      if (capacities.isEmpty() || capacities.get(capacities.size() - 1) != t.capacity()) {
        capacities.add(t.capacity());
      }
    }
    assertEquals(List.of(16, 32, 64, 128, 256, 512, 1_000, 1_125, 1_265), capacities);
    // an owner that evicts the oldest at its cap never needs more
    LongHashTable capped = new LongHashTable(5, 1_000);
    for (int i = 0; i < 50_000; i++) {
      if (capped.size() == 1_000) {
        capped.remove(capped.oldest());
      }
      Key k = spread(random);
      capped.append(capped.insert(k.k1(), k.k2()));
    }
    assertEquals(1_000, capped.capacity());
    assertEquals(1_000, capped.bound());
    assertEquals(2_048, capped.indexSlots());
  }

  @Test
  void evictingTheOldestGivesInsertionOrderWhileEntriesShiftAndGrow() {
    Random random = new Random(11);
    LongHashTable t = new LongHashTable(1);
    long next = 0;
    long expectedOldest = 0;
    for (int round = 0; round < 5_000; round++) {
      Key k = crowded(round);
      int slot = t.insert(k.k1(), k.k2());
      t.set(slot, 0, next++);
      t.append(slot);
      while (t.size() > 300 || (t.size() > 0 && random.nextInt(4) == 0)) {
        int oldest = t.oldest();
        assertEquals(expectedOldest++, t.get(oldest, 0));
        t.remove(oldest);
      }
    }
    assertTrue(t.size() <= 300);
    assertEquals(next - expectedOldest, t.size());
  }

  @Test
  void rejectsAZeroFirstHalfNegativeColumnsAndNoExpectedCount() {
    assertEquals("the first half of a key must not be 0",
        assertThrows(IllegalArgumentException.class, () -> new LongHashTable(1).insert(0, 5))
            .getMessage());
    assertEquals("columns must not be negative, got -1",
        assertThrows(IllegalArgumentException.class, () -> new LongHashTable(-1)).getMessage());
    assertEquals("expected must be positive, got 0",
        assertThrows(IllegalArgumentException.class, () -> new LongHashTable(1, 0)).getMessage());
  }

  @Test
  void hashesOfDistinctKeysDifferInBothHalvesAndPairsAreUnambiguous() {
    Set<Long> firsts = new HashSet<>();
    Set<Long> seconds = new HashSet<>();
    int n = 200_000;
    for (int i = 0; i < n; i++) {
      String key = "conversations/c-" + (i % 97) + "/messages/m-" + i + "|DELIVERED";
      long h1 = SEEDED.hash(key).k1();
      assertNotEquals(0, h1);
      firsts.add(h1);
      seconds.add(SEEDED.hash(key).k2());
    }
    // 64-bit collisions among 200,000 random values: expected 1e-9
    assertEquals(n, firsts.size());
    assertEquals(n, seconds.size());
    assertNotEquals(SEEDED.hash("ab", "c").k1(), SEEDED.hash("a", "bc").k1());
    assertNotEquals(SEEDED.hash("ab", "c").k2(), SEEDED.hash("a", "bc").k2());
    assertNotEquals(SEEDED.hash("a\0", "b").k1(), SEEDED.hash("a", "b").k1());
    assertNotEquals(SEEDED.hash("").k1(), SEEDED.hash("\0").k1());
    assertNotEquals(SEEDED.hash("a", "").k1(), SEEDED.hash("", "a").k1());
    assertEquals(SEEDED.hash("c", "m"), SEEDED.hash(new String("c"), "m"));
  }

  @Test
  void oneChangedCharFlipsAboutHalfOfTheBitsOfEachHalf() {
    Random random = new Random(3);
    long flips1 = 0;
    long flips2 = 0;
    long same = 0;
    int n = 5_000;
    for (int i = 0; i < n; i++) {
      char[] chars = new char[1 + random.nextInt(40)];
      for (int j = 0; j < chars.length; j++) {
        chars[j] = (char) ('0' + random.nextInt(75));
      }
      String a = new String(chars);
      chars[random.nextInt(chars.length)] ^= (char) (1 << random.nextInt(7));
      String b = new String(chars);
      long d1 = SEEDED.hash(a).k1() ^ SEEDED.hash(b).k1();
      long d2 = SEEDED.hash(a).k2() ^ SEEDED.hash(b).k2();
      flips1 += Long.bitCount(d1);
      flips2 += Long.bitCount(d2);
      // the two halves must not change alike
      same += Long.bitCount(~(d1 ^ d2));
    }
    assertTrue(Math.abs(flips1 / (double) n - 32) < 0.5, "first half flips " + flips1 / (double) n);
    assertTrue(Math.abs(flips2 / (double) n - 32) < 0.5, "second half flips " + flips2 / (double) n);
    assertTrue(Math.abs(same / (double) n - 32) < 0.5, "halves alike " + same / (double) n);
  }

  @Test
  void eachTableHashesWithItsOwnSeed() {
    String key = "conversations/c/messages/m|READ";
    LongHashTable a = new LongHashTable(1, 10);
    LongHashTable b = new LongHashTable(1, 10);
    assertNotEquals(a.hash(key), b.hash(key));
    assertEquals(a.hash(key), a.hash(new String(key)));
    assertEquals(new LongHashTable(0, 1, 7).hash(key), new LongHashTable(0, 1, 7).hash(key));
    assertNotEquals(new LongHashTable(0, 1, 7).hash(key).k1(), new LongHashTable(0, 1, 8).hash(key).k1());
  }

  @Test
  void keysCraftedToShareASlotUnderOneSeedSpreadUnderAnother() {
    // the keys an attacker who knew seed 1 would send: all with the same 10 low bits
    LongHashTable known = new LongHashTable(0, 1, 1L);
    List<String> crafted = new ArrayList<>();
    for (int i = 0; crafted.size() < 100; i++) {
      String key = "conversations/c/messages/m-" + i + "|READ";
      if ((known.hash(key).k1() & 1023) == 0) {
        crafted.add(key);
      }
    }
    LongHashTable other = new LongHashTable(0, 1, 2L);
    Map<Long, Integer> perSlot = new HashMap<>();
    for (String key : crafted) {
      perSlot.merge(other.hash(key).k1() & 1023, 1, Integer::sum);
    }
    // 100 keys in 1024 slots at random: the fullest slot holds 3 or 4
    int fullest = perSlot.values().stream().max(Integer::compare).orElseThrow();
    assertTrue(fullest <= 6, "fullest slot under another seed: " + fullest);
  }
}
