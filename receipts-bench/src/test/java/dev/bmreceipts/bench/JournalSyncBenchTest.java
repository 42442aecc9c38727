// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal benchmark's sides each write exactly the appends they count, lines whole. */
class JournalSyncBenchTest {
  @TempDir Path dir;

  @Test
  void eachSideWritesWhatItCountsAndCleansUp() throws Exception {
    for (String side : new String[] {"sync", "bare", "nosync"}) {
      assertTrue(JournalSyncBench.once(dir, side, 3, 50) > 0, side);
    }
    try (var files = Files.list(dir)) {
      assertTrue(files.findAny().isEmpty(), "a journal file was left behind");
    }
  }
}
