package io.asyncudf.example;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback HTTP service that answers at once and records when each request arrived, on which path
 * and from which executor ({@code executor} query parameter). Request number {@code throttleAt} of
 * path {@code throttlePath} gets a 429 with {@code Retry-After: 2}.
 */
final class RecordingService implements AutoCloseable {

  /** One request as the service saw it. */
  record Arrival(String path, String executor, long nanos, int status) {}

  private final HttpServer server;
  private final ExecutorService threads = Executors.newFixedThreadPool(16);
  private final ConcurrentLinkedQueue<Arrival> arrivals = new ConcurrentLinkedQueue<>();
  private final String throttlePath;
  private final long throttleAt;
  private final AtomicLong throttleCount = new AtomicLong();

  RecordingService(String throttlePath, long throttleAt) throws IOException {
    this.throttlePath = throttlePath;
    this.throttleAt = throttleAt;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 512);
    server.createContext("/", this::answer);
    server.setExecutor(threads);
    server.start();
  }

  URI baseUri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  List<Arrival> arrivals() {
    return List.copyOf(arrivals);
  }

  private void answer(HttpExchange exchange) throws IOException {
    long now = System.nanoTime();
    String path = exchange.getRequestURI().getPath().substring(1);
    String query = exchange.getRequestURI().getQuery();
    String executor = "?";
    for (String pair : query == null ? new String[0] : query.split("&")) {
      if (pair.startsWith("executor=")) {
        executor = pair.substring("executor=".length());
      }
    }
    int status = 200;
    if (path.equals(throttlePath) && throttleCount.incrementAndGet() == throttleAt) {
      status = 429;
      exchange.getResponseHeaders().add("Retry-After", "2");
    }
    arrivals.add(new Arrival(path, executor, now, status));
    byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
