package io.asyncudf.example;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A Spark installation made from the jars Maven resolved for one {@code spark-runtimes/spark-X.Y}
 * module: a {@code SPARK_HOME} whose {@code jars/} directory links to exactly the jars a Spark
 * distribution puts there, with Spark's own Netty and Jackson and none of ours.
 */
record SparkInstallation(String version, Path home) {

  /** The runtime modules the tests run on; each names a Spark line CI proves. */
  static final List<String> RUNTIMES = List.of("spark-4.1", "spark-4.0", "spark-4.2");

  private static final Pattern SPARK_CORE = Pattern.compile("spark-core_2\\.13-([0-9.]+)\\.jar");

  /** Links the jars of runtime {@code name} (e.g. {@code spark-4.0}) into {@code home/jars}. */
  static SparkInstallation create(String name, Path home) throws IOException {
    Path classpathFile = Path.of(System.getProperty("asyncudf.sparkRuntimes"), name, "target", "classpath.txt");
    List<Path> jars = Stream.of(Files.readString(classpathFile).trim().split(java.io.File.pathSeparator))
        .map(Path::of).toList();
    Path jarsDir = Files.createDirectories(home.resolve("jars"));
    String version = null;
    for (Path jar : jars) {
      Path link = jarsDir.resolve(jar.getFileName());
      if (Files.exists(link)) {
        link = jarsDir.resolve(jar.getParent().getFileName() + "-" + jar.getFileName());
      }
      Files.createSymbolicLink(link, jar);
      Matcher core = SPARK_CORE.matcher(jar.getFileName().toString());
      if (core.matches()) {
        version = core.group(1);
      }
    }
    if (version == null) {
      throw new IllegalStateException("no spark-core jar in " + classpathFile);
    }
    return new SparkInstallation(version, home);
  }

  /** The class path of a Spark JVM: every jar in {@code jars/}. */
  String classpath() {
    return home.resolve("jars") + java.io.File.separator + "*";
  }
}
