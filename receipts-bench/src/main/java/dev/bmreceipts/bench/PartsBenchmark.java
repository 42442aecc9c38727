// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.bench;

import dev.bmreceipts.core.MessageName;
import dev.bmreceipts.core.Timestamp;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Where our parser's time goes, piece by piece: the per-field work it does beyond the bare event
 * loop. Not a target, a diagnostic for {@link ParserBenchmark} (run with {@code -prof gc}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PartsBenchmark {
  private String time = "2024-05-14T09:21:07.123456Z";
  private String name = "conversations/7d9e3a52-0c1f-4b5e-9a7d-2f1e6c3b8a90"
      + "/messages/3f0a9c1e-5b7d-4e2a-9c8f-000000000007";

  /** {@link Timestamp#parse}: done twice per receipts payload (sendTime, createTime). */
  @Benchmark
  public Timestamp timestamp() {
    return Timestamp.parse(time);
  }

  /** {@link Instant#parse} alone, which {@link Timestamp#parse} uses for a trailing {@code Z}. */
  @Benchmark
  public Instant instantParse() {
    return Instant.parse(time);
  }

  /** {@link MessageName#parse}: once per receipt, validating both ids. */
  @Benchmark
  public MessageName messageName() {
    return MessageName.parse(name);
  }
}
