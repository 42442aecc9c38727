/** The runnable demo: webhook service, send-read, report and the offline API emulator. */
module dev.bmreceipts.demo {
  requires dev.bmreceipts.http;
  requires dev.bmreceipts.auth;

}
