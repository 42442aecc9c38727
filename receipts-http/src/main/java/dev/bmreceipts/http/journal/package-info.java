// SPDX-License-Identifier: Apache-2.0
/**
 * The receipt {@link dev.bmreceipts.http.journal.Journal}: a receipt listener that appends one JSON
 * line per accepted receipt before the webhook answers (forced to stable storage first, with
 * group commit, when asked), leaves the file as it was when an append fails, reads such files back
 * for replay, and gives back the dedupe keys of their recent lines to seed a restarted webhook.
 */
package dev.bmreceipts.http.journal;
