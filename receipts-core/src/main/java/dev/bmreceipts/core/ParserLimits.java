// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.core;

/**
 * Bounds on what {@link WebhookParser} accepts; a body past any of them fails with a
 * {@link PayloadException}.
 *
 * @param maxDepth deepest nesting of objects and arrays (the body's own object is depth 1), 4 to
 *     500: from depth 1000 on Parsson fails on its own, with an exception that is not a JSON error
 * @param maxReceipts most receipts in one payload
 * @param maxStringLength longest string value or member name, in UTF-16 chars
 */
public record ParserLimits(int maxDepth, int maxReceipts, int maxStringLength) {
  /** Depth 64, 1000 receipts, 65,536 chars: far beyond any real payload, far below harm. */
  public static final ParserLimits DEFAULTS = new ParserLimits(64, 1_000, 65_536);

  public ParserLimits {
    if (maxDepth < 4) {
      throw new IllegalArgumentException("maxDepth must be at least 4, the depth of a receipt");
    }
    if (maxDepth > 500) {
      throw new IllegalArgumentException("maxDepth must be at most 500, well within what JSON-P implementations accept");
    }
    if (maxReceipts < 1) {
      throw new IllegalArgumentException("maxReceipts must be at least 1");
    }
    if (maxStringLength < 64) {
      throw new IllegalArgumentException("maxStringLength must be at least 64");
    }
  }

  public ParserLimits withMaxDepth(int value) {
    return new ParserLimits(value, maxReceipts, maxStringLength);
  }

  public ParserLimits withMaxReceipts(int value) {
    return new ParserLimits(maxDepth, value, maxStringLength);
  }

  public ParserLimits withMaxStringLength(int value) {
    return new ParserLimits(maxDepth, maxReceipts, value);
  }
}
