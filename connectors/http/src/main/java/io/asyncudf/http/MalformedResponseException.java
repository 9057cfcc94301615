package io.asyncudf.http;

/** A response body that could not be parsed as the caller expected; names the request and status. */
public class MalformedResponseException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public MalformedResponseException(String request, int status, String problem, Throwable cause) {
    super("malformed response (HTTP " + status + ") to " + request + ": " + problem, cause);
  }
}
