package io.asyncudf.http;

import java.io.IOException;

/** A response body exceeded {@link HttpClientConfig#maxResponseBytes()}; it was not read further. */
public class ResponseTooLargeException extends IOException {

  private static final long serialVersionUID = 1L;

  public ResponseTooLargeException(String request, long limit, long seen) {
    super("response to " + request + " exceeds maxResponseBytes=" + limit + " (" + seen + " bytes or more)");
  }
}
