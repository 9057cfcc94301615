package io.asyncudf.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a main class of the test class path in a JVM of its own, with Spark's JVM options. */
public final class ChildJvm {

  private ChildJvm() {}

  /**
   * Runs {@code main} with {@code heapOption} (e.g. {@code -Xmx512m}) and returns its output; fails
   * if it does not finish within 10 minutes or exits with a non-zero status.
   */
  public static String run(String heapOption, Class<?> main, String... args) throws IOException, InterruptedException {
    return run(List.of(heapOption), main, args);
  }

  /**
   * Runs {@code main} with {@code jvmOptions} after Spark's (a later option wins) and returns its output; fails
   * if it does not finish within 10 minutes or exits with a non-zero status.
   */
  public static String run(List<String> jvmOptions, Class<?> main, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(Arrays.asList(System.getProperty("asyncudf.sparkJavaOptions", "").trim().split("\\s+")));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
    command.addAll(Arrays.asList(args));
    Process process = new ProcessBuilder(command.stream().filter(part -> !part.isEmpty()).toList())
        .redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IllegalStateException(main.getSimpleName() + " " + String.join(" ", args) + " failed:\n" + output);
    }
    return output;
  }
}
