package io.asyncudf.http;

import io.asyncudf.connector.Secret;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;

/**
 * How requests authenticate. Values are immutable and serializable; their {@code toString()} never
 * shows a secret.
 */
public sealed interface HttpAuth extends Serializable {

  /** No {@code Authorization} header. */
  static HttpAuth none() {
    return None.INSTANCE;
  }

  /** HTTP basic authentication. */
  static HttpAuth basic(String user, Secret password) {
    return new Basic(user, password);
  }

  /** A fixed bearer token. */
  static HttpAuth bearer(Secret token) {
    return new Bearer(token);
  }

  /**
   * OAuth 2.0 client credentials: a bearer token fetched from {@code tokenUrl} with {@code grant},
   * cached per executor JVM, shared by its tasks, refreshed {@code refreshBefore} ahead of its
   * expiry (or at half its lifetime when that is sooner) and once more when a request gets 401.
   */
  static HttpAuth oauth2(String tokenUrl, TokenGrant grant, Duration refreshBefore) {
    return new OAuth2(tokenUrl, grant, refreshBefore);
  }

  /** {@link #oauth2(String, TokenGrant, Duration)} refreshing 60 s before expiry. */
  static HttpAuth oauth2(String tokenUrl, TokenGrant grant) {
    return new OAuth2(tokenUrl, grant, Duration.ofSeconds(60));
  }

  /** No authentication. */
  enum None implements HttpAuth {
    INSTANCE
  }

  /** Basic authentication; the password never shows in {@code toString()}. */
  record Basic(String user, Secret password) implements HttpAuth {
    public Basic {
      Objects.requireNonNull(user, "user");
      Objects.requireNonNull(password, "password");
    }

    String headerValue() {
      String pair = user + ":" + password.reveal();
      return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** A fixed bearer token. */
  record Bearer(Secret token) implements HttpAuth {
    public Bearer {
      Objects.requireNonNull(token, "token");
    }
  }

  /** OAuth 2.0 client credentials with per-executor token caching. */
  record OAuth2(String tokenUrl, TokenGrant grant, Duration refreshBefore) implements HttpAuth {
    public OAuth2 {
      Objects.requireNonNull(tokenUrl, "tokenUrl");
      Objects.requireNonNull(grant, "grant");
      if (refreshBefore == null || refreshBefore.isNegative()) {
        throw new IllegalArgumentException("refreshBefore must be zero or positive, was " + refreshBefore);
      }
    }
  }
}
