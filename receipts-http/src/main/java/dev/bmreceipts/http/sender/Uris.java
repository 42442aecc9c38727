// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.sender;

import dev.bmreceipts.core.MessageName;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/** The receipt URL of a message, an RBM agent event's URL, and the {@code User-Agent} the senders send. */
final class Uris {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();
  private static final String POM_PROPERTIES = "/META-INF/maven/dev.bmreceipts/receipts-http/pom.properties";

  private Uris() {}

  /** {@code {apiRoot}v1/conversations/{c}/messages/{m}/receipt}, ids percent-encoded. */
  static URI receiptUri(String apiRoot, MessageName name) {
    String c = segment(name.conversationId());
    String m = segment(name.messageId());
    StringBuilder b = new StringBuilder(apiRoot.length() + c.length() + m.length() + 40)
        .append(apiRoot).append("v1/conversations/").append(c)
        .append("/messages/").append(m).append("/receipt");
    return URI.create(b.toString());
  }

  /**
   * {@code {apiRoot}v1/phones/{phone}/agentEvents?eventId={eventId}&agentId={agentId}}, the agent id
   * percent-encoded. {@code phone} is the path segment as it is to be sent: {@code %2B} and the
   * digits, or {@code %2B****} and the last four for a URL shown in an error.
   */
  static URI agentEventUri(String apiRoot, String phone, java.util.UUID eventId, String agentId) {
    return URI.create(apiRoot + "v1/phones/" + phone + "/agentEvents?eventId=" + eventId
        + "&agentId=" + segment(agentId));
  }

  /**
   * One path segment: RFC 3986 unreserved characters ({@code A-Z a-z 0-9 - . _ ~}) kept, every
   * other UTF-8 byte as {@code %XX} (so {@code +}, space, {@code %} and non-ASCII are all encoded).
   */
  static String segment(String id) {
    boolean plain = true;
    for (int i = 0; i < id.length() && plain; i++) {
      plain = unreserved(id.charAt(i));
    }
    if (plain) {
      return id;
    }
    byte[] bytes = id.getBytes(StandardCharsets.UTF_8);
    StringBuilder b = new StringBuilder(bytes.length * 3);
    for (byte x : bytes) {
      char c = (char) (x & 0xFF);
      if (c < 0x80 && unreserved(c)) {
        b.append(c);
      } else {
        b.append('%').append(HEX[(x >> 4) & 0xF]).append(HEX[x & 0xF]);
      }
    }
    return b.toString();
  }

  private static boolean unreserved(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '-' || c == '.' || c == '_' || c == '~';
  }

  /** {@code uri} without its user-info ({@code user:password@}), to be shown in messages. */
  static URI withoutUserInfo(URI uri) {
    if (uri.getRawUserInfo() == null) {
      return uri;
    }
    String s = uri.toString();
    int at = s.indexOf('@', s.indexOf("//") + 2);
    return URI.create(s.substring(0, s.indexOf("//") + 2) + s.substring(at + 1));
  }

  /** {@code bm-receipts/<version>}, the version this module was built as. */
  static String userAgent() {
    return "bm-receipts/" + version();
  }

  /**
   * The version from {@code version.properties}, which the build fills in; else the jar's or the
   * module's version; {@code dev} when none is known.
   */
  static String version() {
    try (InputStream in = Uris.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        Properties props = new Properties();
        props.load(in);
        String v = props.getProperty("version");
        if (v != null && !v.isBlank() && !v.startsWith("${")) {
          return v.strip();
        }
      }
    } catch (IOException | RuntimeException e) {
      // fall through to the jar's own version
    }
    Package p = Uris.class.getPackage();
    if (p != null && p.getImplementationVersion() != null) {
      return p.getImplementationVersion();
    }
    ModuleDescriptor d = Uris.class.getModule().getDescriptor();
    if (d != null && d.rawVersion().isPresent()) {
      return d.rawVersion().get();
    }
    try (InputStream in = Uris.class.getResourceAsStream(POM_PROPERTIES)) {
      if (in != null) {
        Properties props = new Properties();
        props.load(in);
        String v = props.getProperty("version");
        if (v != null && !v.isBlank()) {
          return v.strip();
        }
      }
    } catch (IOException | RuntimeException e) {
      // fall through to "dev"
    }
    return "dev";
  }
}
