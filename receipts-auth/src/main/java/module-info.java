/** An {@link dev.bmreceipts.http.AccessTokenProvider} backed by Google service-account credentials. */
module dev.bmreceipts.auth {
  // transitive: our provider implements dev.bmreceipts.http.AccessTokenProvider
  requires transitive dev.bmreceipts.http;
  // the credentials, their token cache and refresh; never in our public signatures
  requires com.google.auth.oauth2;
  requires com.google.auth;

}
