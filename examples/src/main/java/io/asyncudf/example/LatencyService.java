package io.asyncudf.example;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small local "risk score" service for the example job: {@code GET /score?id=N} answers
 * {@code {"id":N,"score":S}} after a fixed latency without holding a thread while it waits, and
 * counts requests and the peak number in flight.
 */
public final class LatencyService implements AutoCloseable {

  static {
    // without TCP_NODELAY the JDK server's separate header and body writes meet the client's
    // delayed ACK, adding ~40 ms to every keep-alive response
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private final HttpServer server;
  private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
  private final long latencyMillis;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger peakInFlight = new AtomicInteger();

  private LatencyService(long latencyMillis) throws IOException {
    this.latencyMillis = latencyMillis;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
    server.createContext("/score", this::score);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.start();
  }

  /** Starts the service on a free loopback port. */
  public static LatencyService start(long latencyMillis) throws IOException {
    return new LatencyService(latencyMillis);
  }

  /** The base URL, using the host name {@code localhost} so that name resolution is exercised. */
  public URI baseUri() {
    return URI.create("http://localhost:" + server.getAddress().getPort());
  }

  public long requests() {
    return requests.get();
  }

  public int peakInFlight() {
    return peakInFlight.get();
  }

  /** The score the service gives an id: deterministic, so tests can check every row. */
  public static double scoreOf(long id) {
    return (id * 7919 % 1000) / 1000.0;
  }

  private void score(HttpExchange exchange) {
    requests.incrementAndGet();
    peakInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
    String query = exchange.getRequestURI().getQuery();
    timer.schedule(() -> respond(exchange, query), latencyMillis, TimeUnit.MILLISECONDS);
  }

  private void respond(HttpExchange exchange, String query) {
    try (exchange) {
      long id = Long.parseLong(query.substring(query.indexOf("id=") + 3));
      byte[] body = ("{\"id\":" + id + ",\"score\":" + scoreOf(id) + "}").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    } catch (IOException | RuntimeException e) {
      exchange.close();
    } finally {
      inFlight.decrementAndGet();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    timer.shutdownNow();
    ((ExecutorService) server.getExecutor()).shutdownNow();
  }
}
