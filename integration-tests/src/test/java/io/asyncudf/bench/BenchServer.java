package io.asyncudf.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** {@link BenchService} in its own JVM, and the calls that reset and read its counters. */
public final class BenchServer implements AutoCloseable {

  /**
   * What the server saw since the last reset: requests, the most in flight at once, the most
   * connections open at once, and the connections accepted.
   */
  /**
   * @param tooMany 429 answers of a service with a capacity
   * @param busyNanos the time scoring requests spent in the service, summed
   */
  public record Stats(long requests, int peakInFlight, int peakOpenConnections, long connections, long tooMany,
      long busyNanos) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final URI base;
  private final HttpClient control = HttpClient.newHttpClient();

  private BenchServer(Process process, int port) {
    this.process = process;
    this.base = URI.create("http://127.0.0.1:" + port + "/");
  }

  /** Starts the service with {@code eventLoopThreads} on the current class path. */
  public static BenchServer start(int eventLoopThreads) throws IOException {
    Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-cp", System.getProperty("java.class.path"), BenchService.class.getName(),
        String.valueOf(eventLoopThreads))
        .redirectErrorStream(true).start();
    BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = output.readLine()) != null) {
      if (line.startsWith("LISTENING ")) {
        Thread drain = new Thread(() -> output.lines().forEach(ignored -> { }), "bench-service-output");
        drain.setDaemon(true);
        drain.start();
        return new BenchServer(process, Integer.parseInt(line.substring("LISTENING ".length())));
      }
    }
    throw new IOException("the bench service exited with " + process.exitValue() + " before listening");
  }

  public URI baseUri() {
    return base;
  }

  public void reset(long latencyMillis) throws IOException, InterruptedException {
    reset(latencyMillis, false);
  }

  /** Zeroes the counters and sets the latency; {@code churn}: close connections after 1 to 8 answers. */
  public void reset(long latencyMillis, boolean churn) throws IOException, InterruptedException {
    reset(latencyMillis, churn, 0);
  }

  /** As {@link #reset(long, boolean)}; {@code capacity} requests served at a time (0: no limit), 429 beyond twice that. */
  public void reset(long latencyMillis, boolean churn, int capacity) throws IOException, InterruptedException {
    reset(latencyMillis, churn, capacity, 0);
  }

  /** As {@link #reset(long, boolean, int)}; {@code slowPerMille} scoring requests in a thousand take ten times the latency. */
  public void reset(long latencyMillis, boolean churn, int capacity, int slowPerMille)
      throws IOException, InterruptedException {
    get("reset?latency_ms=" + latencyMillis + (churn ? "&churn=1" : "") + (capacity > 0 ? "&capacity=" + capacity : "")
        + (slowPerMille > 0 ? "&slow=" + slowPerMille : ""));
  }

  public Stats stats() throws IOException, InterruptedException {
    JsonNode stats = JSON.readTree(get("stats"));
    return new Stats(stats.get("requests").asLong(), stats.get("peak_in_flight").asInt(),
        stats.get("peak_open_connections").asInt(), stats.get("connections").asLong(), stats.get("too_many").asLong(),
        stats.get("busy_nanos").asLong());
  }

  private String get(String path) throws IOException, InterruptedException {
    var response = control.send(HttpRequest.newBuilder(base.resolve(path)).build(), BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException(path + " answered " + response.statusCode());
    }
    return response.body();
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
