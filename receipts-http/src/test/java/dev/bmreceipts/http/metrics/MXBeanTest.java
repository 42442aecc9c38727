// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.metrics;

import static dev.bmreceipts.http.metrics.Events.at;
import static dev.bmreceipts.http.metrics.Events.delivered;
import static dev.bmreceipts.http.metrics.Events.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.TabularData;
import org.junit.jupiter.api.Test;

class MXBeanTest {
  private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

  @Test
  void attributesAreReadableThroughThePlatformServer() throws Exception {
    ReceiptMetrics m = ReceiptMetrics.builder().name("mxbean-test").build();
    ObjectName name = m.register(server);
    try {
      assertEquals(new ObjectName("dev.bmreceipts:type=ReceiptMetrics,name=mxbean-test"), name);
      m.onReceipt(delivered("c", "m1", at(0)));
      m.onReceipt(delivered("c", "m2", at(0)));
      m.onReceipt(read("c", "m1", at(2)));
      assertEquals(2L, server.getAttribute(name, "ReceivedDelivered"));
      assertEquals(1L, server.getAttribute(name, "ReceivedRead"));
      assertEquals(0L, server.getAttribute(name, "ReceivedUnspecified"));
      assertEquals(2L, server.getAttribute(name, "MessagesDelivered"));
      assertEquals(0.5, (Double) server.getAttribute(name, "ReadRateLowerBound"), 0.0);
      assertEquals(1L, server.getAttribute(name, "DeliveredToReadCount"));
      assertEquals(2.0, (Double) server.getAttribute(name, "DeliveredToReadP50Seconds"), 0.0);
      assertTrue(Double.isNaN((Double) server.getAttribute(name, "SentToReadP50Seconds")));
      assertEquals(2L, server.getAttribute(name, "TrackedMessages"));
      TabularData agents = (TabularData) server.getAttribute(name, "ReceivedByAgent");
      assertEquals(1, agents.size());
      IllegalStateException again = assertThrows(IllegalStateException.class,
          () -> m.register(server));
      assertEquals(name + " is already registered; give each ReceiptMetrics its own name()",
          again.getMessage());
    } finally {
      m.unregister(server);
    }
    assertFalse(server.isRegistered(name));
    m.unregister(server); // a second unregister does nothing
  }

  @Test
  void defaultNameAndQuotedNames() throws Exception {
    assertEquals(new ObjectName("dev.bmreceipts:type=ReceiptMetrics,name=default"),
        ReceiptMetrics.builder().build().objectName());
    assertEquals("a,b=c", ReceiptMetrics.builder().name("a,b=c").build().objectName()
        .getKeyProperty("name").transform(ObjectName::unquote));
  }
}
