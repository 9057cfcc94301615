package io.asyncudf.bench;

import io.asyncudf.it.StreamingMemoryProbe;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scenario 6: one partition streamed through scalarToScalar in a JVM limited to 512 MiB, with
 * completions on another thread and no network, so only the engine's memory shows. Heap columns:
 * the peak in use, and (in the scenario name) the most still in use after a garbage collection.
 */
final class MemoryScenario {

  private static final Pattern RESULT = Pattern.compile(
      "ROWS=(\\d+) SUM=(\\d+) PEAK_HEAP_MB=(\\d+) LIVE_HEAP_MB=(\\d+) SECONDS=([0-9.E]+)");

  private MemoryScenario() {}

  static BenchResult run(long rows, int chunkSize, int chunksInFlight) throws IOException, InterruptedException {
    String output = StreamingMemoryProbe.runInNewJvm("-Xmx512m", rows, chunkSize, chunksInFlight);
    Matcher result = RESULT.matcher(output);
    if (!result.find()) {
      throw new IllegalStateException("memory probe for " + rows + " rows printed no result:\n" + output);
    }
    if (Long.parseLong(result.group(1)) != rows || Long.parseLong(result.group(2)) != rows * (rows - 1)) {
      throw new IllegalStateException("memory probe lost or changed rows: " + result.group());
    }
    BenchResult measured = new BenchResult(
        "memory: 1 partition, -Xmx512m, live " + result.group(4) + " MiB", rows, chunkSize * chunksInFlight, 0,
        Double.parseDouble(result.group(5)), Double.NaN, -1, Double.NaN, Long.parseLong(result.group(3)),
        Double.NaN);
    System.out.println(measured.line());
    return measured;
  }
}
