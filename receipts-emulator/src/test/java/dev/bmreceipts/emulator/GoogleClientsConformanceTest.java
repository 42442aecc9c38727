// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.client.googleapis.MethodOverride;
import com.google.api.client.http.GZipEncoding;
import com.google.api.client.http.GenericUrl;
import com.google.api.client.http.HttpRequest;
import com.google.api.client.http.HttpResponse;
import com.google.api.client.http.HttpTransport;
import com.google.api.client.http.apache.v2.ApacheHttpTransport;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.client.http.json.JsonHttpContent;
import com.google.api.client.json.GenericJson;
import com.google.api.client.json.JsonObjectParser;
import com.google.api.client.json.gson.GsonFactory;
import com.google.auth.http.HttpCredentialsAdapter;
import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Google's own Java stack, in its default configuration, against the emulator: the generated
 * client's request machinery (google-api-client) on both transports, google-http-client by hand,
 * and google-auth-library's service-account credentials.
 */
class GoogleClientsConformanceTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String SCOPE = "https://www.googleapis.com/auth/businessmessages";
  private static final String NAME = "conversations/conv-1/messages/msg-1/receipt";

  @TempDir Path dir;
  private Emulator api;
  private GoogleCredentials credentials;

  @BeforeEach
  void start() throws Exception {
    api = Emulator.start();
    Path key = api.newServiceAccountKey(dir.resolve("key.json"));
    try (InputStream in = Files.newInputStream(key)) {
      credentials = ServiceAccountCredentials.fromStream(in).createScoped(List.of(SCOPE));
    }
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private Businessmessages client(HttpTransport transport) {
    return new Businessmessages.Builder(transport, GsonFactory.getDefaultInstance(),
        api.uri().toString(), new HttpCredentialsAdapter(credentials))
        .setApplicationName("receipts-conformance").build();
  }

  private RecordedRequest tokenThenReceipt() throws InterruptedException {
    RecordedRequest token = api.takeRequest(WAIT);
    assertNotNull(token, "no token request");
    assertEquals("POST", token.method());
    assertEquals("/token", token.path());
    assertEquals(200, token.status());
    RecordedRequest receipt = api.takeRequest(WAIT);
    assertNotNull(receipt, "no receipt call");
    return receipt;
  }

  @Test
  void generatedClientOnNetHttpTransportSendsPostWithMethodOverride() throws Exception {
    Businessmessages bm = client(new NetHttpTransport());
    Businessmessages.BusinessMessagesReceipt r = bm.updateReceipt(NAME,
        new Businessmessages.BusinessMessagesReceipt().setReceiptType("READ")).execute();
    assertEquals(NAME, r.getName());
    assertEquals("READ", r.getReceiptType());
    RecordedRequest seen = tokenThenReceipt();
    assertEquals(200, seen.status());
    assertEquals("PATCH", seen.method());
    assertTrue(seen.methodOverride(), "NetHttpTransport cannot PATCH: POST + override");
    assertEquals("PATCH", seen.header("x-http-method-override"));
    assertTrue(seen.gzipped(), "the generated client gzips bodies by default");
    assertEquals("{\"receiptType\":\"READ\"}", seen.body());
    assertEquals("/v1/" + NAME, seen.path());
    assertEquals("issued", seen.auth());
    assertTrue(seen.header("user-agent").startsWith("receipts-conformance Google-API-Java-Client"),
        seen.header("user-agent"));
  }

  @Test
  void generatedClientOnApacheTransportSendsAGzippedChunkedPatch() throws Exception {
    Businessmessages bm = client(new ApacheHttpTransport());
    Businessmessages.BusinessMessagesReceipt r = bm.updateReceipt(NAME,
        new Businessmessages.BusinessMessagesReceipt().setReceiptType("READ")).execute();
    assertEquals(NAME, r.getName());
    RecordedRequest seen = tokenThenReceipt();
    assertEquals(200, seen.status());
    assertEquals("PATCH", seen.method());
    assertFalse(seen.methodOverride());
    assertTrue(seen.gzipped());
    assertEquals("chunked", seen.header("transfer-encoding"));
    assertEquals("{\"receiptType\":\"READ\"}", seen.body());
    assertTrue(seen.header("accept-encoding").contains("gzip"));
  }

  @Test
  void generatedClientWithSystemParametersAndAName() throws Exception {
    Businessmessages bm = client(new ApacheHttpTransport());
    Businessmessages.BusinessMessagesReceipt r = bm.updateReceipt(NAME,
        new Businessmessages.BusinessMessagesReceipt().setName(NAME).setReceiptType("READ"))
        .setAlt("json").setXgafv("2").setPrettyPrint(false).setFields("name").execute();
    assertEquals(NAME, r.getName());
    RecordedRequest seen = tokenThenReceipt();
    assertEquals(200, seen.status());
    assertEquals("json", seen.queryParameter("alt"));
    assertEquals("2", seen.queryParameter("$.xgafv"));
    assertEquals("false", seen.queryParameter("prettyPrint"));
    assertEquals("{\"name\":\"" + NAME + "\",\"receiptType\":\"READ\"}", seen.body());
  }

  @Test
  void httpClientByHandOnNetHttpWithMethodOverrideAndGzip() throws Exception {
    String token = credentials.refreshAccessToken().getTokenValue();
    HttpRequest request = new NetHttpTransport().createRequestFactory(new MethodOverride())
        .buildPatchRequest(new GenericUrl(api.uri() + "v1/" + NAME),
            new JsonHttpContent(GsonFactory.getDefaultInstance(),
                new GenericJson().set("receiptType", "READ")));
    request.setEncoding(new GZipEncoding());
    request.setParser(new JsonObjectParser(GsonFactory.getDefaultInstance()));
    request.getHeaders().setAuthorization("Bearer " + token);
    HttpResponse response = request.execute();
    assertEquals(200, response.getStatusCode());
    assertEquals(Map.of("name", NAME, "receiptType", "READ"),
        Map.copyOf(response.parseAs(GenericJson.class)));
    RecordedRequest seen = tokenThenReceipt();
    assertTrue(seen.methodOverride());
    assertTrue(seen.gzipped());
    assertEquals("{\"receiptType\":\"READ\"}", seen.body());
  }

  @Test
  void serviceAccountCredentialsGetTheirTokenFromTheEmulator() throws Exception {
    AccessToken token = credentials.refreshAccessToken();
    assertTrue(token.getTokenValue().startsWith("emu."));
    assertNotNull(token.getExpirationTime());
    RecordedRequest seen = api.takeRequest(WAIT);
    assertEquals("/token", seen.path());
    assertEquals(200, seen.status());
    assertEquals(1, seen.tokenSerial());
    assertTrue(seen.header("content-type").startsWith("application/x-www-form-urlencoded"));
    assertTrue(seen.body().startsWith("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type"
        + "%3Ajwt-bearer&assertion=<redacted>"), seen.body());
  }
}
