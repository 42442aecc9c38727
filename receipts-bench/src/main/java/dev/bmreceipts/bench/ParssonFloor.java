// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.bench;

import jakarta.json.Json;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The floor of any parser built on JSON-P events: the bare Parsson event loop over the body's
 * bytes, reading every string value and doing nothing else (no field matching, no records, no
 * validation). Only a parser that scans the bytes itself can be faster. Thread-safe.
 */
public final class ParssonFloor {
  private final JsonParserFactory factory;

  private ParssonFloor(JsonParserFactory factory) {
    this.factory = Objects.requireNonNull(factory, "factory cannot be null");
  }

  /** A floor loop over the JSON-P provider found on the class path. */
  public static ParssonFloor create() {
    return new ParssonFloor(Json.createParserFactory(Map.of()));
  }

  /**
   * Runs the event loop over one UTF-8 body, handing each string value to {@code sink}.
   *
   * @return the number of events
   */
  public int scan(byte[] body, Consumer<String> sink) {
    int events = 0;
    ByteArrayInputStream in = new ByteArrayInputStream(body);
    try (JsonParser p = factory.createParser(in, StandardCharsets.UTF_8)) {
      while (p.hasNext()) {
        if (p.next() == JsonParser.Event.VALUE_STRING) {
          sink.accept(p.getString());
        }
        events++;
      }
    }
    return events;
  }
}
