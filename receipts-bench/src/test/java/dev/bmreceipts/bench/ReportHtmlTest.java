// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bmreceipts.http.report.ArchiveAnalyser;
import dev.bmreceipts.http.report.ArchiveFormat;
import dev.bmreceipts.http.report.ArchiveInput;
import dev.bmreceipts.http.report.ArchiveReport;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.NodeList;

/**
 * The HTML report parsed as XHTML with the JDK's XML parser. It lives here, on the class path,
 * because the receipts-http module does not read java.xml and its tests run on the module path.
 */
class ReportHtmlTest {
  private static final long DAY = 86_400_000_000L;
  private static final long T0 = 1_714_521_600_000_000L; // 2024-05-01T00:00:00Z

  @TempDir Path dir;

  private static String line(String conv, String msg, String type, long micros) {
    java.time.Instant t = java.time.Instant.ofEpochSecond(micros / 1_000_000L, micros % 1_000_000L * 1000);
    return "{\"agent\":\"brands/b/agents/<a&b>\",\"conversationId\":\"" + conv
        + "\",\"customAgentId\":\"\",\"messageId\":\"" + msg + "\",\"message\":\"conversations/"
        + conv + "/messages/" + msg + "\",\"receiptType\":\"" + type + "\",\"createTime\":\"" + t
        + "\",\"sendTime\":\"" + t + "\"}";
  }

  private ArchiveReport report() throws Exception {
    List<String> lines = new ArrayList<>();
    // three days: 4, 2 and 1 messages delivered; read 3, 1, 0 of them
    int[][] days = {{4, 3}, {2, 1}, {1, 0}};
    int m = 0;
    for (int d = 0; d < days.length; d++) {
      for (int i = 0; i < days[d][0]; i++, m++) {
        long t = T0 + d * DAY + i * 60_000_000L;
        lines.add(line("c" + (m % 2), "m" + m, "DELIVERED", t));
        if (i < days[d][1]) {
          lines.add(line("c" + (m % 2), "m" + m, "READ", t + (i + 1) * 10_000_000L));
        }
      }
    }
    Path f = dir.resolve("j.jsonl");
    Files.write(f, lines, StandardCharsets.UTF_8);
    return ArchiveAnalyser.builder().build().analyse(List.of(ArchiveInput.file(f)));
  }

  @Test
  void htmlIsOneWellFormedPageWithThreeChartsAndNothingFetched() throws Exception {
    String html = ArchiveFormat.html(report());
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    Document doc = f.newDocumentBuilder()
        .parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
    assertEquals("html", doc.getDocumentElement().getLocalName());
    NodeList svgs = doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "svg");
    assertEquals(3, svgs.getLength());
    Element receipts = (Element) svgs.item(0);
    assertEquals("receipts", receipts.getAttribute("data-series"));
    NodeList bars = receipts.getElementsByTagNameNS("*", "rect");
    assertEquals(3, bars.getLength());
    // one bar per day, as tall as its receipts: 7, 3 and 1
    assertEquals("2024-05-01T00:00:00Z: 7 receipts", bars.item(0).getTextContent());
    assertEquals("2024-05-02T00:00:00Z: 3 receipts", bars.item(1).getTextContent());
    assertEquals("2024-05-03T00:00:00Z: 1 receipts", bars.item(2).getTextContent());
    double h0 = Double.parseDouble(((Element) bars.item(0)).getAttribute("height"));
    double h2 = Double.parseDouble(((Element) bars.item(2)).getAttribute("height"));
    assertEquals(7.0, h0 / h2, 0.01); // heights are printed to two decimals
    Element rate = (Element) svgs.item(1);
    assertEquals("read-rate", rate.getAttribute("data-series"));
    NodeList dots = rate.getElementsByTagNameNS("*", "circle");
    assertEquals(3, dots.getLength());
    assertEquals("2024-05-01T00:00:00Z: 75.0% of 4", dots.item(0).getTextContent());
    assertEquals("2024-05-03T00:00:00Z: 0.0% of 1", dots.item(2).getTextContent());
    Element latency = (Element) svgs.item(2);
    assertEquals("latency", latency.getAttribute("data-series"));
    long total = 0;
    NodeList lat = latency.getElementsByTagNameNS("*", "rect");
    for (int i = 0; i < lat.getLength(); i++) {
      String t = lat.item(i).getTextContent();
      total += Long.parseLong(t.substring(t.indexOf(": ") + 2, t.indexOf(" messages")));
    }
    assertEquals(4, total);
    // the agent's name is escaped, not markup
    assertTrue(doc.getDocumentElement().getTextContent().contains("brands/b/agents/<a&b>"));
    // nothing outside the page: no script, link, img, iframe, object; no src/href; no url()
    for (String tag : List.of("script", "link", "img", "iframe", "object", "embed", "image", "use")) {
      assertEquals(0, doc.getElementsByTagNameNS("*", tag).getLength(), tag);
    }
    NodeList all = doc.getElementsByTagNameNS("*", "*");
    for (int i = 0; i < all.getLength(); i++) {
      NamedNodeMap attrs = all.item(i).getAttributes();
      for (int a = 0; a < attrs.getLength(); a++) {
        String name = attrs.item(a).getLocalName();
        String value = attrs.item(a).getNodeValue();
        assertFalse(name.equals("src") || name.equals("href"), name);
        if (!name.equals("xmlns")) {
          assertFalse(value.contains("http:") || value.contains("https:") || value.contains("//"),
              name + "=" + value);
        }
      }
    }
    assertFalse(html.contains("url(") || html.contains("@import"), html);
  }

  /**
   * Renders the page in a real browser: Debian's {@code chromium}, headless, which {@code .ci/run}
   * installs. Skipped where no chromium is on the PATH.
   */
  @Test
  void chromiumDrawsTheCharts() throws Exception {
    Optional<Path> chromium = Stream.of("chromium", "chromium-browser")
        .flatMap(n -> Stream.of(System.getenv("PATH").split(File.pathSeparator))
            .map(d -> Path.of(d, n)))
        .filter(Files::isExecutable).findFirst();
    assumeTrue(chromium.isPresent(), "no chromium on the PATH");
    Path page = dir.resolve("report.html");
    Files.writeString(page, ArchiveFormat.html(report()));
    Path png = dir.resolve("report.png");
    Process p = new ProcessBuilder(chromium.get().toString(), "--headless", "--no-sandbox",
        "--disable-gpu", "--hide-scrollbars", "--user-data-dir=" + dir.resolve("profile"),
        "--window-size=1000,2000", "--screenshot=" + png, page.toUri().toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("chromium.log").toFile()).start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "chromium did not finish in 60 s");
    assertEquals(0, p.exitValue(), () -> read(dir.resolve("chromium.log")));
    BufferedImage image = ImageIO.read(png.toFile());
    // the bars of the receipts chart and of the latency chart, in their own colours
    assertTrue(pixelsNear(image, 0x3b6ea5) > 500, "no receipts bars drawn");
    assertTrue(pixelsNear(image, 0x8a5aa8) > 100, "no latency bars drawn");
  }

  private static long pixelsNear(BufferedImage image, int rgb) {
    long n = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int c = image.getRGB(x, y);
        int d = Math.abs((c >> 16 & 255) - (rgb >> 16 & 255)) + Math.abs((c >> 8 & 255)
            - (rgb >> 8 & 255)) + Math.abs((c & 255) - (rgb & 255));
        n += d <= 12 ? 1 : 0;
      }
    }
    return n;
  }

  private static String read(Path log) {
    try {
      return Files.readString(log);
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }
}
