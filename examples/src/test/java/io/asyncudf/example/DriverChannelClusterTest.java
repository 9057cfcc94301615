package io.asyncudf.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.asyncudf.example.RecordingService.Arrival;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The driver channel on a real standalone cluster (a Master, a Worker with two one-core executors,
 * {@code spark-submit} of {@link DriverChannelJob} with the shaded jar): callbacks from every chunk of
 * both executors, a driver listener that sees them all, a job-wide budget of 200 requests/s measured
 * at the service, twice that with only a per-executor limit, and one {@code 429 Retry-After: 2} that
 * holds back both executors.
 */
class DriverChannelClusterTest {

  private static final long SECOND = 1_000_000_000L;
  private static final Pattern CALLBACKS = Pattern.compile(
      "RESULT callbacks calls=(\\d+) byExecutor=\\{(.*?)} listenerChunks=(\\d+) listenerByExecutor=\\{(.*?)} outputsRight=(\\w+)");

  /** The first job waits for both executors (standalone's default ratio is 0: it would start on the first). */
  private static final List<String> BOTH_EXECUTORS = List.of("spark.scheduler.minRegisteredResourcesRatio=1.0");

  @TempDir
  Path work;

  @Test
  void callbacksListenerBudgetAndPauseAcrossTwoExecutors() throws Exception {
    String output;
    List<Arrival> arrivals;
    try (RecordingService service = new RecordingService("pause", 600);
        StandaloneCluster cluster = StandaloneCluster.start("spark-4.1", work);
        JvmProcess submit = cluster.submit(DriverChannelJob.class.getName(), BOTH_EXECUTORS,
            "--service", service.baseUri().toString())) {
      assertThat(submit.awaitExit(Duration.ofMinutes(5))).as("job still running:%n%s", submit.tail()).isTrue();
      assertThat(submit.exitValue()).as("job failed:%n%s%nworker:%n%s", submit.tail(), cluster.worker().tail()).isZero();
      output = submit.output();
      arrivals = service.arrivals();
    }

    assertCallbacksAndListener(output);
    assertThat(output).contains("RESULT budget rows=" + DriverChannelJob.BUDGET_ROWS + " failed=0")
        .contains("RESULT local rows=" + DriverChannelJob.LOCAL_ROWS + " failed=0")
        .contains("RESULT pause rows=" + DriverChannelJob.PAUSE_ROWS + " failed=0");

    double budgetRate = steadyRate(arrivals, "budget");
    double localRate = steadyRate(arrivals, "local");
    System.out.printf("budget of 200/s measured at the service: %.1f/s; per-executor limit of 200/s only: %.1f/s%n",
        budgetRate, localRate);
    assertThat(budgetRate).as("job-wide budget of 200/s over 10 s").isCloseTo(200, within(20.0));
    assertThat(localRate).as("two executors at 200/s each").isCloseTo(400, within(40.0));
    assertThat(executors(arrivals, "budget")).containsExactlyInAnyOrder("0", "1");

    Arrival throttled = arrivals.stream().filter(a -> a.status() == 429).findFirst().orElseThrow();
    for (String executor : List.of("0", "1")) {
      long quiet = longestQuietAfter(arrivals, executor, throttled.nanos());
      System.out.printf("executor %s: no request for %.2f s after the 429%n", executor, quiet / 1e9);
      assertThat(quiet).as("executor %s pauses after one executor's 429 with Retry-After: 2", executor)
          .isBetween(15 * SECOND / 10, 27 * SECOND / 10);
    }
  }

  /** The transport across JVMs on the other Spark lines: the callback and listener part of the job only. */
  @ParameterizedTest
  @ValueSource(strings = {"spark-4.0", "spark-4.2"})
  void callbacksAndTheDriverListenerOnTheOtherSparkLines(String runtime) throws Exception {
    try (RecordingService service = new RecordingService("pause", 600);
        StandaloneCluster cluster = StandaloneCluster.start(runtime, work);
        JvmProcess submit = cluster.submit(DriverChannelJob.class.getName(), BOTH_EXECUTORS,
            "--service", service.baseUri().toString(), "--callbacks-only")) {
      assertThat(submit.awaitExit(Duration.ofMinutes(3))).as("job still running:%n%s", submit.tail()).isTrue();
      assertThat(submit.exitValue()).as("job failed on %s:%n%s%nworker:%n%s", runtime, submit.tail(),
          cluster.worker().tail()).isZero();
      assertCallbacksAndListener(submit.output());
    }
  }

  private static void assertCallbacksAndListener(String output) {
    Matcher callbacks = CALLBACKS.matcher(output);
    assertThat(callbacks.find()).as(output).isTrue();
    assertThat(callbacks.group(1)).as("one callback per chunk: 4 partitions of 10 chunks").isEqualTo("40");
    assertThat(callbacks.group(3)).as("the driver listener saw every chunk").isEqualTo("40");
    assertThat(callbacks.group(2)).as("callbacks came from both executors").contains("0=").contains("1=");
    assertThat(callbacks.group(4)).as("the listener's count per executor is the callbacks'").isEqualTo(callbacks.group(2));
    assertThat(callbacks.group(5)).isEqualTo("true");
  }

  /** Requests per second of {@code path} over 10 s, from 2 s after its first request. */
  private static double steadyRate(List<Arrival> arrivals, String path) {
    List<Long> times = arrivals.stream().filter(a -> a.path().equals(path)).map(Arrival::nanos).sorted().toList();
    long from = times.get(0) + 2 * SECOND;
    long to = from + 10 * SECOND;
    assertThat(times.get(times.size() - 1)).as("%s ran for at least 12 s", path).isGreaterThanOrEqualTo(to);
    return times.stream().filter(t -> t >= from && t < to).count() / 10.0;
  }

  private static List<String> executors(List<Arrival> arrivals, String path) {
    return arrivals.stream().filter(a -> a.path().equals(path)).map(Arrival::executor).distinct().toList();
  }

  /** The gap between the last request of {@code executor} at or before {@code after} (+50 ms) and its next one. */
  private static long longestQuietAfter(List<Arrival> arrivals, String executor, long after) {
    List<Long> times = arrivals.stream().filter(a -> a.path().equals("pause") && a.executor().equals(executor))
        .map(Arrival::nanos).sorted().toList();
    long window = after + SECOND / 2;
    long longest = 0;
    for (int i = 1; i < times.size(); i++) {
      if (times.get(i - 1) <= window && times.get(i) > after) {
        longest = Math.max(longest, times.get(i) - times.get(i - 1));
      }
    }
    return longest;
  }
}
