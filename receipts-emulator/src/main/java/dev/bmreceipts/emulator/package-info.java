// SPDX-License-Identifier: Apache-2.0
/**
 * A loopback stand-in for the Business Messages receipt API, RCS Business Messaging's agent events
 * and Google's OAuth token endpoint, for tests: {@link dev.bmreceipts.emulator.Emulator} (start,
 * {@code enqueue}, {@code takeRequest}, {@code push}, {@code pushRbm}),
 * {@link dev.bmreceipts.emulator.Answer}, {@link dev.bmreceipts.emulator.Dispatcher} and
 * {@link dev.bmreceipts.emulator.RecordedRequest}.
 */
package dev.bmreceipts.emulator;
