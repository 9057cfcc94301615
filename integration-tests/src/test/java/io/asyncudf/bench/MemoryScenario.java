package io.asyncudf.bench;

import io.asyncudf.it.StreamingMemoryProbe;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m"));
    command.addAll(Arrays.asList(System.getProperty("asyncudf.sparkJavaOptions", "").trim().split("\\s+")));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), StreamingMemoryProbe.class.getName(),
        Long.toString(rows), Integer.toString(chunkSize), Integer.toString(chunksInFlight)));
    Process probe = new ProcessBuilder(command.stream().filter(part -> !part.isEmpty()).toList())
        .redirectErrorStream(true).start();
    String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int status = probe.waitFor();
    Matcher result = RESULT.matcher(output);
    if (status != 0 || !result.find()) {
      throw new IllegalStateException("memory probe for " + rows + " rows failed with status " + status + ":\n" + output);
    }
    if (Long.parseLong(result.group(1)) != rows || Long.parseLong(result.group(2)) != rows * (rows - 1)) {
      throw new IllegalStateException("memory probe lost or changed rows: " + result.group());
    }
    BenchResult measured = new BenchResult(
        "memory: 1 partition, -Xmx512m, live " + result.group(4) + " MiB", rows, chunkSize * chunksInFlight, 0,
        Double.parseDouble(result.group(5)), Double.NaN, -1, Long.parseLong(result.group(3)), Double.NaN);
    System.out.println(measured.line());
    return measured;
  }
}
