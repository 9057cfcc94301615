package io.asyncudf.it.opensearch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Runs short-lived helper programs and finds them where Debian installs them. */
final class Commands {

  private static final List<String> SYSTEM_DIRECTORIES = List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin");

  private Commands() {}

  /** How a finished command went: its exit code and its merged stdout and stderr. */
  record Result(List<String> command, int exitCode, String output) {

    void orThrow() {
      if (exitCode != 0) {
        throw new IllegalStateException(String.join(" ", command) + " exited with " + exitCode + ": " + output);
      }
    }
  }

  static Result run(String... command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      return new Result(List.of(command), process.waitFor(), output);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + String.join(" ", command), e);
    }
  }

  /**
   * The absolute path of the program {@code name}, looked up on the PATH and then in the system
   * directories, which a non-login root shell may lack.
   */
  static String executable(String name, String providedBy) {
    Stream<String> path = Stream.of(System.getenv().getOrDefault("PATH", "").split(":")).filter(dir -> !dir.isEmpty());
    return Stream.concat(path, SYSTEM_DIRECTORIES.stream())
        .map(dir -> Path.of(dir, name))
        .filter(Files::isExecutable)
        .findFirst()
        .map(Path::toString)
        .orElseThrow(() -> new IllegalStateException(name + " not found; install " + providedBy));
  }
}
