// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.metrics;

import static dev.bmreceipts.http.metrics.Events.AGENT;
import static dev.bmreceipts.http.metrics.Events.PHONE;
import static dev.bmreceipts.http.metrics.Events.RBM_AGENT;
import static dev.bmreceipts.http.metrics.Events.T0;
import static dev.bmreceipts.http.metrics.Events.at;
import static dev.bmreceipts.http.metrics.Events.delivered;
import static dev.bmreceipts.http.metrics.Events.rbmDelivered;
import static dev.bmreceipts.http.metrics.Events.rbmRead;
import static dev.bmreceipts.http.metrics.Events.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bmreceipts.core.MessageName;
import dev.bmreceipts.core.Protocol;
import dev.bmreceipts.core.ReceiptType;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import org.junit.jupiter.api.Test;

/**
 * Business Messages and RCS Business Messaging receipts in one {@link ReceiptMetrics}: counted
 * alike, told apart by protocol in the snapshot, the Prometheus text, the MXBean and the report,
 * and an RBM user's phone number never shown whole.
 */
class ProtocolMetricsTest {
  private static final String MASKED = "+****4567";

  private final Clock fixed = Clock.fixed(T0.plus(Duration.ofHours(1)), ZoneOffset.UTC);

  /**
   * One message of each protocol with the same message id, each DELIVERED then READ, an RBM READ
   * delivered twice, and a second RBM message delivered only.
   */
  private ReceiptMetrics mixed() {
    ReceiptMetrics m = ReceiptMetrics.builder().clock(fixed).build();
    m.onReceipt(delivered("conv-1", "msg-1", at(0)));
    m.onReceipt(read("conv-1", "msg-1", at(2)));
    m.onReceipts(List.of(rbmDelivered(PHONE, "msg-1", at(1)), rbmRead(PHONE, "msg-1", at(5))));
    m.onReceipt(rbmRead(PHONE, "msg-1", at(5)));
    m.onReceipt(rbmDelivered(PHONE, "msg-2", at(6)));
    return m;
  }

  @Test
  void rbmReceiptsCountAsBusinessMessagesOnesAndApartByProtocol() {
    MetricsSnapshot s = mixed().snapshot();
    // both protocols together, as before
    assertEquals(Map.of(ReceiptType.DELIVERED, 3L, ReceiptType.READ, 3L,
        ReceiptType.RECEIPT_TYPE_UNSPECIFIED, 0L), s.receivedByType());
    assertEquals(Map.of(
        Protocol.BUSINESS_MESSAGES, Map.of(ReceiptType.DELIVERED, 1L, ReceiptType.READ, 1L,
            ReceiptType.RECEIPT_TYPE_UNSPECIFIED, 0L),
        Protocol.RBM, Map.of(ReceiptType.DELIVERED, 2L, ReceiptType.READ, 2L,
            ReceiptType.RECEIPT_TYPE_UNSPECIFIED, 0L)), s.receivedByProtocol());
    assertEquals(2, s.receivedTotal(Protocol.BUSINESS_MESSAGES));
    assertEquals(4, s.receivedTotal(Protocol.RBM));
    assertEquals(2, s.received(Protocol.RBM, ReceiptType.READ));
    assertEquals(Map.of(AGENT, 2L, RBM_AGENT, 4L), s.receivedByAgent());
    // the same message id in both protocols names two messages: the RBM one is the phone's
    assertEquals(3, s.messagesDelivered());
    assertEquals(2, s.messagesRead());
    assertEquals(3, s.trackedMessages());
    assertEquals(1, s.duplicates());
    assertEquals(0, s.outOfOrder());
    assertEquals(2, s.deliveredToRead().count());
    assertEquals(6_000, s.deliveredToRead().sumMillis());
    // the RBM user is the conversation, its phone kept whole for the host
    assertEquals(List.of(new MetricsSnapshot.ConversationUnread(PHONE, 1)), s.topUnread());
  }

  @Test
  void sendsOfRbmMessagesAreRegisteredUnderTheNameTheirReceiptsCarry() {
    ReceiptMetrics m = ReceiptMetrics.builder().clock(fixed).build();
    m.messageSent(MessageName.of(PHONE, "msg-1"), at(-3));
    m.onReceipt(rbmDelivered(PHONE, "msg-1", at(1)));
    m.onReceipt(rbmRead(PHONE, "msg-1", at(2)));
    MetricsSnapshot s = m.snapshot();
    assertEquals(1, s.messagesSent());
    assertEquals(1, s.trackedMessages());
    assertEquals(4_000, s.sentToDelivered().sumMillis());
    assertEquals(5_000, s.sentToRead().sumMillis());
  }

  @Test
  void aPhoneNumberInTheTopUnreadListIsMaskedWhenPrinted() {
    MetricsSnapshot.ConversationUnread phone = new MetricsSnapshot.ConversationUnread(PHONE, 3);
    assertEquals(MASKED, phone.printableConversationId());
    assertEquals("ConversationUnread[conversationId=+****4567, unread=3]", phone.toString());
    MetricsSnapshot.ConversationUnread bm = new MetricsSnapshot.ConversationUnread("conv-1", 2);
    assertEquals("conv-1", bm.printableConversationId());
    assertEquals("ConversationUnread[conversationId=conv-1, unread=2]", bm.toString());
    // not E.164 (too short): not a phone, shown as it is
    assertEquals("+1234", new MetricsSnapshot.ConversationUnread("+1234", 1)
        .printableConversationId());
    // the whole snapshot printed, as a host's log line might
    String printed = mixed().snapshot().toString();
    assertTrue(printed.contains("conversationId=" + MASKED), printed);
    assertFalse(printed.contains(PHONE), printed);
  }

  @Test
  void theSnapshotOfEarlierVersionsCountsEveryReceiptAsBusinessMessages() {
    MetricsSnapshot s = snapshot(Map.of(ReceiptType.DELIVERED, 4L, ReceiptType.READ, 2L));
    assertEquals(Map.of(
        Protocol.BUSINESS_MESSAGES, Map.of(ReceiptType.DELIVERED, 4L, ReceiptType.READ, 2L,
            ReceiptType.RECEIPT_TYPE_UNSPECIFIED, 0L),
        Protocol.RBM, Map.of(ReceiptType.DELIVERED, 0L, ReceiptType.READ, 0L,
            ReceiptType.RECEIPT_TYPE_UNSPECIFIED, 0L)), s.receivedByProtocol());
    assertEquals(6, s.receivedTotal(Protocol.BUSINESS_MESSAGES));
    assertEquals(0, s.receivedTotal(Protocol.RBM));
  }

  @Test
  void receiptsByProtocolMustAddUpToReceiptsByType() {
    MetricsSnapshot old = snapshot(Map.of(ReceiptType.DELIVERED, 4L));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> withProtocols(old, Map.of(Protocol.RBM, Map.of(ReceiptType.DELIVERED, 3L))));
    assertEquals("receivedByProtocol must add up to receivedByType: DELIVERED is 4 by type and 3"
        + " by protocol", e.getMessage());
    // entries left out count as 0
    MetricsSnapshot split = withProtocols(old, Map.of(
        Protocol.RBM, Map.of(ReceiptType.DELIVERED, 3L),
        Protocol.BUSINESS_MESSAGES, Map.of(ReceiptType.DELIVERED, 1L)));
    assertEquals(3, split.received(Protocol.RBM, ReceiptType.DELIVERED));
    assertEquals(0, split.received(Protocol.RBM, ReceiptType.READ));
    NullPointerException n = assertThrows(NullPointerException.class,
        () -> withProtocols(old, null));
    assertEquals("receivedByProtocol cannot be null, use the constructor without it for Business"
        + " Messages", n.getMessage());
  }

  @Test
  void prometheusKeepsTheReceiptSeriesAndAddsAFamilyByProtocol() {
    String text = mixed().toPrometheus();
    PrometheusTextTest.parse(text);
    // the series of the versions before, unchanged: both protocols together
    assertTrue(text.startsWith("# HELP bm_receipts_received_total Receipts received by receipt"
        + " type, duplicates included.\n"
        + "# TYPE bm_receipts_received_total counter\n"
        + "bm_receipts_received_total{type=\"RECEIPT_TYPE_UNSPECIFIED\"} 0\n"
        + "bm_receipts_received_total{type=\"DELIVERED\"} 3\n"
        + "bm_receipts_received_total{type=\"READ\"} 3\n"
        + "# HELP bm_receipts_by_protocol_total Receipts received by protocol (bm: Business"
        + " Messages, rbm: RCS Business Messaging) and receipt type, duplicates included.\n"
        + "# TYPE bm_receipts_by_protocol_total counter\n"
        + "bm_receipts_by_protocol_total{protocol=\"bm\",type=\"RECEIPT_TYPE_UNSPECIFIED\"} 0\n"
        + "bm_receipts_by_protocol_total{protocol=\"bm\",type=\"DELIVERED\"} 1\n"
        + "bm_receipts_by_protocol_total{protocol=\"bm\",type=\"READ\"} 1\n"
        + "bm_receipts_by_protocol_total{protocol=\"rbm\",type=\"RECEIPT_TYPE_UNSPECIFIED\"} 0\n"
        + "bm_receipts_by_protocol_total{protocol=\"rbm\",type=\"DELIVERED\"} 2\n"
        + "bm_receipts_by_protocol_total{protocol=\"rbm\",type=\"READ\"} 2\n"
        + "# HELP bm_receipts_by_agent_total "), text);
    assertFalse(text.contains("5551234567"), text);
  }

  @Test
  void theMxBeanShowsReceiptsByProtocol() throws Exception {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ReceiptMetrics m = ReceiptMetrics.builder().clock(fixed).name("protocol-test").build();
    m.onReceipt(delivered("conv-1", "msg-1", at(0)));
    m.onReceipt(rbmDelivered(PHONE, "msg-1", at(1)));
    m.onReceipt(rbmRead(PHONE, "msg-1", at(2)));
    m.onReceipt(rbmRead(PHONE, "msg-1", at(2)));
    ObjectName name = m.register(server);
    try {
      assertEquals(Map.of("bm", 1L, "rbm", 3L),
          map(server.getAttribute(name, "ReceivedByProtocol")));
      assertEquals(Map.of("bm", 1L, "rbm", 1L),
          map(server.getAttribute(name, "ReceivedDeliveredByProtocol")));
      assertEquals(Map.of("bm", 0L, "rbm", 2L),
          map(server.getAttribute(name, "ReceivedReadByProtocol")));
      assertEquals(2L, server.getAttribute(name, "ReceivedDelivered"));
      assertEquals(2L, server.getAttribute(name, "ReceivedRead"));
    } finally {
      m.unregister(server);
    }
  }

  /** An MXBean's {@code Map<String, Long>}, which JMX hands out as a table of key and value. */
  private static Map<String, Long> map(Object attribute) {
    TabularData table = (TabularData) attribute;
    return table.values().stream().map(CompositeData.class::cast)
        .collect(Collectors.toMap(c -> (String) c.get("key"), c -> (Long) c.get("value")));
  }

  @Test
  void theTextReportShowsReceiptsByProtocolAndMasksPhones() {
    String text = MetricsReport.text(mixed().snapshot(), null);
    String row = "%-40s %10s%n";
    assertTrue(text.contains(String.format(row, "Receipts received", 6)
        + String.format(row, "  RECEIPT_TYPE_UNSPECIFIED", 0)
        + String.format(row, "  DELIVERED", 3)
        + String.format(row, "  READ", 3)
        + "Receipts by protocol (bm: Business Messages, rbm: RCS Business Messaging)\n"
        + String.format(row, "  bm", 2)
        + String.format(row, "    RECEIPT_TYPE_UNSPECIFIED", 0)
        + String.format(row, "    DELIVERED", 1)
        + String.format(row, "    READ", 1)
        + String.format(row, "  rbm", 4)
        + String.format(row, "    RECEIPT_TYPE_UNSPECIFIED", 0)
        + String.format(row, "    DELIVERED", 2)
        + String.format(row, "    READ", 2)
        + "Receipts by agent\n"), text);
    assertTrue(text.endsWith(" conversations by unread messages (no READ seen: unread or opted"
        + " out)\n" + String.format(row, "  " + MASKED, 1)), text);
    assertFalse(text.contains("5551234567"), text);
  }

  @Test
  void theJsonReportShowsReceiptsByProtocolAndMasksPhones() {
    String json = MetricsReport.json(mixed().snapshot());
    assertFalse(json.contains("5551234567"), json);
    JsonObject o;
    try (JsonReader r = Json.createReader(new StringReader(json))) {
      o = r.readObject();
    }
    assertEquals(Json.createReader(new StringReader("{\"bm\":{\"RECEIPT_TYPE_UNSPECIFIED\":0,"
        + "\"DELIVERED\":1,\"READ\":1},\"rbm\":{\"RECEIPT_TYPE_UNSPECIFIED\":0,\"DELIVERED\":2,"
        + "\"READ\":2}}")).readObject(), o.getJsonObject("receivedByProtocol"));
    assertEquals(Set.of("bm", "rbm"), o.getJsonObject("receivedByProtocol").keySet());
    assertEquals(MASKED, o.getJsonArray("topUnread").getJsonObject(0).getString("conversationId"));
  }

  private static MetricsSnapshot snapshot(Map<ReceiptType, Long> types) {
    return new MetricsSnapshot(Instant.EPOCH, types, Map.of(), 0, 0, 0, empty(), empty(), empty(),
        0, 0, Duration.ofHours(1), 0, 0, 0, 0, 0, 0, List.of());
  }

  private static MetricsSnapshot withProtocols(MetricsSnapshot s,
      Map<Protocol, Map<ReceiptType, Long>> protocols) {
    return new MetricsSnapshot(s.at(), s.receivedByType(), s.receivedByAgent(),
        s.messagesDelivered(), s.messagesRead(), s.messagesSent(), s.deliveredToRead(),
        s.sentToDelivered(), s.sentToRead(), s.overdueUndelivered(), s.overdueUnread(),
        s.overdueAfter(), s.outOfOrder(), s.duplicates(), s.unparsableTimestamps(),
        s.evictedByCap(), s.evictedByAge(), s.trackedMessages(), s.topUnread(), protocols);
  }

  private static HistogramSnapshot empty() {
    return ReceiptMetrics.builder().build().snapshot().deliveredToRead();
  }
}
