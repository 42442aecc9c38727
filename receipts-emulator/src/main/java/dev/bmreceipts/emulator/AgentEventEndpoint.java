// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.emulator;

import dev.bmreceipts.core.rbm.InvalidPhoneNumberException;
import dev.bmreceipts.core.rbm.PhoneNumber;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * RCS Business Messaging's {@code POST /v1/phones/{E.164}/agentEvents?eventId={UUID}&agentId=…},
 * as Google's front end takes it: the receipt endpoint's token, query and content-type checks,
 * then the phone, the ids and the body {@code {"eventType":"READ","messageId":"…"}} or {@code
 * {"eventType":"IS_TYPING"}}; then the {@link Dispatcher}; then, for an OK answer, the platform:
 * 404 for a phone made unreachable, the event created before for an {@code eventId} the agent
 * already used, else a new event.
 *
 * <p>Phone numbers are personal data: no answer or log line of this class repeats one, except the
 * created event's {@code name}, which the API itself returns.
 */
final class AgentEventEndpoint {
  static final String PREFIX = "/v1/phones/";
  private static final Pattern PATH = Pattern.compile("/v1/phones/([^/]+)/agentEvents");
  private static final Pattern UUID_TEXT = Pattern.compile(
      "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  private static final Set<String> OWN_PARAMS = Set.of("eventId", "agentId");
  private static final Set<String> BODY_MEMBERS = Set.of("eventType", "messageId", "name",
      "sendTime");
  /** How many created events it remembers for duplicate {@code eventId}s (oldest forgotten). */
  static final int MAX_EVENTS = 100_000;

  private final Emulator emulator;
  /** (agentId, eventId) → the created event's JSON; guarded by itself. */
  private final Map<String, byte[]> created = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
      return size() > MAX_EVENTS;
    }
  };
  private long distinct;

  AgentEventEndpoint(Emulator emulator) {
    this.emulator = emulator;
  }

  /** Whether {@code path} belongs to this endpoint (also a wrong one under {@code /v1/phones/}). */
  static boolean owns(String path) {
    return path.startsWith(PREFIX);
  }

  ReceiptEndpoint.Result handle(Incoming in, RecordedRequest recorded)
      throws InterruptedException {
    Matcher m = PATH.matcher(in.path());
    if (!m.matches()) {
      // not the path: it may hold a phone number, so it is not repeated
      return new ReceiptEndpoint.Result(GoogleErrors.api(404,
          "The requested URL was not found on this server."), "", 0);
    }
    if (!in.method().equals("POST")) {
      return new ReceiptEndpoint.Result(GoogleErrors.api(405, "Method "
          + GoogleErrors.clean(in.method()) + " is not allowed here; use POST.")
          .with("Allow", "POST"), "", 0);
    }
    String badQuery = ReceiptEndpoint.checkQuery(in.query(), OWN_PARAMS);
    if (badQuery != null) {
      return new ReceiptEndpoint.Result(GoogleErrors.api(400, badQuery), "", 0);
    }
    TokenEndpoint.Check token = ReceiptEndpoint.token(emulator, in);
    Reply refused = ReceiptEndpoint.refusal(token, TokenEndpoint.RBM_SCOPE);
    if (refused != null) {
      return new ReceiptEndpoint.Result(refused, token.kind(), token.serial());
    }
    Reply reply = afterAuth(in, m.group(1), recorded.withAuth(token.kind(), token.serial()));
    return new ReceiptEndpoint.Result(reply, token.kind(), token.serial());
  }

  private Reply afterAuth(Incoming in, String rawPhone, RecordedRequest recorded)
      throws InterruptedException {
    PhoneNumber phone;
    try {
      phone = PhoneNumber.of(ReceiptEndpoint.decodeSegment(rawPhone));
    } catch (InvalidPhoneNumberException e) {
      // its message says what is wrong without repeating the number
      return GoogleErrors.api(400, "Invalid resource name: " + e.getMessage() + ".");
    } catch (IllegalArgumentException e) {
      return GoogleErrors.api(400, "Invalid resource name: the phone number's "
          + e.getMessage() + ".");
    }
    String eventId = in.queryParameter("eventId");
    if (eventId == null || eventId.isEmpty()) {
      return GoogleErrors.api(400, "eventId is required: a UUID the agent chooses.");
    }
    if (!UUID_TEXT.matcher(eventId).matches()) {
      return GoogleErrors.api(400, "Invalid value at 'event_id': "
          + GoogleErrors.quote(eventId) + " is not a UUID.");
    }
    String agentId = in.queryParameter("agentId");
    if (agentId == null || agentId.isBlank()) {
      return GoogleErrors.api(400, "agentId is required.");
    }
    Reply badType = ReceiptEndpoint.contentTypeRefusal(in);
    if (badType != null) {
      return badType;
    }
    JsonObject body;
    try (JsonReader r = Json.createReader(new ByteArrayInputStream(in.body()))) {
      JsonValue v = r.readValue();
      if (v.getValueType() != JsonValue.ValueType.OBJECT) {
        return GoogleErrors.api(400, "Invalid JSON payload received. Expected an object.");
      }
      body = v.asJsonObject();
    } catch (RuntimeException | StackOverflowError e) {
      return GoogleErrors.api(400, "Invalid JSON payload received. Unexpected token.");
    }
    String invalid = checkBody(body);
    if (invalid != null) {
      return GoogleErrors.api(400, invalid);
    }
    Answer answer = emulator.dispatcher().dispatch(recorded);
    Emulator.pause(answer);
    if (answer.kind() != Answer.Kind.OK) {
      return emulator.render(answer);
    }
    if (emulator.unreachable(phone)) {
      return GoogleErrors.api(404, GoogleErrors.defaultMessage(404)).withAll(answer.headers());
    }
    String key = agentId + " " + eventId.toLowerCase(Locale.ROOT);
    byte[] event;
    synchronized (created) {
      event = created.get(key);
      if (event == null) {
        event = createdEvent(body, phone, eventId, in);
        created.put(key, event);
        distinct++;
      }
    }
    return Reply.json(200, ReceiptEndpoint.fields(event, in.queryParameter("fields")))
        .withAll(answer.headers());
  }

  /** The reason the body is not an agent event RBM takes, or {@code null} when it is. */
  private static String checkBody(JsonObject o) {
    for (String key : o.keySet()) {
      if (!BODY_MEMBERS.contains(key)) {
        return "Invalid JSON payload received. Unknown name " + GoogleErrors.quote(key)
            + ": Cannot find field.";
      }
    }
    JsonValue messageId = o.get("messageId");
    if (messageId != null && messageId.getValueType() != JsonValue.ValueType.STRING
        && messageId.getValueType() != JsonValue.ValueType.NULL) {
      return "Invalid value at 'agent_event.message_id': expected a string.";
    }
    JsonValue type = o.get("eventType");
    if (type == null || type.getValueType() == JsonValue.ValueType.NULL) {
      return "eventType is required: READ or IS_TYPING.";
    }
    if (type.getValueType() != JsonValue.ValueType.STRING) {
      return "Invalid value at 'agent_event.event_type': expected an enum name.";
    }
    switch (o.getString("eventType")) {
      case "READ":
        return messageId(o).isEmpty() ? "messageId is required for a READ event." : null;
      case "IS_TYPING":
        return null;
      case "TYPE_UNSPECIFIED":
        return "eventType is required: READ or IS_TYPING.";
      default:
        return "Invalid value at 'agent_event.event_type' (type.googleapis.com/"
            + "google.communications.rcsbusinessmessaging.v1.AgentEvent.EventType), "
            + GoogleErrors.quote(o.getString("eventType")) + ".";
    }
  }

  private static String messageId(JsonObject o) {
    JsonValue v = o.get("messageId");
    return v != null && v.getValueType() == JsonValue.ValueType.STRING ? o.getString("messageId")
        : "";
  }

  /** {@code {"eventType","messageId","name","sendTime"}}, {@code messageId} only when sent. */
  private static byte[] createdEvent(JsonObject body, PhoneNumber phone, String eventId,
      Incoming in) {
    JsonObjectBuilder b = Json.createObjectBuilder().add("eventType", body.getString("eventType"));
    String messageId = messageId(body);
    if (!messageId.isEmpty()) {
      b.add("messageId", messageId);
    }
    return b.add("name", "phones/" + phone.e164() + "/agentEvents/" + eventId)
        .add("sendTime", in.time().toString())
        .build().toString().getBytes(StandardCharsets.UTF_8);
  }

  /** How many distinct events it created. */
  long distinctEvents() {
    synchronized (created) {
      return distinct;
    }
  }
}
