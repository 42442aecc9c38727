// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.core.rbm;

import dev.bmreceipts.core.Timestamp;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A Pub/Sub push envelope as RBM posts it: {@code {"message":{"attributes":{…},"data":"<base64>",
 * "messageId":"…","publishTime":"…"},"subscription":"…"}}, with {@code data} already decoded.
 *
 * <p>{@link #data()} is what {@link RbmSignature} checks and what {@link RbmParser#payload} reads.
 * Instances are immutable: {@link #data()} answers a copy. {@link #toString()} shows neither the
 * data nor the attributes' values.
 */
public final class RbmEnvelope {
  private final Map<String, String> attributes;
  private final byte[] data;
  private final String messageId;
  private final Timestamp publishTime;
  private final String subscription;

  /**
   * @param attributes {@code message.attributes}, in wire order; empty when absent
   * @param data the base64-decoded bytes of {@code message.data}; copied
   * @param messageId the Pub/Sub message id ({@code messageId} or {@code message_id}), {@code ""}
   *     when absent
   * @param publishTime {@code publishTime} or {@code publish_time}; {@link Timestamp#ABSENT} when
   *     absent
   * @param subscription the subscription's resource name, {@code ""} when absent
   */
  public RbmEnvelope(Map<String, String> attributes, byte[] data, String messageId,
      Timestamp publishTime, String subscription) {
    Objects.requireNonNull(attributes, "attributes cannot be null, use Map.of()");
    Objects.requireNonNull(data, "data cannot be null, use new byte[0]");
    this.attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    this.data = data.clone();
    this.messageId = Objects.requireNonNull(messageId, "messageId cannot be null, use \"\"");
    this.publishTime = Objects.requireNonNull(publishTime, "publishTime cannot be null, use Timestamp.ABSENT");
    this.subscription = Objects.requireNonNull(subscription, "subscription cannot be null, use \"\"");
  }

  /** {@code message.attributes}: unmodifiable, in wire order, empty when absent. */
  public Map<String, String> attributes() {
    return attributes;
  }

  /** A copy of the base64-decoded bytes of {@code message.data}: what {@link RbmSignature} signs. */
  public byte[] data() {
    return data.clone();
  }

  /** How many bytes {@link #data()} has. */
  public int dataLength() {
    return data.length;
  }

  /** The Pub/Sub message id, from {@code messageId} or else {@code message_id}; {@code ""} when absent. */
  public String messageId() {
    return messageId;
  }

  /** When Pub/Sub published it, from {@code publishTime} or else {@code publish_time}. */
  public Timestamp publishTime() {
    return publishTime;
  }

  /** The subscription's resource name, {@code ""} when absent. */
  public String subscription() {
    return subscription;
  }

  /** The bytes themselves, for the parser in this package: no copy. */
  byte[] dataUnsafe() {
    return data;
  }

  @Override
  public String toString() {
    return "RbmEnvelope[messageId=" + messageId + ", publishTime=" + publishTime.raw()
        + ", attributes=" + attributes.keySet() + ", data=" + data.length + " bytes]";
  }
}
