package io.asyncudf.http;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * The server answered with a status outside 2xx, after any retries. Carries the status, the request
 * (method and URL, secrets masked), the attempt that got this answer, the response body (its first
 * 512 characters in the message, at most 64 KiB in {@link #body()}) and the {@code Retry-After} the
 * server asked for. Never carries request headers or request bodies.
 */
public class HttpStatusException extends IOException {

  private static final long serialVersionUID = 1L;
  static final int SNIPPET_CHARS = 512;
  static final int BODY_CHARS = 64 * 1024;

  private final int status;
  private final String request;
  private final int attempt;
  private final String body;
  private final Duration retryAfter;

  public HttpStatusException(int status, String request, int attempt, String body, Duration retryAfter) {
    super("HTTP " + status + " from " + request + " (attempt " + attempt + ")" + describe(body));
    this.status = status;
    this.request = request;
    this.attempt = attempt;
    this.body = body == null ? "" : body.length() <= BODY_CHARS ? body : body.substring(0, BODY_CHARS);
    this.retryAfter = retryAfter;
  }

  public int status() {
    return status;
  }

  /** {@code METHOD url}, secrets masked. */
  public String request() {
    return request;
  }

  /** The attempt (1-based) that got this answer: the number of attempts made when retries ran out. */
  public int attempt() {
    return attempt;
  }

  /** The start of the response body, at most 512 characters. */
  public String bodySnippet() {
    return snippet(body);
  }

  /** The response body, cut at 64 KiB characters. */
  public String body() {
    return body;
  }

  /** The wait the server asked for in {@code Retry-After}, if any. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  static String snippet(String body) {
    if (body == null) {
      return "";
    }
    return body.length() <= SNIPPET_CHARS ? body : body.substring(0, SNIPPET_CHARS) + "…";
  }

  private static String describe(String body) {
    String snippet = snippet(body).strip();
    return snippet.isEmpty() ? "" : ": " + snippet;
  }
}
