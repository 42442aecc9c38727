// SPDX-License-Identifier: Apache-2.0
/**
 * The receipt {@link dev.bmreceipts.http.journal.Journal}: a receipt listener that appends one JSON
 * line per accepted receipt before the webhook answers, and reads such files back for replay.
 */
package dev.bmreceipts.http.journal;
