package io.asyncudf.example;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncudf.AsyncUdf;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "run the main job": {@link EnrichmentJob} on a local SparkSession against the score
 * service it starts itself (with its injected faults), in its own JVM on a Spark 4.1 installation
 * plus the shaded jar. Every row must come out once, exactly the ids the service always refuses must
 * end in the error column, Spark must not log at INFO, and the JVM must end by itself once the job is
 * done.
 */
class EnrichmentJobTest {

  @TempDir
  Path work;

  @Test
  void enrichesEveryRowThroughItsOwnServiceAndExits() throws Exception {
    SparkInstallation spark = SparkInstallation.create("spark-4.1", work.resolve("spark"));
    String classpath = String.join(File.pathSeparator, ShadedJarSmokeTest.codeSource(EnrichmentJob.class),
        ShadedJarSmokeTest.codeSource(AsyncUdf.class), spark.classpath());

    try (JvmProcess job = JvmProcess.start("example-job", work, Map.of(), classpath, EnrichmentJob.class.getName(),
        "--rows", "3000", "--partitions", "2", "--chunk-size", "50", "--concurrency", "4", "--latency-ms", "5",
        "--blocking-sample", "200")) {
      boolean exited = job.awaitExit(Duration.ofMinutes(3));

      assertThat(exited).as("the job's JVM is still running 3 minutes later:%n%s", job.tail()).isTrue();
      assertThat(job.exitValue()).as(job.tail()).isZero();
      String output = job.output();
      assertThat(output).as(output)
          .contains("every row came out exactly once: yes (3,000 rows in, 3,000 out, 3,000 distinct ids)")
          .contains("failed rows (in error column): " + LatencyService.Faults.example().failingIdsBelow(3000).size())
          .contains("sample error: {message=HTTP 400 from GET http://localhost:")
          .contains("exception_class=io.asyncudf.http.HttpStatusException")
          .contains("plain blocking UDF (same service, sample of 200 rows):")
          .containsPattern("-> [0-9]+ x faster");
      assertThat(output.lines()).as("Spark logs at WARN from the start (log4j2.properties):%n%s", output)
          .noneMatch(line -> line.contains(" INFO ") && !line.contains(" INFO progress: risk_score: "));
      assertThat(output).as("the progress line, as a log line (stderr is no terminal here)")
          .contains(" INFO progress: risk_score: 3,000 of 3,000 rows |");
    }
  }
}
