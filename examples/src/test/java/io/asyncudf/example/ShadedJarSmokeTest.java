package io.asyncudf.example;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncudf.AsyncUdf;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Runs {@link ShadedJarSmokeJob} in a fresh JVM whose class path is a Spark installation (with
 * its own, unrelocated Netty and Jackson) plus the shaded jar and nothing else, as on a cluster
 * after {@code spark-submit --jars}, on every Spark line the library supports. The job is compiled
 * against the shaded jar like all code in this module: the connectors' public API names relocated
 * Jackson types ({@code HttpResponse.json()} returns
 * {@code io.asyncudf.shaded.com.fasterxml.jackson.databind.JsonNode}).
 */
class ShadedJarSmokeTest {

  private static final String STORE_PASSWORD = "smoke-secret";

  @TempDir
  Path work;

  @ParameterizedTest
  @FieldSource("io.asyncudf.example.SparkInstallation#RUNTIMES")
  void sparkJobRunsWithOnlySparkAndTheShadedJar(String runtime) throws Exception {
    SparkInstallation spark = SparkInstallation.create(runtime, work.resolve("spark"));
    String classpath = String.join(File.pathSeparator, codeSource(ShadedJarSmokeJob.class),
        codeSource(AsyncUdf.class), spark.classpath());
    Path keyStore = KeyStores.localhost(work, STORE_PASSWORD);

    try (JvmProcess job = JvmProcess.start("smoke-job", work, Map.of(), classpath,
        ShadedJarSmokeJob.class.getName(), keyStore.toString(), STORE_PASSWORD)) {
      boolean finished = job.awaitExit(Duration.ofMinutes(5));

      assertThat(finished).as("job still running after 5 minutes on Spark %s:%n%s", spark.version(), job.tail())
          .isTrue();
      assertThat(job.exitValue()).as("job failed on Spark %s:%n%s", spark.version(), job.tail()).isZero();
      assertThat(job.output().lines()).as(job.tail()).contains("OK 1000 on Spark " + spark.version());
    }
  }

  /** The jar or directory a class was loaded from. */
  static String codeSource(Class<?> type) throws Exception {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
  }
}
