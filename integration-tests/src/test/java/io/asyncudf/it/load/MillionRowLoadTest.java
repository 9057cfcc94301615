package io.asyncudf.it.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncudf.bench.BenchServer;
import io.asyncudf.it.ChildJvm;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A million rows through the HTTP connector against a fast local service (Netty, no latency, its
 * own JVM), in an executor JVM capped at {@code -Xmx512m}: every row scored right, one HTTP client
 * for all tasks, and never more connections open at the service than the configured maximum.
 */
class MillionRowLoadTest {

  private static final long ROWS = 1_000_000;
  private static final int MAX_CONNECTIONS = 16;
  private static final Pattern VALUE = Pattern.compile("([A-Z_]+)=([0-9.]+)");

  @Test
  @Timeout(value = 6, unit = java.util.concurrent.TimeUnit.MINUTES) // 84 s alone, 132 s beside another test JVM
  void aMillionRowsInHalfAGigabyteThroughOneClientWithinItsConnectionLimit() throws Exception {
    try (BenchServer service = BenchServer.start(1)) {
      service.reset(0);

      // the full JIT: the tests' JVMs compile with C1 only (short-lived), which made this 100 s of CPU 1.3 times longer
      String output = ChildJvm.run(List.of("-Xmx512m", "-XX:TieredStopAtLevel=4"), LoadProbe.class,
          service.baseUri().toString(), Long.toString(ROWS),
          Integer.toString(MAX_CONNECTIONS));
      BenchServer.Stats stats = service.stats();
      Map<String, Double> probe = values(output);
      System.out.printf("load: %s; service saw %d requests, peak %d in flight, peak %d scoring connections open, %d accepted%n",
          output.lines().filter(line -> line.startsWith("ROWS=")).findFirst().orElse(output),
          stats.requests(), stats.peakInFlight(), stats.peakOpenConnections(), stats.connections());

      assertThat(probe).as(output).containsKeys("ROWS", "HTTP_CLIENTS");
      assertThat(probe.get("ROWS")).isEqualTo(ROWS);
      assertThat(probe.get("SCORED")).isEqualTo(ROWS);
      assertThat(probe.get("EACH_ID_ONCE")).isEqualTo(1);
      assertThat(probe.get("WRONG_SCORES")).isZero();
      assertThat(probe.get("HTTP_CLIENTS")).as("HTTP clients in the executor JVM").isEqualTo(1);
      assertThat(probe.get("PEAK_IN_FLIGHT")).isLessThanOrEqualTo(MAX_CONNECTIONS);
      assertThat(stats.requests()).as("requests (at least once each)").isGreaterThanOrEqualTo(ROWS);
      assertThat(stats.peakOpenConnections()).as("connections open at once").isBetween(1, MAX_CONNECTIONS);
      assertThat(stats.peakInFlight()).isLessThanOrEqualTo(MAX_CONNECTIONS);
    }
  }

  private static Map<String, Double> values(String output) {
    Map<String, Double> values = new HashMap<>();
    output.lines().filter(line -> line.startsWith("ROWS=")).findFirst().ifPresent(line -> {
      Matcher matcher = VALUE.matcher(line);
      while (matcher.find()) {
        values.put(matcher.group(1), Double.parseDouble(matcher.group(2)));
      }
    });
    return values;
  }
}
