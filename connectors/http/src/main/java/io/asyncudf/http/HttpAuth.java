package io.asyncudf.http;

import io.asyncudf.connector.Secret;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
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

  /**
   * OAuth 2.0 client credentials with per-executor token caching. Two are equal when their grants are of one
   * class and equal, or equal in serialized form: each task deserializes its own copy of a grant, and a lambda or a
   * class without {@code equals} would otherwise give every task a client of its own.
   */
  record OAuth2(String tokenUrl, TokenGrant grant, Duration refreshBefore) implements HttpAuth {
    public OAuth2 {
      Objects.requireNonNull(tokenUrl, "tokenUrl");
      Objects.requireNonNull(grant, "grant");
      if (refreshBefore == null || refreshBefore.isNegative()) {
        throw new IllegalArgumentException("refreshBefore must be zero or positive, was " + refreshBefore);
      }
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof OAuth2 that && tokenUrl.equals(that.tokenUrl) && refreshBefore.equals(that.refreshBefore)
          && grant.getClass() == that.grant.getClass() // as hashCode: equal grants are of one class
          && (grant.equals(that.grant) || sameSerializedForm(grant, that.grant));
    }

    @Override
    public int hashCode() {
      return Objects.hash(tokenUrl, grant.getClass(), refreshBefore);
    }

    @Override
    public String toString() {
      return "OAuth2[tokenUrl=" + Redaction.url(tokenUrl) + ", grant=" + grant + ", refreshBefore=" + refreshBefore + "]";
    }

    private static boolean sameSerializedForm(TokenGrant one, TokenGrant other) {
      try {
        return Arrays.equals(serialized(one), serialized(other));
      } catch (IOException e) { // a grant that does not serialize is equal to itself only
        return false;
      }
    }

    private static byte[] serialized(TokenGrant grant) throws IOException {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(grant);
      }
      return bytes.toByteArray();
    }
  }
}
