package io.asyncudf.it.opensearch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * One server run's private directory: a copy of the OpenSearch distribution (whose config, logs
 * and keystore the server writes to) beside empty data, log and temp directories and the file
 * the server's console goes to. Nothing in it outlives {@link #delete()}.
 */
record RunDirectory(Path root) {

  static RunDirectory create(Path distribution, Path parent) {
    try {
      Files.createDirectories(parent);
      RunDirectory run = new RunDirectory(Files.createTempDirectory(parent, "opensearch-run-"));
      try {
        copy(distribution, run.home());
        for (Path directory : new Path[] {run.data(), run.logs(), run.tmp()}) {
          Files.createDirectory(directory);
        }
        return run;
      } catch (IOException | RuntimeException e) {
        run.delete();
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not prepare a run directory under " + parent, e);
    }
  }

  Path home() {
    return root.resolve("home");
  }

  Path data() {
    return root.resolve("data");
  }

  Path logs() {
    return root.resolve("logs");
  }

  Path tmp() {
    return root.resolve("tmp");
  }

  Path console() {
    return root.resolve("console.log");
  }

  void delete() {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete " + root, e);
    }
  }

  private static void copy(Path source, Path target) throws IOException {
    try (Stream<Path> paths = Files.walk(source)) {
      for (Path path : paths.toList()) {
        Files.copy(path, target.resolve(source.relativize(path).toString()), StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
  }
}
