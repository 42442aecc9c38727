// SPDX-License-Identifier: Apache-2.0
/**
 * The runnable demo: webhook service, send-read, report and the offline API emulator.
 *
 * <pre>{@code
 * BM_SIGNING_KEY="$KEY" java -jar receipts-demo.jar serve --port 8080 --journal receipts.jsonl
 * java -p receipts-demo.jar:modules -m dev.bmreceipts.demo/dev.bmreceipts.demo.Main --help
 * }</pre>
 */
module dev.bmreceipts.demo {
  // the webhook, the sender and the metrics; brings core, jakarta.json, jdk.httpserver and
  // java.net.http transitively
  requires dev.bmreceipts.http;
  // service-account credentials for --credentials
  requires dev.bmreceipts.auth;
  // LogLines: the one-line, escaped format of the log lines on standard error
  requires java.logging;
  // the emulator command wraps it
  requires dev.bmreceipts.emulator;
  // --store: the shared PostgreSQL store (the driver is found by java.sql at run time)
  requires dev.bmreceipts.jdbc;

  exports dev.bmreceipts.demo;
}
