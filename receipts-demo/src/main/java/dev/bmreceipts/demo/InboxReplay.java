// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.demo;

import dev.bmreceipts.http.ReceiptListener;
import dev.bmreceipts.http.journal.Journal;
import dev.bmreceipts.jdbc.JdbcStore;
import dev.bmreceipts.jdbc.StoreException;

/**
 * {@code report --store}: the inbox's receipts fed to what the report consumes, as a journal
 * replay would feed them. The one place where the report meets the store.
 */
final class InboxReplay {
  private InboxReplay() {}

  /** Passes every inbox receipt to {@code listener}; the counts as a journal replay's. */
  static Journal.Result replay(StoreUrl store, ReceiptListener listener) throws CommandFailure {
    try {
      JdbcStore s = JdbcStore.builder(store.dataSource()).build();
      s.checkSchema();
      JdbcStore.Replay r = s.replayReceipts(listener);
      return new Journal.Result(r.receipts() + r.skipped(), r.receipts(), 0, r.skipped(),
          0, r.skipped() == 0 ? "" : "inbox rows whose message is not a message name");
    } catch (StoreException e) {
      throw new CommandFailure("store " + store.masked() + ": " + e.getMessage());
    }
  }
}
