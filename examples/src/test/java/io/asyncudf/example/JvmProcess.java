package io.asyncudf.example;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A Java process the tests start, with its output in a log file. Closing it stops it and every
 * process it started (a Worker's executors, say) by PID: SIGTERM, then SIGKILL after a grace period.
 */
final class JvmProcess implements AutoCloseable {

  private static final Duration GRACE = Duration.ofSeconds(10);

  private final String name;
  private final Process process;
  private final Path log;

  private JvmProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /**
   * Starts {@code java <Spark's JVM options> -cp classpath mainClass args...} with extra environment,
   * in {@code logDir} as its working directory.
   */
  static JvmProcess start(String name, Path logDir, Map<String, String> environment, String classpath,
      String mainClass, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(Arrays.asList(System.getProperty("asyncudf.sparkJavaOptions").trim().split("\\s+")));
    command.addAll(List.of("-Xmx512m", "-cp", classpath, mainClass));
    command.addAll(Arrays.asList(args));
    Path log = logDir.resolve(name + ".log");
    ProcessBuilder builder = new ProcessBuilder(command).directory(logDir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(environment);
    return new JvmProcess(name, builder.start(), log);
  }

  /** Waits for a log line matching {@code pattern} and returns its first group (or the whole match). */
  String awaitLog(Pattern pattern, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<String> found = Files.readAllLines(log).stream().map(pattern::matcher).filter(Matcher::find)
          .map(m -> m.groupCount() > 0 ? m.group(1) : m.group()).findFirst();
      if (found.isPresent()) {
        return found.get();
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with " + process.exitValue() + " before logging "
            + pattern + ":\n" + tail());
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(name + " did not log " + pattern + " within " + timeout + ":\n" + tail());
  }

  /** Waits for the process to end; false if it is still running after {@code timeout}. */
  boolean awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  int exitValue() {
    return process.exitValue();
  }

  String output() throws IOException {
    return Files.readString(log);
  }

  /** The last 80 lines of output, for assertion messages. */
  String tail() throws IOException {
    List<String> lines = Files.readAllLines(log);
    return lines.subList(Math.max(0, lines.size() - 80), lines.size()).stream().collect(Collectors.joining("\n"));
  }

  @Override
  public void close() {
    List<ProcessHandle> tree = Stream.concat(process.descendants(), Stream.of(process.toHandle())).toList();
    tree.forEach(ProcessHandle::destroy);
    if (!awaitExit(tree, GRACE)) {
      tree.forEach(ProcessHandle::destroyForcibly);
      if (!awaitExit(tree, GRACE)) {
        throw new IllegalStateException(name + ": processes still alive after SIGKILL: "
            + tree.stream().filter(ProcessHandle::isAlive).map(ProcessHandle::pid).toList());
      }
    }
  }

  private static boolean awaitExit(List<ProcessHandle> processes, Duration timeout) {
    CompletableFuture<?>[] exits = processes.stream().map(ProcessHandle::onExit).toArray(CompletableFuture[]::new);
    try {
      CompletableFuture.allOf(exits).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
