// SPDX-License-Identifier: Apache-2.0
/** Benchmarks and the baselines they are measured against. */
package dev.bmreceipts.bench;
