// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.emulator;

import dev.bmreceipts.core.AgentReceipts;
import dev.bmreceipts.core.MessageName;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code PATCH /v1/conversations/{c}/messages/{m}/receipt}, as Google's front end takes it: the
 * standard system query parameters, a bearer token (header or {@code access_token}), a JSON body
 * {@code {"receiptType":"READ"}} that may also carry the matching {@code name}.
 */
final class ReceiptEndpoint {
  private static final Pattern RECEIPT_PATH =
      Pattern.compile("/v1/conversations/([^/]+)/messages/([^/]+)/receipt");
  /** Google's standard query parameters, which every method takes. */
  private static final Set<String> SYSTEM_PARAMS = Set.of("alt", "prettyPrint", "fields",
      "$.xgafv", "key", "access_token", "oauth_token", "quotaUser", "callback", "upload_protocol",
      "uploadType");

  /** The answer, and what the token was (for the record). */
  record Result(Reply reply, String auth, int tokenSerial) {}

  private final Emulator emulator;

  ReceiptEndpoint(Emulator emulator) {
    this.emulator = emulator;
  }

  Result handle(Incoming in, RecordedRequest recorded) throws InterruptedException {
    Matcher m = RECEIPT_PATH.matcher(in.path());
    if (!m.matches()) {
      return new Result(GoogleErrors.api(404, "The requested URL "
          + GoogleErrors.clean(in.path()) + " was not found on this server."), "", 0);
    }
    if (!in.method().equals("PATCH")) {
      return new Result(GoogleErrors.api(405, "Method " + GoogleErrors.clean(in.method())
          + " is not allowed here; use PATCH.").with("Allow", "PATCH"), "", 0);
    }
    String badQuery = checkQuery(in.query(), Set.of());
    if (badQuery != null) {
      return new Result(GoogleErrors.api(400, badQuery), "", 0);
    }
    TokenEndpoint.Check token = token(emulator, in);
    Reply refused = refusal(token, TokenEndpoint.SCOPE);
    if (refused != null) {
      return new Result(refused, token.kind(), token.serial());
    }
    Reply reply = afterAuth(in, m, recorded.withAuth(token.kind(), token.serial()));
    return new Result(reply, token.kind(), token.serial());
  }

  /** The call's bearer token (header, or {@code access_token} when there is none), checked. */
  static TokenEndpoint.Check token(Emulator emulator, Incoming in) {
    String authorization = in.header("authorization");
    String queryToken = in.queryParameter("access_token");
    if (authorization == null && queryToken != null) {
      authorization = "Bearer " + queryToken;
    }
    return emulator.tokens().check(authorization);
  }

  /**
   * Google's 401 for a missing or bad token, its 403 for an issued token without {@code scope}, or
   * {@code null} when the token passes.
   */
  static Reply refusal(TokenEndpoint.Check token, String scope) {
    if (token.kind().equals("none")) {
      return GoogleErrors.api(401, GoogleErrors.MISSING_CREDENTIALS)
          .with("WWW-Authenticate", GoogleErrors.REALM);
    }
    if (!token.valid()) {
      return GoogleErrors.api(401, GoogleErrors.INVALID_CREDENTIALS)
          .with("WWW-Authenticate", GoogleErrors.REALM + ", error=\"invalid_token\"");
    }
    if (!token.covers(scope)) {
      return GoogleErrors.api(403, TokenEndpoint.INSUFFICIENT_SCOPES)
          .with("WWW-Authenticate", GoogleErrors.REALM + ", error=\"insufficient_scope\", scope=\""
              + scope + "\"");
    }
    return null;
  }

  /** Google's 400 or 415 for a body that is not JSON in UTF-8, or {@code null} when it is. */
  static Reply contentTypeRefusal(Incoming in) {
    String type = in.header("content-type");
    String media = type == null ? "" : type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    if (media.equals("application/x-www-form-urlencoded")) {
      return GoogleErrors.api(400, "Invalid JSON payload received. Form-encoded bodies bind to"
          + " query parameters; send Content-Type: application/json.");
    }
    if (!media.equals("application/json") || !utf8Charset(type)) {
      return GoogleErrors.api(415, "Content-Type must be application/json (UTF-8), got "
          + (type == null ? "none" : GoogleErrors.quote(type)) + ".");
    }
    return null;
  }

  private Reply afterAuth(Incoming in, Matcher m, RecordedRequest recorded)
      throws InterruptedException {
    MessageName name;
    try {
      name = MessageName.of(decodeSegment(m.group(1)), decodeSegment(m.group(2)));
    } catch (IllegalArgumentException e) {
      return GoogleErrors.api(400, "Invalid resource name: " + GoogleErrors.clean(e.getMessage())
          + ".");
    }
    Reply badType = contentTypeRefusal(in);
    if (badType != null) {
      return badType;
    }
    String invalid = checkBody(in.body(), name, m.group(1), m.group(2));
    if (invalid != null) {
      return GoogleErrors.api(400, invalid);
    }
    Answer answer = emulator.dispatcher().dispatch(recorded);
    Emulator.pause(answer);
    switch (answer.kind()) {
      case OK:
        return Reply.json(200, fields(AgentReceipts.responseBody(name), in.queryParameter("fields")))
            .withAll(answer.headers());
      default:
        return emulator.render(answer);
    }
  }

  /** Why the query is refused, or {@code null}; {@code own} are the method's own parameters. */
  static String checkQuery(Map<String, List<String>> query, Set<String> own) {
    for (Map.Entry<String, List<String>> e : query.entrySet()) {
      String k = e.getKey();
      if (own.contains(k)) {
        continue;
      }
      if (!SYSTEM_PARAMS.contains(k)) {
        return "Invalid JSON payload received. Unknown name " + GoogleErrors.quote(k)
            + ": Cannot bind query parameter. Field " + GoogleErrors.quote(k).replace('"', '\'')
            + " could not be found in request message.";
      }
      String v = e.getValue().get(0);
      if (k.equals("alt") && !v.equals("json")) {
        return "Invalid value at 'alt': the emulator answers alt=json only, got "
            + GoogleErrors.quote(v) + ".";
      }
      if (k.equals("prettyPrint") && !v.equals("true") && !v.equals("false")) {
        return "Invalid value at 'prettyPrint' (TYPE_BOOL), " + GoogleErrors.quote(v) + ".";
      }
      if (k.equals("$.xgafv") && !v.equals("1") && !v.equals("2")) {
        return "Invalid value at '$.xgafv' (type.googleapis.com/google.api.Xgafv), "
            + GoogleErrors.quote(v) + ".";
      }
    }
    return null;
  }

  /** The response with only the top-level fields {@code fields} names. */
  static byte[] fields(byte[] body, String fields) {
    if (fields == null || fields.isBlank()) {
      return body;
    }
    Set<String> keep = Set.of(fields.replace(" ", "").split(","));
    JsonObject o;
    try (JsonReader r = Json.createReader(new ByteArrayInputStream(body))) {
      o = r.readObject();
    }
    JsonObjectBuilder b = Json.createObjectBuilder();
    o.forEach((k, v) -> {
      if (keep.contains(k) || keep.contains("*")) {
        b.add(k, v);
      }
    });
    return b.build().toString().getBytes(StandardCharsets.UTF_8);
  }

  private static boolean utf8Charset(String contentType) {
    for (String param : contentType.split(";")) {
      String[] kv = param.strip().split("=", 2);
      if (kv.length == 2 && kv[0].strip().equalsIgnoreCase("charset")) {
        String cs = kv[1].strip().replace("\"", "");
        return cs.equalsIgnoreCase("utf-8") || cs.equalsIgnoreCase("utf8");
      }
    }
    return true;
  }

  /** The reason the body is not a READ receipt for {@code name}, or {@code null} when it is. */
  private static String checkBody(byte[] body, MessageName name, String rawC, String rawM) {
    JsonValue v;
    try (JsonReader r = Json.createReader(new ByteArrayInputStream(body))) {
      v = r.readValue();
    } catch (RuntimeException | StackOverflowError e) {
      return "Invalid JSON payload received. Unexpected token.";
    }
    if (v.getValueType() != JsonValue.ValueType.OBJECT) {
      return "Invalid JSON payload received. Expected an object.";
    }
    JsonObject o = v.asJsonObject();
    for (String key : o.keySet()) {
      if (!key.equals("receiptType") && !key.equals("name")) {
        return "Invalid JSON payload received. Unknown name " + GoogleErrors.quote(key)
            + ": Cannot find field.";
      }
    }
    JsonValue bodyName = o.get("name");
    if (bodyName != null) {
      String expected = name.receiptName();
      String raw = "conversations/" + rawC + "/messages/" + rawM + "/receipt";
      if (bodyName.getValueType() != JsonValue.ValueType.STRING
          || !o.getString("name").equals(expected) && !o.getString("name").equals(raw)) {
        return "Invalid value at 'receipt.name': the body names "
            + (bodyName.getValueType() == JsonValue.ValueType.STRING
                ? GoogleErrors.quote(o.getString("name")) : "a non-string")
            + " but the URL names " + GoogleErrors.quote(expected) + ".";
      }
    }
    JsonValue type = o.get("receiptType");
    if (type == null) {
      return "receiptType is required and must be READ.";
    }
    if (type.getValueType() != JsonValue.ValueType.STRING) {
      return "Invalid value at 'receipt.receipt_type': expected an enum name.";
    }
    String t = o.getString("receiptType");
    if (!t.equals("READ")) {
      return t.equals("DELIVERED") || t.equals("RECEIPT_TYPE_UNSPECIFIED")
          ? "Agents can only send READ receipts."
          : "Invalid value at 'receipt.receipt_type' (type.googleapis.com/"
              + "google.communications.businessmessages.v1.ReceiptType), "
              + GoogleErrors.quote(t) + ".";
    }
    return null;
  }

  /** Percent-decodes one path segment as UTF-8; {@code +} stays {@code +}. */
  static String decodeSegment(String raw) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        if (i + 2 >= raw.length()) {
          throw new IllegalArgumentException("bad percent-encoding");
        }
        int hi = Character.digit(raw.charAt(i + 1), 16);
        int lo = Character.digit(raw.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw new IllegalArgumentException("bad percent-encoding");
        }
        out.write(hi * 16 + lo);
        i += 2;
      } else {
        byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(out.toByteArray())).toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("percent-encoding is not UTF-8");
    }
  }
}
