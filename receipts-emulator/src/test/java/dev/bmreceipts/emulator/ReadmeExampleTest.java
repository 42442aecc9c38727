// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's "Test your integration offline" example, compiled and run, and kept in sync. */
class ReadmeExampleTest {
  // README:begin
  @Test
  void sendsAReadReceiptAndRetriesWhenGoogleIsBusy() throws Exception {
    try (Emulator api = Emulator.builder().accessToken("test-token").start()) {
      api.enqueue(Answer.status(503)); // the first call: Google is busy
      HttpRequest read = HttpRequest.newBuilder(api.uri().resolve("v1/conversations/c/messages/m/receipt"))
          .header("Authorization", "Bearer test-token").header("Content-Type", "application/json")
          .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"receiptType\":\"READ\"}")).build();
      HttpClient http = HttpClient.newHttpClient(); // stands for your code under test
      assertEquals(503, http.send(read, BodyHandlers.ofString()).statusCode());
      assertEquals(200, http.send(read, BodyHandlers.ofString()).statusCode());
      RecordedRequest first = api.takeRequest(Duration.ofSeconds(5));
      assertEquals("PATCH", first.method());
      assertEquals("{\"receiptType\":\"READ\"}", first.body());
      assertEquals("Bearer <redacted>", first.header("Authorization"));
    }
  }
  // README:end

  @Test
  void readmeShowsExactlyThisExample() throws Exception {
    Path self = Path.of("src/test/java/dev/bmreceipts/emulator/ReadmeExampleTest.java");
    List<String> source = Files.readAllLines(self);
    List<String> region = source.subList(source.indexOf("  // README:begin") + 1,
        source.indexOf("  // README:end")).stream().map(l -> l.isEmpty() ? l : l.substring(2))
        .toList();
    List<String> readme = Files.readAllLines(Path.of("../README.md"));
    int section = readme.indexOf("## Test your integration offline");
    int start = readme.subList(section, readme.size()).indexOf("```java") + section + 1;
    int end = readme.subList(start, readme.size()).indexOf("```") + start;
    assertEquals(region, readme.subList(start, end));
  }
}
