package io.asyncudf.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A 2,000,000-row single partition through scalarToScalar completes in a JVM limited to
 * {@code -Xmx512m}: the partition is streamed, never held whole.
 */
class StreamingMemoryTest {

  @Test
  void twoMillionRowPartitionCompletesWithHalfAGigabyteHeap() throws Exception {
    long rows = 2_000_000;
    String output = runProbe(rows, "-Xmx512m");

    assertThat(output).contains("ROWS=" + rows + " SUM=" + (rows * (rows - 1)));
  }

  static String runProbe(long rows, String xmx) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add(xmx);
    command.addAll(Arrays.asList(System.getProperty("asyncudf.sparkJavaOptions", "").trim().split("\\s+")));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(StreamingMemoryProbe.class.getName());
    command.add(Long.toString(rows));
    Process process = new ProcessBuilder(command.stream().filter(s -> !s.isEmpty()).toList())
        .redirectErrorStream(true)
        .start();
    byte[] out = process.getInputStream().readAllBytes();
    assertThat(process.waitFor(10, TimeUnit.MINUTES)).isTrue();
    String text = new String(out, StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as(text).isZero();
    return text;
  }
}
