package io.asyncudf.opensearch;

import java.io.IOException;

/**
 * OpenSearch refused a whole request (non-2xx after retries): names the status, the request
 * ({@code METHOD /path}) and the error type and reason from the response, never credentials.
 */
public class OpenSearchException extends IOException {

  private static final long serialVersionUID = 1L;

  private final int status;

  public OpenSearchException(int status, String request, String detail) {
    super("OpenSearch answered HTTP " + status + " to " + request + ": " + detail);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
