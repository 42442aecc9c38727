// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MessageNameTest {
  private static final String FORM =
      "message name must have the form conversations/{conversationId}/messages/{messageId}";

  @ParameterizedTest
  @ValueSource(strings = {
      "conversations/c/messages/m",
      "conversations/8d5bd2b2-7a51-4b0c-9e2c-3c5d3d6a0a11/messages/MESSAGE_ID_1",
      "conversations/a%2Fb/messages/m%20n",
      "conversations/\u00e7a/messages/\u00e9t\u00e9 \ud83d\udc4b",
      "conversations/messages/messages/conversations"})
  void roundTrips(String name) {
    MessageName parsed = MessageName.parse(name);
    assertEquals(name, parsed.toString());
    assertEquals(parsed, MessageName.of(parsed.conversationId(), parsed.messageId()));
    assertEquals(name + "/receipt", parsed.receiptName());
  }

  @Test
  void splitsIntoIdsAndKeepsPercentEncodingAsReceived() {
    MessageName n = MessageName.parse("conversations/a%2Fb/messages/m-1");
    assertEquals("a%2Fb", n.conversationId());
    assertEquals("m-1", n.messageId());
    assertEquals("conversations/a%2Fb/messages/m-1/receipt", n.receiptName());
    assertEquals(new MessageName("a%2Fb", "m-1"), n);
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "''                                                    | " + FORM,
      "conversations/                                        | " + FORM,
      "conversations/c                                       | " + FORM,
      "conversation/c/messages/m                             | " + FORM,
      "Conversations/c/messages/m                            | " + FORM,
      "/conversations/c/messages/m                           | " + FORM,
      "' conversations/c/messages/m'                         | " + FORM,
      "https://example.com/v1/conversations/c/messages/m     | " + FORM,
      "conversations/c/message/m                             | " + FORM,
      "conversations/messages/m                              | " + FORM,
      "conversations//messages/m                             | conversationId must not be empty",
      "conversations/c/messages/                             | messageId must not be empty",
      "conversations//messages/                              | conversationId must not be empty",
      "conversations/c/messages/m/                           | messageId must not contain '/'",
      "conversations/c/messages/m/receipt                    | messageId must not contain '/'",
      "conversations/c/messages//m                           | messageId must not contain '/'",
      "conversations/a/b/messages/m                          | conversationId must not contain '/'",
      "conversations/c//messages/m                           | conversationId must not contain '/'"})
  void rejectsInvalidForms(String name, String message) {
    InvalidMessageNameException e = assertThrows(InvalidMessageNameException.class, () -> MessageName.parse(name));
    assertEquals(message, e.getMessage());
    assertInstanceOf(IllegalArgumentException.class, e);
  }

  @ParameterizedTest
  @ValueSource(strings = {"\u0000", "\u0007", "\t", "\n", "\r", "\u001f", "\u007f", "\u0085", "\u009f"})
  void rejectsControlCharactersInEitherId(String control) {
    assertEquals("conversationId must not contain control characters",
        assertThrows(InvalidMessageNameException.class,
            () -> MessageName.parse("conversations/c" + control + "/messages/m")).getMessage());
    assertEquals("messageId must not contain control characters",
        assertThrows(InvalidMessageNameException.class,
            () -> MessageName.parse("conversations/c/messages/m" + control)).getMessage());
    assertEquals("messageId must not contain control characters",
        assertThrows(InvalidMessageNameException.class, () -> MessageName.of("c", control)).getMessage());
  }

  @Test
  void namesWhicheverOffenceComesFirstInAnId() {
    assertEquals("messageId must not contain control characters",
        assertThrows(InvalidMessageNameException.class, () -> MessageName.of("c", "m\u0007/x")).getMessage());
    assertEquals("messageId must not contain '/'",
        assertThrows(InvalidMessageNameException.class, () -> MessageName.of("c", "m/\u0007x")).getMessage());
    assertEquals("conversationId must not contain control characters",
        assertThrows(InvalidMessageNameException.class, () -> MessageName.of("\u009f/", "m")).getMessage());
    // the edges of the control ranges are ordinary characters
    for (String id : new String[] {" ", "~", "\u00a0", "\u0100", "\uffff"}) {
      assertEquals(id, MessageName.of("c", id).messageId());
    }
  }

  @Test
  void theConstructorChecksIdsLikeParse() {
    assertEquals("conversationId must not be empty",
        assertThrows(InvalidMessageNameException.class, () -> MessageName.of("", "m")).getMessage());
    assertEquals("messageId must not contain '/'",
        assertThrows(InvalidMessageNameException.class, () -> new MessageName("c", "m/x")).getMessage());
    assertEquals("conversationId cannot be null",
        assertThrows(NullPointerException.class, () -> MessageName.of(null, "m")).getMessage());
    assertEquals("messageId cannot be null",
        assertThrows(NullPointerException.class, () -> MessageName.of("c", null)).getMessage());
    assertEquals("message name cannot be null",
        assertThrows(NullPointerException.class, () -> MessageName.parse(null)).getMessage());
  }

  @Test
  void checkIdReturnsAValidIdAndNamesTheValueItRejects() {
    assertEquals("abc", MessageName.checkId("conversation", "abc"));
    assertEquals("conversation must not contain '/'",
        assertThrows(InvalidMessageNameException.class, () -> MessageName.checkId("conversation", "a/b")).getMessage());
  }

  @Test
  void messagesNeverRepeatTheInput() {
    String secret = "SECRETVALUE";
    for (String name : new String[] {secret, "conversations/" + secret + "/x/messages/m",
        "conversations/c/messages/" + secret + "\n"}) {
      String message = assertThrows(InvalidMessageNameException.class, () -> MessageName.parse(name)).getMessage();
      assertFalse(message.contains(secret), message);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"s\ud800", "s\udc00", "\udc4b\ud83d", "\ud83d", "a\ud800b"})
  void rejectsAnUnpairedSurrogateInAnId(String id) {
    assertEquals("messageId must not contain an unpaired surrogate (not valid Unicode)",
        assertThrows(InvalidMessageNameException.class, () -> MessageName.of("c", id)).getMessage());
    assertEquals("conversationId must not contain an unpaired surrogate (not valid Unicode)",
        assertThrows(InvalidMessageNameException.class, () -> MessageName.of(id, "m")).getMessage());
  }

  @Test
  void acceptsASurrogatePair() {
    assertEquals("\ud83d\udc4b", MessageName.of("c", "\ud83d\udc4b").messageId());
  }

  @Test
  void unpairedSurrogateIsFoundExactly() {
    assertEquals(-1, MessageName.unpairedSurrogate("a\ud83d\udc4bb", 0, 4));
    assertEquals(1, MessageName.unpairedSurrogate("a\ud83d\udc4bb", 0, 2));
    assertEquals(2, MessageName.unpairedSurrogate("a\ud83d\udc4bb", 2, 4));
    assertEquals(0, MessageName.unpairedSurrogate("\udc00", 0, 1));
  }
}
