// SPDX-License-Identifier: Apache-2.0
/**
 * RCS Business Messaging (RBM), the protocol layer: pure, no I/O, no threads, no logging.
 *
 * <p>A webhook hands each body to {@link dev.bmreceipts.core.rbm.RbmParser#parse(byte[])}, which
 * answers either the verification handshake or the Pub/Sub push {@link
 * dev.bmreceipts.core.rbm.RbmEnvelope} with its {@code message.data} already base64-decoded. It
 * checks {@code X-Goog-Signature} with {@link dev.bmreceipts.core.rbm.RbmSignature} over those
 * decoded bytes (not over the body, unlike Business Messages' {@link
 * dev.bmreceipts.core.WebhookSignature}), then classifies the data with {@link
 * dev.bmreceipts.core.rbm.RbmParser#payload(RbmEnvelope)} into an {@link
 * dev.bmreceipts.core.rbm.RbmPayload}: a {@link dev.bmreceipts.core.rbm.RbmUserEvent}, a {@link
 * dev.bmreceipts.core.rbm.RbmUserMessage}, or another event passed on as JSON. {@link
 * dev.bmreceipts.core.rbm.RbmKeys} gives the dedupe keys, {@link
 * dev.bmreceipts.core.rbm.AgentEventId} the idempotent {@code eventId} of an agent event, and
 * {@link dev.bmreceipts.core.rbm.PhoneNumber} validates E.164 numbers and masks them for logs.
 *
 * <pre>{@code
 * RbmParser parser = RbmParser.create();
 * RbmBody body = parser.parse(bytes);
 * if (body.isHandshake()) { ... answer the secret when body.handshake().get().tokenMatches(token) }
 * RbmEnvelope envelope = body.envelope().orElseThrow();
 * if (!RbmSignature.verify(clientToken, envelope.data(), signatureHeader)) { ... 401 }
 * RbmPayload payload = parser.payload(envelope);
 * payload.userEvent().ifPresent(e -> System.out.println(e.eventType() + " " + e.senderPhoneNumber()));
 * }</pre>
 */
package dev.bmreceipts.core.rbm;
