package io.asyncudf.http;

import java.io.IOException;

/** Getting an access token failed; names the token endpoint and the reason, never the credentials. */
public class AuthenticationException extends IOException {

  private static final long serialVersionUID = 1L;

  public AuthenticationException(String message, Throwable cause) {
    super(message, cause);
  }
}
