/** Benchmarks and the baselines they are measured against. */
package dev.bmreceipts.bench;
