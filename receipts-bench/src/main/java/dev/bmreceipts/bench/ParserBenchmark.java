// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bmreceipts.core.WebhookParser;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Parsing one webhook body: ours against Jackson's tree ({@code readTree}), a hand-written Jackson
 * streaming extractor of the same fields, and the bare Parsson event loop (the floor of JSON-P).
 * Run with {@code -prof gc} for bytes allocated per operation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ParserBenchmark {
  /** Which fixture: see {@link Fixtures#NAMES}. */
  @Param({"receipts-1", "receipts-10", "receipts-100", "message"})
  public String payload;

  private byte[] body;
  private WebhookParser ours;
  private ObjectMapper mapper;
  private JacksonStreaming streaming;
  private ParssonFloor floor;

  /** Builds the body and the parsers, and checks that ours and Jackson's agree on it. */
  @Setup
  public void setup() {
    body = Fixtures.payload(payload);
    ours = WebhookParser.create();
    mapper = new ObjectMapper();
    streaming = JacksonStreaming.create();
    floor = ParssonFloor.create();
    Extracted a = Extracted.of(ours.parse(body));
    Extracted b = streaming.extract(body);
    if (!a.equals(b)) {
      throw new IllegalStateException("parsers disagree on " + payload + ": " + a + " vs " + b);
    }
  }

  /** Ours: {@code WebhookParser.parse(byte[])} into typed records. */
  @Benchmark
  public void ours(Blackhole bh) {
    bh.consume(ours.parse(body));
  }

  /** Jackson databind: {@code ObjectMapper.readTree(byte[])}, the whole tree, no field access. */
  @Benchmark
  public void jacksonTree(Blackhole bh) throws IOException {
    bh.consume(mapper.readTree(body));
  }

  /** Jackson streaming: the same fields and the same validated records as ours. */
  @Benchmark
  public void jacksonStreaming(Blackhole bh) {
    bh.consume(streaming.extract(body));
  }

  /** The bare Parsson event loop over the bytes: the floor of a parser built on JSON-P events. */
  @Benchmark
  public void parssonFloor(Blackhole bh) {
    bh.consume(floor.scan(body, bh::consume));
  }
}
