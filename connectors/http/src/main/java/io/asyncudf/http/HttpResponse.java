package io.asyncudf.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A complete HTTP response: status, headers and the whole body (at most
 * {@link HttpClientConfig#maxResponseBytes()}). Immutable. Connectors complete their futures off the
 * network threads, so parsing the body with {@link #json()} in a continuation is fine (not on a
 * {@link HttpConnector#sendDirect} future's, which completes on the network thread).
 */
public final class HttpResponse {

  static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern CHARSET = Pattern.compile("(?i)charset=\"?([^\";]+)");

  private final Supplier<String> request;
  private final int status;
  private final Map<String, List<String>> headers;
  private final byte[] body;

  HttpResponse(Supplier<String> request, int status, Map<String, List<String>> headers, byte[] body) {
    this.request = request;
    this.status = status;
    this.headers = headers;
    this.body = body;
  }

  public int status() {
    return status;
  }

  /** Header names in lower case, each with its values in the order received. */
  public Map<String, List<String>> headers() {
    return headers;
  }

  /** The first value of a header, ignoring case, or null. */
  public String header(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** The body bytes; a copy. */
  public byte[] body() {
    return body.clone();
  }

  /** The number of body bytes. */
  public int bodyLength() {
    return body.length;
  }

  /** The body decoded with the {@code Content-Type} charset, UTF-8 when none is given. */
  public String bodyAsString() {
    return new String(body, charset());
  }

  /**
   * The start of the body as text: its first {@code maxBytes} bytes decoded (a character they cut may end it
   * garbled), so that an error's snippet of a large body costs no more than the snippet.
   */
  String bodyStart(int maxBytes) {
    return new String(body, 0, Math.min(body.length, maxBytes), charset());
  }

  /**
   * The body parsed as JSON.
   *
   * @throws MalformedResponseException naming the request when the body is not JSON
   */
  public JsonNode json() {
    try {
      JsonNode node = JSON.readTree(body);
      if (node == null || node.isMissingNode()) {
        throw new MalformedResponseException(request.get(), status, "empty body where JSON was expected", null);
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new MalformedResponseException(request.get(), status, "body is not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new MalformedResponseException(request.get(), status, "cannot read body: " + e.getMessage(), e);
    }
  }

  /** The request this answers, as {@code METHOD url} without secrets. */
  public String request() {
    return request.get();
  }

  private Charset charset() {
    String contentType = header("content-type");
    if (contentType != null) {
      Matcher matcher = CHARSET.matcher(contentType);
      if (matcher.find()) {
        try {
          return Charset.forName(matcher.group(1).trim());
        } catch (IllegalCharsetNameException | UnsupportedCharsetException ignored) {
          return StandardCharsets.UTF_8;
        }
      }
    }
    return StandardCharsets.UTF_8;
  }

  @Override
  public String toString() {
    return "HttpResponse[" + status + " for " + request.get() + ", " + body.length + " bytes]";
  }
}
