// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.emulator;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code /emulator/…}: the same control a Java test has, over HTTP, for tests in other languages.
 * {@code GET|DELETE /emulator/requests}, {@code GET|POST|DELETE /emulator/script},
 * {@code POST /emulator/push?to=URL}, {@code POST /emulator/push-rbm?to=URL[&attributes.NAME=VALUE…]}
 * (the body is the decoded RBM event; each {@code attributes.NAME} becomes an envelope attribute).
 */
final class ControlEndpoint {
  private final Emulator emulator;

  ControlEndpoint(Emulator emulator) {
    this.emulator = emulator;
  }

  Reply handle(Incoming in) {
    String method = in.method();
    switch (in.path()) {
      case "/emulator/requests":
        if (method.equals("GET")) {
          return Reply.json(200, requestsJson(emulator.history()));
        }
        if (method.equals("DELETE")) {
          emulator.clearHistory();
          return Reply.empty(204);
        }
        return GoogleErrors.api(405, "Use GET or DELETE.").with("Allow", "GET, DELETE");
      case "/emulator/script":
        if (!(emulator.dispatcher() instanceof QueueDispatcher queue)) {
          return GoogleErrors.api(409, "The emulator's dispatcher was replaced: it has no queue.");
        }
        if (method.equals("POST")) {
          return script(queue, in.body());
        }
        if (method.equals("DELETE")) {
          queue.clear();
          return Reply.empty(204);
        }
        if (method.equals("GET")) {
          return Reply.json(200, scriptJson(queue));
        }
        return GoogleErrors.api(405, "Use GET, POST or DELETE.").with("Allow", "GET, POST, DELETE");
      case "/emulator/push":
        if (!method.equals("POST")) {
          return GoogleErrors.api(405, "Use POST.").with("Allow", "POST");
        }
        return push(in);
      case "/emulator/push-rbm":
        if (!method.equals("POST")) {
          return GoogleErrors.api(405, "Use POST.").with("Allow", "POST");
        }
        return pushRbm(in);
      default:
        return GoogleErrors.api(404, "The requested URL " + GoogleErrors.clean(in.path())
            + " was not found on this server.");
    }
  }

  private static Reply script(QueueDispatcher queue, byte[] body) {
    List<Integer> statuses = new ArrayList<>();
    String text = new String(body, StandardCharsets.UTF_8).strip();
    try {
      if (text.startsWith("{")) {
        JsonObject o;
        try (JsonReader r = Json.createReader(new ByteArrayInputStream(body))) {
          o = r.readObject();
        }
        for (JsonValue v : o.getJsonArray("statuses")) {
          statuses.add(((JsonNumber) v).intValueExact());
        }
      } else {
        for (String s : text.split("[,\\s]+")) {
          if (!s.isEmpty()) {
            statuses.add(Integer.parseInt(s));
          }
        }
      }
    } catch (RuntimeException | StackOverflowError e) {
      return GoogleErrors.api(400, "Expected {\"statuses\":[503,200]} or 503,200.");
    }
    if (statuses.isEmpty() || statuses.stream().anyMatch(s -> s < 200 || s > 599)) {
      return GoogleErrors.api(400, "Statuses must be 200..599, at least one.");
    }
    statuses.forEach(s -> queue.enqueue(Answer.status(s)));
    return Reply.json(200, scriptJson(queue));
  }

  private static JsonValue scriptJson(QueueDispatcher queue) {
    JsonArrayBuilder a = Json.createArrayBuilder();
    queue.queued().forEach(x -> a.add(x.status()));
    return Json.createObjectBuilder().add("statuses", a).build();
  }

  private Reply push(Incoming in) {
    String type = in.header("content-type");
    if (type == null || !type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT)
        .equals("application/json")) {
      return GoogleErrors.api(415, "Push takes Content-Type: application/json, got "
          + (type == null ? "none" : GoogleErrors.quote(type)) + ".");
    }
    if (emulator.signingKey().isEmpty()) {
      return GoogleErrors.api(400,
          "The emulator has no signing key: start it with --signing-key K.");
    }
    return deliver(in, target -> emulator.deliver(in.body(), target));
  }

  private Reply pushRbm(Incoming in) {
    String type = in.header("content-type");
    if (type == null || !type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT)
        .equals("application/json")) {
      return GoogleErrors.api(415, "Push takes Content-Type: application/json, got "
          + (type == null ? "none" : GoogleErrors.quote(type)) + ".");
    }
    if (emulator.rbmClientToken().isEmpty()) {
      return GoogleErrors.api(400, "The emulator has no RBM client token: build it with"
          + " Emulator.Builder.rbmClientToken(token).");
    }
    Map<String, String> attributes = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> e : in.query().entrySet()) {
      if (e.getKey().startsWith("attributes.")) {
        attributes.put(e.getKey().substring("attributes.".length()), e.getValue().get(0));
      } else if (!e.getKey().equals("to")) {
        return GoogleErrors.api(400, "Unknown query parameter " + GoogleErrors.quote(e.getKey())
            + ": push-rbm takes to=URL and attributes.NAME=VALUE.");
      }
    }
    return deliver(in, target -> emulator.deliverRbm(in.body(), attributes, target));
  }

  private static Reply deliver(Incoming in, Function<URI, PushResult> delivery) {
    String to = in.queryParameter("to");
    if (to == null) {
      return GoogleErrors.api(400, "Missing query parameter to=URL.");
    }
    URI target;
    try {
      target = new URI(to);
    } catch (URISyntaxException e) {
      return GoogleErrors.api(400, "to must be an http URL.");
    }
    try {
      PushResult r = delivery.apply(target);
      return Reply.json(200, Json.createObjectBuilder()
          .add("status", r.status())
          .add("body", r.body())
          .build());
    } catch (IllegalArgumentException e) {
      return GoogleErrors.api(400, e.getMessage());
    } catch (UncheckedIOException e) {
      return GoogleErrors.api(502, "Push to " + GoogleErrors.clean(to) + " failed: "
          + e.getCause().getClass().getSimpleName());
    }
  }

  static JsonValue requestsJson(List<RecordedRequest> records) {
    JsonArrayBuilder a = Json.createArrayBuilder();
    for (RecordedRequest r : records) {
      JsonObjectBuilder headers = Json.createObjectBuilder();
      r.headers().forEach((k, v) -> headers.add(k, Json.createArrayBuilder(v)));
      JsonObjectBuilder query = Json.createObjectBuilder();
      r.query().forEach((k, v) -> query.add(k, Json.createArrayBuilder(v)));
      JsonObjectBuilder o = Json.createObjectBuilder()
          .add("sequence", r.sequence())
          .add("time", r.time().toString())
          .add("method", r.method())
          .add("methodOverride", r.methodOverride())
          .add("path", r.path())
          .add("query", query)
          .add("headers", headers)
          .add("body", r.body())
          .add("contentEncoding", r.contentEncoding())
          .add("status", r.status());
      if (!r.auth().isEmpty()) {
        o.add("auth", r.auth());
      }
      if (r.tokenSerial() > 0) {
        o.add("tokenSerial", r.tokenSerial());
      }
      a.add(o);
    }
    return a.build();
  }
}
