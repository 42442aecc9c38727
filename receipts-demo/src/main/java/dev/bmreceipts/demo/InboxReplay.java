// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.demo;

import dev.bmreceipts.http.journal.Journal;
import dev.bmreceipts.jdbc.JdbcStore;
import dev.bmreceipts.jdbc.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code report --store}: the inbox's receipts written out as journal lines, which the archive
 * report then reads as it reads any journal. The one place where the report meets the store.
 */
final class InboxReplay {
  private InboxReplay() {}

  /** A temporary journal holding every inbox receipt; the caller deletes it. */
  static Path toJournal(StoreUrl store) throws CommandFailure, IOException {
    Path file = Files.createTempFile("bm-inbox-", ".jsonl");
    try (Journal.Writer w = Journal.open(file)) {
      JdbcStore s = JdbcStore.builder(store.dataSource()).build();
      s.checkSchema();
      s.replayReceipts(w);
      return file;
    } catch (StoreException e) {
      Files.deleteIfExists(file);
      throw new CommandFailure("store " + store.masked() + ": " + e.getMessage());
    }
  }
}
