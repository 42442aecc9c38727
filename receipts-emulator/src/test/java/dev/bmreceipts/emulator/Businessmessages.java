// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.emulator;

import com.google.api.client.googleapis.services.json.AbstractGoogleJsonClient;
import com.google.api.client.googleapis.services.json.AbstractGoogleJsonClientRequest;
import com.google.api.client.http.HttpRequestInitializer;
import com.google.api.client.http.HttpTransport;
import com.google.api.client.json.GenericJson;
import com.google.api.client.json.JsonFactory;
import com.google.api.client.util.Key;

/**
 * The receipt call of Google's generated Business Messages v1 Java client, as the generator
 * writes it ({@code Businessmessages.Conversations.Messages.UpdateReceipt}: a
 * {@code PATCH v1/{+name}} with a {@code BusinessMessagesReceipt} body). The artifact on Maven
 * Central ({@code google-api-services-businessmessages} 1.25.1) predates receipts and has no
 * {@code updateReceipt}, so this test mirror keeps only that method; everything on the wire
 * (method override, gzip, headers, JSON) is google-api-client's own code.
 */
final class Businessmessages extends AbstractGoogleJsonClient {
  static final String DEFAULT_SERVICE_PATH = "";

  private Businessmessages(Builder builder) {
    super(builder);
  }

  /** {@code BusinessMessagesReceipt}. */
  public static final class BusinessMessagesReceipt extends GenericJson {
    @Key private String name;
    @Key private String receiptType;

    public String getName() {
      return name;
    }

    public BusinessMessagesReceipt setName(String name) {
      this.name = name;
      return this;
    }

    public String getReceiptType() {
      return receiptType;
    }

    public BusinessMessagesReceipt setReceiptType(String receiptType) {
      this.receiptType = receiptType;
      return this;
    }
  }

  /** {@code conversations.messages.updateReceipt}. */
  UpdateReceipt updateReceipt(String name, BusinessMessagesReceipt content) {
    return new UpdateReceipt(name, content);
  }

  /** The generated request class: the path template and the standard system parameters. */
  public final class UpdateReceipt extends AbstractGoogleJsonClientRequest<BusinessMessagesReceipt> {
    private static final String REST_PATH = "v1/{+name}";
    @Key private String name;
    @Key("$.xgafv") private String xgafv;
    @Key private String alt;
    @Key private String fields;
    @Key private String key;
    @Key private Boolean prettyPrint;

    UpdateReceipt(String name, BusinessMessagesReceipt content) {
      super(Businessmessages.this, "PATCH", REST_PATH, content, BusinessMessagesReceipt.class);
      this.name = name;
    }

    public UpdateReceipt setXgafv(String xgafv) {
      this.xgafv = xgafv;
      return this;
    }

    public UpdateReceipt setAlt(String alt) {
      this.alt = alt;
      return this;
    }

    public UpdateReceipt setFields(String fields) {
      this.fields = fields;
      return this;
    }

    public UpdateReceipt setKey(String key) {
      this.key = key;
      return this;
    }

    public UpdateReceipt setPrettyPrint(Boolean prettyPrint) {
      this.prettyPrint = prettyPrint;
      return this;
    }

    public String getName() {
      return name;
    }
  }

  /** The generated builder. */
  static final class Builder extends AbstractGoogleJsonClient.Builder {
    Builder(HttpTransport transport, JsonFactory jsonFactory, String rootUrl,
        HttpRequestInitializer initializer) {
      super(transport, jsonFactory, rootUrl, DEFAULT_SERVICE_PATH, initializer, false);
      setBatchPath("batch");
    }

    @Override
    public Builder setApplicationName(String applicationName) {
      return (Builder) super.setApplicationName(applicationName);
    }

    @Override
    public Businessmessages build() {
      return new Businessmessages(this);
    }
  }
}
