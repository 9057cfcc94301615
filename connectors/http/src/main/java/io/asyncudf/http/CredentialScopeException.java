package io.asyncudf.http;

/**
 * A request would have carried the configuration's credentials (its {@code auth} or secret headers)
 * to an origin that may not receive them: neither the {@code baseUrl}'s origin nor one listed with
 * {@link HttpClientConfig.Builder#credentialOrigin}. The request was not sent. Never retried.
 */
public final class CredentialScopeException extends IllegalStateException {

  private final String origin;

  CredentialScopeException(String request, String origin, String allowed) {
    super("refusing to send the credentials of this HttpClientConfig with " + request + ": origin " + origin
        + " may not receive them (allowed: " + allowed + "); add it with credentialOrigin(...) if it should");
    this.origin = origin;
  }

  /** The origin the request was for. */
  public String origin() {
    return origin;
  }
}
