package io.asyncudf.internal.driver;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncudf.AsyncUdfEvent;
import io.asyncudf.ChunkEvent;
import io.asyncudf.ChunkEvent.Kind;
import io.asyncudf.JobProgress;
import io.asyncudf.PartitionEvent;
import io.asyncudf.RequestRetryEvent;
import io.asyncudf.RequestWaitEvent;
import io.asyncudf.partition.SparkPartitionInformation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressTrackerTest {

  private final AtomicLong clock = new AtomicLong(5_000_000_000L);
  private final List<JobProgress> ended = new ArrayList<>();
  private final ProgressTracker tracker = new ProgressTracker("enrich", 4, clock::get, ended::add);

  private static SparkPartitionInformation partition(int index) {
    return new SparkPartitionInformation(index, 3, 0, 100 + index, 0, 1, "1", "host", 1, "task", false, null, null, null);
  }

  private static SparkPartitionInformation chunk(int partition, int chunk, int size) {
    return partition(partition).withChunk(chunk, chunk * (long) size, size);
  }

  private static AsyncUdfEvent event(Kind kind, int partition, int chunk, int size) {
    return new ChunkEvent(kind, chunk(partition, chunk, size), 1, Duration.ZERO, null, Duration.ZERO);
  }

  private static AsyncUdfEvent start(int partition) {
    return new PartitionEvent(PartitionEvent.Kind.START, partition(partition), 0, 0, 0, 0, Duration.ZERO, null);
  }

  private static AsyncUdfEvent requestRetry(int partition, int chunk, int size) {
    return new RequestRetryEvent(chunk(partition, chunk, size), 1, "GET http://svc/1", 1, new java.io.IOException("reset"),
        Duration.ZERO);
  }

  private static AsyncUdfEvent end(int partition, long rows, long failedRows) {
    return new PartitionEvent(PartitionEvent.Kind.END, partition(partition), rows, 10, 1, failedRows, Duration.ZERO,
        null);
  }

  private void advance(Duration duration) {
    clock.addAndGet(duration.toNanos());
  }

  @Test
  void countsRowsInFlightRetriesAndFailuresAsEventsArrive() {
    tracker.record(List.of(start(0), event(Kind.START, 0, 0, 50),
        event(Kind.START, 0, 1, 50), event(Kind.START, 0, 2, 50)));
    advance(Duration.ofSeconds(2));
    tracker.record(List.of(event(Kind.SUCCESS, 0, 0, 50), event(Kind.RETRY, 0, 1, 50),
        event(Kind.START, 0, 1, 50), requestRetry(0, 2, 50), event(Kind.FAILURE, 0, 2, 50)));

    JobProgress now = tracker.snapshot();
    assertThat(now.running()).isTrue();
    assertThat(now.rowsDone()).isEqualTo(100);
    assertThat(now.inFlightChunks()).isEqualTo(1);
    assertThat(now.retries()).isEqualTo(2);
    assertThat(now.failedRows()).isEqualTo(50);
    assertThat(now.rowsPerSecond()).isEqualTo(50);
    assertThat(now.elapsed()).isEqualTo(Duration.ofSeconds(2));
    assertThat(now.totalRows()).isEqualTo(-1);
    assertThat(now.eta()).isNull();
  }

  @Test
  void estimatesTheTotalAndEtaFromEndedPartitionsAndKnowsItAtTheEnd() {
    tracker.record(List.of(start(0), start(1)));
    advance(Duration.ofSeconds(10));
    tracker.record(List.of(event(Kind.SUCCESS, 0, 0, 100), event(Kind.SUCCESS, 1, 0, 100), end(0, 100, 0)));

    JobProgress midway = tracker.snapshot();
    assertThat(midway.totalRows()).isEqualTo(400);
    assertThat(midway.totalKnown()).isFalse();
    assertThat(midway.eta()).isEqualTo(Duration.ofSeconds(10));
    assertThat(midway.toString()).isEqualTo("enrich: 200 of ~400 rows | 20 rows/s | 0 in flight | 0 retries | 0 failed"
        + " | partitions 1/4 | 0:10 elapsed | ETA 0:10");

    tracker.record(List.of(end(1, 100, 3), start(2), start(3),
        event(Kind.SUCCESS, 2, 0, 100), event(Kind.SUCCESS, 3, 0, 100), end(2, 100, 0)));
    assertThat(ended).isEmpty();
    advance(Duration.ofSeconds(10));
    tracker.record(List.of(end(3, 100, 0)));

    assertThat(ended).hasSize(1);
    JobProgress done = ended.get(0);
    assertThat(done.running()).isFalse();
    assertThat(done.totalRows()).isEqualTo(400);
    assertThat(done.totalKnown()).isTrue();
    assertThat(done.failedRows()).isEqualTo(3);
    assertThat(done.elapsed()).isEqualTo(Duration.ofSeconds(20));
    assertThat(done.eta()).isZero();
  }

  @Test
  void aRunThatRanOnlySomePartitionsEndsWhenNothingHasRunForTwoSeconds() {
    tracker.record(List.of(start(0), event(Kind.SUCCESS, 0, 0, 20), end(0, 20, 0)));
    advance(ProgressTracker.IDLE_END.minusMillis(1));
    assertThat(tracker.snapshot().running()).isTrue();

    advance(Duration.ofMillis(1));
    JobProgress idle = tracker.snapshot();

    assertThat(idle.running()).isFalse();
    assertThat(ended).containsExactly(idle);
    assertThat(idle.rowsDone()).isEqualTo(20);

    tracker.record(List.of(start(1)));
    JobProgress next = tracker.snapshot();
    assertThat(next.running()).isTrue();
    assertThat(next.rowsDone()).as("a new run starts from zero").isZero();
  }

  @Test
  void aRetriedTaskCountsItsPartitionOnce() {
    AsyncUdfEvent failedAttempt = new PartitionEvent(PartitionEvent.Kind.END, partition(0), 40, 4, 0, 0, Duration.ZERO,
        new IllegalStateException("executor lost"));
    tracker.record(List.of(start(0), failedAttempt, start(0),
        end(0, 100, 0), start(1), end(1, 100, 0)));

    JobProgress now = tracker.snapshot();
    assertThat(now.partitionsDone()).isEqualTo(2);
    assertThat(now.running()).isTrue();
    assertThat(now.totalRows()).as("estimated from the two partitions that ended").isEqualTo(400);
  }

  @Test
  void aRunEndsWhenEveryPartitionIsDoneThoughAnAttemptOnALostExecutorNeverEnded() {
    // partition 0's first attempt ran on an executor that died: it sent its start, never its end
    SparkPartitionInformation retried =
        new SparkPartitionInformation(0, 3, 0, 999, 1, 1, "2", "host2", 1, "task", false, null, null, null);
    tracker.record(List.of(start(0), start(1), start(2), start(3),
        new PartitionEvent(PartitionEvent.Kind.START, retried, 0, 0, 0, 0, Duration.ZERO, null),
        new PartitionEvent(PartitionEvent.Kind.END, retried, 100, 10, 0, 0, Duration.ZERO, null),
        end(1, 100, 0), end(2, 100, 0), end(3, 100, 0)));

    assertThat(ended).as("the run ended, and told so once").hasSize(1);
    assertThat(ended.get(0).partitionsDone()).isEqualTo(4);
    advance(Duration.ofSeconds(5));
    assertThat(tracker.snapshot().running()).isFalse();
  }

  @Test
  void rowsOfAFailedOrLostAttemptAreNotCountedTwice() {
    SparkPartitionInformation retry =
        new SparkPartitionInformation(0, 3, 0, 999, 1, 1, "2", "host2", 1, "task", false, null, null, null);
    tracker.record(List.of(start(0), event(Kind.SUCCESS, 0, 0, 50), event(Kind.SUCCESS, 0, 1, 50),
        new PartitionEvent(PartitionEvent.Kind.END, partition(0), 100, 2, 0, 0, Duration.ZERO,
            new IllegalStateException("the task failed after its chunks"))));
    assertThat(tracker.snapshot().rowsDone()).as("a failed attempt's rows will be done again").isZero();

    tracker.record(List.of(new PartitionEvent(PartitionEvent.Kind.START, retry, 0, 0, 0, 0, Duration.ZERO, null),
        new ChunkEvent(Kind.SUCCESS, retry.withChunk(0, 0, 50), 1, Duration.ZERO, null, Duration.ZERO),
        start(1), event(Kind.SUCCESS, 1, 0, 50)));
    assertThat(tracker.snapshot().rowsDone()).isEqualTo(100);

    tracker.attemptFailed(101); // partition 1's attempt lost with its executor
    assertThat(tracker.snapshot().rowsDone()).isEqualTo(50);

    tracker.record(List.of(event(Kind.SUCCESS, 1, 1, 50), start(1)));
    assertThat(tracker.snapshot().rowsDone()).as("its events that arrive late count for nothing").isEqualTo(50);
    assertThat(tracker.snapshot().inFlightChunks()).isZero();
  }

  @Test
  void chunksInFlightOfALostAttemptComeOffWithIt() {
    tracker.record(List.of(start(0), start(1), event(Kind.START, 0, 0, 10), event(Kind.START, 0, 1, 10),
        event(Kind.START, 1, 0, 10), event(Kind.SUCCESS, 0, 0, 10)));
    assertThat(tracker.snapshot().inFlightChunks()).isEqualTo(2);

    tracker.attemptFailed(100); // partition 0's attempt lost with its executor, its chunk 1 still out
    assertThat(tracker.snapshot().inFlightChunks()).isEqualTo(1);
  }

  @Test
  void aFailedJobsRunEndsOnceSparkSawItsLostAttemptEnd() {
    // partition 0's attempt (task 100) ran on an executor that died; the job then failed: no more events
    tracker.record(List.of(start(0), start(1), end(1, 100, 0)));
    advance(Duration.ofSeconds(30));
    assertThat(tracker.snapshot().running()).as("an attempt still counted running keeps the run going").isTrue();

    tracker.attemptFailed(999); // not one of this application's attempts
    tracker.attemptFailed(100);
    advance(ProgressTracker.IDLE_END.minusMillis(1));
    assertThat(tracker.snapshot().running()).isTrue();
    advance(Duration.ofMillis(1));
    JobProgress last = tracker.snapshot();
    assertThat(last.running()).as("idle since Spark saw the lost attempt end").isFalse();
    assertThat(last.partitionsDone()).isEqualTo(1);
    assertThat(ended).containsExactly(last);
  }

  @Test
  void requestsThatWaitedForAConnectionAndTheLimitTheySawAreOnTheProgressLine() {
    SparkPartitionInformation chunk = partition(0).withChunk(0, 0, 10);
    tracker.record(List.of(start(0), event(Kind.START, 0, 0, 10)));
    assertThat(tracker.snapshot().toString()).as("no wait, nothing said").doesNotContain("waited");

    tracker.record(List.of(
        new RequestWaitEvent(chunk, 1, "GET http://svc/1", Duration.ofMillis(30), 48),
        new RequestWaitEvent(chunk, 1, "GET http://svc/2", Duration.ofMillis(10), 52)));

    JobProgress now = tracker.snapshot();
    assertThat(now.requestWaits()).isEqualTo(2);
    assertThat(now.inFlightLimit()).as("the latest limit").isEqualTo(52);
    assertThat(now.toString()).endsWith("| 2 waited for a connection (in-flight limit 52)");
  }
}
