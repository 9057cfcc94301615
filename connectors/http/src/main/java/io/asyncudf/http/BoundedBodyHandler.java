package io.asyncudf.http;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.asynchttpclient.AsyncHandler;
import org.asynchttpclient.HttpResponseBodyPart;
import org.asynchttpclient.HttpResponseStatus;
import org.asynchttpclient.netty.request.NettyRequest;

/**
 * Collects one response on the network thread, aborting as soon as the body passes the size cap,
 * so an oversized response costs at most {@code maxBytes} of memory.
 */
final class BoundedBodyHandler implements AsyncHandler<HttpResponse> {

  /**
   * How soon after its request was written a failure on a pooled connection means the server had closed that
   * connection: it answers a request on a closed connection with a reset within a round trip. A later failure
   * (a load balancer cutting a long request, a server dying while it works) may come after the request was
   * processed, and goes to the retry rules instead.
   */
  static final Duration STALE_WITHIN = Duration.ofSeconds(2);

  private final RequestDescription request;
  private final long maxBytes;
  private final ByteArrayOutputStream body = new ByteArrayOutputStream();
  private int status;
  private Map<String, List<String>> headers = Map.of();
  private long tooLarge = -1;
  private volatile boolean pooledConnection;
  private volatile boolean answered;
  private volatile long sentAt;
  private volatile Duration announcedIdleTimeout;

  BoundedBodyHandler(RequestDescription request, long maxBytes) {
    this.request = request;
    this.maxBytes = maxBytes;
  }

  @Override
  public void onConnectionPooled(Channel connection) {
    pooledConnection = true;
  }

  /** The connection goes back to the pool: it carries the idle timeout the server announced, if any. */
  @Override
  public void onConnectionOffer(Channel connection) {
    connection.attr(KeepAlivePool.SERVER_IDLE_TIMEOUT).set(announcedIdleTimeout);
  }

  @Override
  public void onRequestSend(NettyRequest request) {
    sentAt = System.nanoTime();
  }

  /**
   * Whether the exchange went over a connection taken from the pool and failed before any byte of
   * an answer, before its request was written or within {@link #STALE_WITHIN} of writing it: the server had
   * closed that connection (keep-alive churn), so it never saw the request.
   */
  boolean failedOnStaleConnection() {
    long sent = sentAt;
    return pooledConnection && !answered && (sent == 0 || System.nanoTime() - sent < STALE_WITHIN.toNanos());
  }

  @Override
  public State onStatusReceived(HttpResponseStatus responseStatus) {
    answered = true;
    status = responseStatus.getStatusCode();
    return State.CONTINUE;
  }

  @Override
  public State onHeadersReceived(HttpHeaders received) {
    Map<String, List<String>> copy = new LinkedHashMap<>();
    for (Map.Entry<String, String> header : received) {
      copy.computeIfAbsent(header.getKey().toLowerCase(Locale.ROOT), name -> new ArrayList<>()).add(header.getValue());
    }
    copy.replaceAll((name, values) -> List.copyOf(values));
    headers = Collections.unmodifiableMap(copy);
    announcedIdleTimeout = KeepAlivePool.announcedTimeout(received.get("keep-alive"));
    String length = received.get("content-length");
    if (length != null && received.get("content-encoding") == null && hasBody()) {
      try {
        long declared = Long.parseLong(length.trim());
        if (declared > maxBytes) {
          tooLarge = declared;
          return State.ABORT;
        }
      } catch (NumberFormatException ignored) {
        // the body parts are counted anyway
      }
    }
    return State.CONTINUE;
  }

  /** Whether the answer has a body: a {@code HEAD}'s and a 1xx, 204 or 304's {@code Content-Length} describe none. */
  private boolean hasBody() {
    return !"HEAD".equalsIgnoreCase(request.method()) && status >= 200 && status != 204 && status != 304;
  }

  @Override
  public State onBodyPartReceived(HttpResponseBodyPart part) {
    long size = (long) body.size() + part.length();
    if (size > maxBytes) {
      tooLarge = size;
      return State.ABORT;
    }
    body.writeBytes(part.getBodyPartBytes());
    return State.CONTINUE;
  }

  @Override
  public void onThrowable(Throwable failure) {}

  @Override
  public HttpResponse onCompleted() throws ResponseTooLargeException {
    if (tooLarge >= 0) {
      throw new ResponseTooLargeException(request.get(), maxBytes, tooLarge);
    }
    return new HttpResponse(request, status, headers, body.toByteArray());
  }
}
