// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.emulator;

import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.InflaterInputStream;
import java.util.zip.ZipException;

/**
 * The HTTP side every endpoint shares: refuses foreign {@code Host} and {@code Origin}, reads the
 * body within the size limit, undoes its {@code Content-Encoding} (the limit applies to the
 * decoded size), applies {@code X-HTTP-Method-Override} on {@code POST}, and writes the answer,
 * gzipped when the client accepts it.
 */
final class Server {
  private static final System.Logger LOG = System.getLogger(Server.class.getName());

  private Server() {}

  /** Reads, routes and answers one exchange; never throws for a bad request. */
  static void handle(HttpExchange ex, Emulator emulator, Function<Incoming, Reply> route) {
    try (ex) {
      Reply reply;
      try {
        reply = read(ex, emulator, route);
      } catch (RuntimeException | StackOverflowError e) {
        LOG.log(Level.WARNING, "emulator: request failed: " + e.getClass().getName());
        reply = GoogleErrors.api(500, "Internal error encountered.");
      }
      if (reply == null) {
        return; // the connection broke or hit its read deadline: nothing to answer
      }
      if (!reply.reset()) {
        send(ex, reply);
      }
    } catch (IOException e) {
      LOG.log(Level.DEBUG, "emulator: answer not sent: " + e.getClass().getName());
    }
  }

  private static Reply read(HttpExchange ex, Emulator emulator, Function<Incoming, Reply> route) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    ex.getRequestHeaders().forEach((k, v) -> headers.merge(k.toLowerCase(Locale.ROOT),
        List.copyOf(v), (a, b) -> {
          List<String> all = new java.util.ArrayList<>(a);
          all.addAll(b);
          return List.copyOf(all);
        }));
    String host = first(headers, "host");
    if (host == null || !loopbackHost(host)) {
      return GoogleErrors.api(403, "The Host header must name a loopback address (localhost,"
          + " 127.0.0.1 or [::1]); the emulator refuses " + (host == null ? "none"
          : GoogleErrors.quote(host)) + ".");
    }
    String origin = first(headers, "origin");
    if (origin != null && !loopbackOrigin(origin)) {
      return GoogleErrors.api(403, "The emulator refuses requests from the web origin "
          + GoogleErrors.quote(origin) + ".");
    }
    byte[] raw;
    try (InputStream in = ex.getRequestBody()) {
      raw = in.readNBytes(emulator.maxBody() + 1);
    } catch (IOException e) {
      return null;
    }
    BoundedExecutor.requestRead();
    if (raw.length > emulator.maxBody()) {
      return tooLarge(emulator).with("Connection", "close");
    }
    String encoding = first(headers, "content-encoding");
    encoding = encoding == null ? "" : encoding.strip().toLowerCase(Locale.ROOT);
    byte[] body;
    switch (encoding) {
      case "":
      case "identity":
        body = raw;
        encoding = "";
        break;
      case "gzip":
      case "x-gzip":
      case "deflate":
        try (InputStream in = encoding.equals("deflate")
            ? new InflaterInputStream(new ByteArrayInputStream(raw))
            : new GZIPInputStream(new ByteArrayInputStream(raw))) {
          body = in.readNBytes(emulator.maxBody() + 1);
        } catch (ZipException | java.io.EOFException e) {
          return GoogleErrors.api(400, "The request body is not valid " + encoding + ".");
        } catch (IOException e) {
          return GoogleErrors.api(400, "The request body is not valid " + encoding + ".");
        }
        if (body.length > emulator.maxBody()) {
          return tooLarge(emulator);
        }
        encoding = encoding.equals("x-gzip") ? "gzip" : encoding;
        break;
      default:
        return GoogleErrors.api(415, "Unsupported Content-Encoding " + GoogleErrors.quote(encoding)
            + "; send gzip, deflate or none.");
    }
    URI uri = ex.getRequestURI();
    Map<String, List<String>> query;
    try {
      query = Incoming.parseForm(uri.getRawQuery());
    } catch (IllegalArgumentException e) {
      return GoogleErrors.api(400, "Invalid query string: bad percent-encoding.");
    }
    String method = ex.getRequestMethod();
    String override = first(headers, "x-http-method-override");
    boolean overridden = method.equals("POST") && override != null && !override.isBlank();
    if (overridden) {
      method = override.strip().toUpperCase(Locale.ROOT);
    }
    Incoming in = new Incoming(emulator.clock().instant(), method,
        overridden, uri.getRawPath(), uri.getRawQuery(), query, headers, body, encoding);
    return acceptsGzip(first(headers, "accept-encoding")) ? gzip(route.apply(in))
        : route.apply(in);
  }

  private static Reply tooLarge(Emulator emulator) {
    return GoogleErrors.api(413, "Request body is larger than " + emulator.maxBody()
        + " bytes.");
  }

  private static String first(Map<String, List<String>> headers, String name) {
    List<String> v = headers.get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  /** {@code localhost}, {@code 127.x.y.z} or {@code [::1]}, with or without a port. */
  static boolean loopbackHost(String hostAndPort) {
    String h = hostAndPort.strip().toLowerCase(Locale.ROOT);
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      return end > 0 && h.substring(1, end).equals("::1") && port(h.substring(end + 1));
    }
    int colon = h.indexOf(':');
    String name = colon < 0 ? h : h.substring(0, colon);
    if (colon >= 0 && !port(h.substring(colon))) {
      return false;
    }
    return loopbackName(name);
  }

  /** A host name from a URI: {@code localhost}, {@code 127.x.y.z}, {@code ::1} or {@code [::1]}. */
  static boolean loopbackName(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    if (n.equals("localhost") || n.equals("::1") || n.equals("[::1]")) {
      return true;
    }
    String[] octets = n.split("\\.", -1);
    if (octets.length != 4 || !octets[0].equals("127")) {
      return false;
    }
    for (String o : octets) {
      if (o.isEmpty() || o.length() > 3 || !o.chars().allMatch(c -> c >= '0' && c <= '9')
          || Integer.parseInt(o) > 255) {
        return false;
      }
    }
    return true;
  }

  private static boolean port(String colonPort) {
    if (colonPort.isEmpty()) {
      return true;
    }
    String p = colonPort.substring(1);
    return colonPort.charAt(0) == ':' && !p.isEmpty() && p.length() <= 5
        && p.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  private static boolean loopbackOrigin(String origin) {
    try {
      URI o = new URI(origin.strip());
      return ("http".equals(o.getScheme()) || "https".equals(o.getScheme()))
          && o.getHost() != null && loopbackName(o.getHost());
    } catch (URISyntaxException e) {
      return false;
    }
  }

  private static boolean acceptsGzip(String acceptEncoding) {
    if (acceptEncoding == null) {
      return false;
    }
    for (String part : acceptEncoding.split(",")) {
      String[] p = part.split(";");
      if (p[0].strip().equalsIgnoreCase("gzip")) {
        for (int i = 1; i < p.length; i++) {
          String q = p[i].strip().replace(" ", "");
          if (q.startsWith("q=")) {
            try {
              if (Double.parseDouble(q.substring(2)) <= 0) {
                return false;
              }
            } catch (NumberFormatException e) {
              return false;
            }
          }
        }
        return true;
      }
    }
    return false;
  }

  private static Reply gzip(Reply r) {
    if (r == null || r.reset() || r.body().length == 0) {
      return r;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(r.body());
    } catch (IOException e) {
      throw new IllegalStateException("gzip into memory failed", e);
    }
    return new Reply(r.status(), r.contentType(), out.toByteArray(), r.headers(), false)
        .with("Content-Encoding", "gzip").with("Vary", "Origin, X-Origin, Referer");
  }

  private static void send(HttpExchange ex, Reply reply) throws IOException {
    if (reply.contentType() != null) {
      ex.getResponseHeaders().set("Content-Type", reply.contentType());
    }
    reply.headers().forEach(ex.getResponseHeaders()::set);
    if (reply.body().length == 0) {
      ex.sendResponseHeaders(reply.status(), -1);
    } else {
      ex.sendResponseHeaders(reply.status(), reply.body().length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(reply.body());
      }
    }
  }
}
