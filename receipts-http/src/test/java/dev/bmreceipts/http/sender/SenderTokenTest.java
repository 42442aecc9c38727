// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.sender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.bmreceipts.core.AgentReceipts;
import dev.bmreceipts.core.MessageName;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Tokens the API refuses, and fixed tokens that cannot work. */
class SenderTokenTest {
  private static void unauthorized(RawServer.Request request, java.io.OutputStream out) throws java.io.IOException {
    byte[] body = AgentReceipts.errorBody(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.");
    out.write(("HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: " + body.length
        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(body);
  }

  @Test
  void aFixedTokenRefusedWith401IsNotSentAgain() throws Exception {
    try (RawServer server = new RawServer((request, out, in) -> unauthorized(request, out));
        ReceiptSender sender = ReceiptSender.builder().apiRoot(server.root())
            .tokens(AccessTokenProvider.fixed("tok-fixed-1")).build()) {
      ReceiptSendException e = assertThrows(ReceiptSendException.class,
          () -> sender.sendReadAndWait(MessageName.of("c", "m")));
      assertInstanceOf(ReceiptSendException.Rejected.class, e);
      assertEquals("401 UNAUTHENTICATED: Request had invalid authentication credentials. (1 attempt)",
          e.getMessage());
      assertEquals(1, server.requests().size());
    }
  }

  @Test
  void aRefreshingProviderIsAskedOnceAndItsFreshTokenSentOnce() throws Exception {
    List<String> asked = new CopyOnWriteArrayList<>();
    AccessTokenProvider tokens = new AccessTokenProvider() {
      @Override
      public String accessToken() {
        return "tok-old";
      }

      @Override
      public String refresh(String rejected) {
        asked.add(rejected);
        return "tok-new";
      }
    };
    try (RawServer server = new RawServer((request, out, in) -> unauthorized(request, out));
        ReceiptSender sender = ReceiptSender.builder().apiRoot(server.root()).tokens(tokens).build()) {
      ReceiptSendException e = assertThrows(ReceiptSendException.Rejected.class,
          () -> sender.sendReadAndWait(MessageName.of("c", "m")));
      assertEquals(2, e.attempts());
      assertEquals(List.of("tok-old"), asked);
      assertEquals(List.of("Bearer tok-old", "Bearer tok-new"),
          server.requests().stream().map(r -> r.header("Authorization")).toList());
    }
  }

  @Test
  void fixedNamesWhatIsWrongWithoutEchoingTheToken() {
    NullPointerException none = assertThrows(NullPointerException.class, () -> AccessTokenProvider.fixed(null));
    assertEquals("token cannot be null (an unset environment variable?); for tokens that expire use"
        + " receipts-auth", none.getMessage());
    assertEquals("token cannot be empty",
        assertThrows(IllegalArgumentException.class, () -> AccessTokenProvider.fixed("")).getMessage());
    IllegalArgumentException newline = assertThrows(IllegalArgumentException.class,
        () -> AccessTokenProvider.fixed("ya29.secret\n"));
    assertEquals("token must not contain whitespace or control characters (a trailing newline?)",
        newline.getMessage());
    assertFalse(newline.getMessage().contains("ya29"));
  }
}
