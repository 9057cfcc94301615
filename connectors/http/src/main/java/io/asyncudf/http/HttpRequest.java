package io.asyncudf.http;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One HTTP request: immutable; every {@code with}-style method returns a new request. The URL is
 * absolute or relative to {@link HttpClientConfig#baseUrl()}.
 *
 * <p>GET, HEAD, PUT, DELETE and OPTIONS are idempotent and retried on every retryable failure. POST
 * and PATCH are retried only on failures that prove the server never saw them (connect errors, 429),
 * unless the caller declares them {@link #idempotent(boolean) idempotent}.
 */
public final class HttpRequest {

  private static final Set<String> IDEMPOTENT_METHODS = Set.of("GET", "HEAD", "PUT", "DELETE", "OPTIONS");

  private final String method;
  private final String url;
  private final Map<String, String> headers;
  private final byte[] body;
  private final boolean idempotent;
  private final Duration timeout;

  private HttpRequest(String method, String url, Map<String, String> headers, byte[] body, boolean idempotent,
      Duration timeout) {
    this.method = method;
    this.url = url;
    this.headers = headers;
    this.body = body;
    this.idempotent = idempotent;
    this.timeout = timeout;
  }

  /** A request with no body. */
  public static HttpRequest of(String method, String url) {
    String verb = Objects.requireNonNull(method, "method").toUpperCase(Locale.ROOT);
    Objects.requireNonNull(url, "url");
    return new HttpRequest(verb, url, Map.of(), null, IDEMPOTENT_METHODS.contains(verb), null);
  }

  public static HttpRequest get(String url) {
    return of("GET", url);
  }

  public static HttpRequest delete(String url) {
    return of("DELETE", url);
  }

  public static HttpRequest post(String url, String contentType, byte[] body) {
    return of("POST", url).body(contentType, body);
  }

  public static HttpRequest put(String url, String contentType, byte[] body) {
    return of("PUT", url).body(contentType, body);
  }

  /** POST of a JSON document. */
  public static HttpRequest postJson(String url, String json) {
    return post(url, "application/json", json.getBytes(StandardCharsets.UTF_8));
  }

  /** PUT of a JSON document. */
  public static HttpRequest putJson(String url, String json) {
    return put(url, "application/json", json.getBytes(StandardCharsets.UTF_8));
  }

  /** This request with a header added (or replaced, ignoring case). */
  public HttpRequest header(String name, String value) {
    Objects.requireNonNull(name, "header name");
    Objects.requireNonNull(value, "header value");
    Map<String, String> copy = new LinkedHashMap<>(headers);
    copy.keySet().removeIf(existing -> existing.equalsIgnoreCase(name));
    copy.put(name, value);
    return new HttpRequest(method, url, Collections.unmodifiableMap(copy), body, idempotent, timeout);
  }

  /** This request with a body and its {@code Content-Type}. */
  public HttpRequest body(String contentType, byte[] content) {
    Objects.requireNonNull(content, "body");
    return new HttpRequest(method, url, headers, content.clone(), idempotent, timeout).header("Content-Type", contentType);
  }

  /** Declares whether sending this request twice has the same effect as once, which allows retrying it. */
  public HttpRequest idempotent(boolean idempotent) {
    return new HttpRequest(method, url, headers, body, idempotent, timeout);
  }

  /** A whole-request timeout for this request instead of {@link HttpClientConfig#requestTimeout()}. */
  public HttpRequest timeout(Duration timeout) {
    HttpRetrySettings.requirePositive("request timeout", timeout);
    return new HttpRequest(method, url, headers, body, idempotent, timeout);
  }

  public String method() {
    return method;
  }

  public String url() {
    return url;
  }

  public Map<String, String> headers() {
    return headers;
  }

  /** The body, or null; a copy. */
  public byte[] body() {
    return body == null ? null : body.clone();
  }

  byte[] bodyUnsafe() {
    return body;
  }

  public boolean isIdempotent() {
    return idempotent;
  }

  /** The per-request timeout, or null for the client's. */
  public Duration timeout() {
    return timeout;
  }

  /** Method and URL with secret-looking query values masked; header values and body never shown. */
  @Override
  public String toString() {
    return method + " " + Redaction.url(url);
  }
}
