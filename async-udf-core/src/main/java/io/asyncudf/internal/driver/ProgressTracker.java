package io.asyncudf.internal.driver;

import io.asyncudf.AsyncUdfEvent;
import io.asyncudf.ChunkEvent;
import io.asyncudf.JobProgress;
import io.asyncudf.PartitionEvent;
import io.asyncudf.RequestRetryEvent;
import io.asyncudf.RequestWaitEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The numbers of the progress line of one UDF application, from the events its tasks report. A run
 * starts with the first partition that starts while none is running, and ends when as many partitions
 * ended as the input has, or when none has been running for {@link #IDLE_END}. A task attempt that
 * Spark saw fail without its end event (lost with its executor) stops counting as running when Spark
 * says so ({@link #attemptFailed}). Thread-safe.
 */
final class ProgressTracker {

  /** A run with no partition running for this long has ended (an action that ran only some partitions). */
  static final Duration IDLE_END = Duration.ofSeconds(2);

  /** Failed attempts remembered, for events of theirs that arrive after Spark reported them. */
  static final int FAILED_ATTEMPTS_KEPT = 10_000;

  private final String name;
  private final int partitions;
  private final LongSupplier nanoClock;
  private final Consumer<JobProgress> onEnd;
  private final Map<Long, Long> failedChunkRowsByTask = new HashMap<>();
  /** Rows whose chunk finished, by running task attempt: a failed or lost attempt's rows are done again by the next. */
  private final Map<Long, Long> rowsByTask = new HashMap<>();
  /** Attempts Spark reported failed, most recent last: their late start and chunk events count for nothing. */
  private final java.util.Set<Long> failedAttempts = java.util.Collections.newSetFromMap(
      new java.util.LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
          return size() > FAILED_ATTEMPTS_KEPT;
        }
      });
  private final Map<Integer, long[]> endedPartitions = new HashMap<>();

  private boolean running;
  private long runStart;
  private long lastChange;
  private long endedAt;
  /** The task attempts that started and have not ended (one on an executor that died never does). */
  private final java.util.Set<Long> active = new java.util.HashSet<>();
  private int partitionsDone;
  private long rowsDone;
  private long rowsOfEndedPartitions;
  private long failedRowsOfEnded;
  /** Chunk attempts started and not ended, by task attempt: a failed or lost task's come off with it. */
  private final Map<Long, Integer> openChunksByTask = new HashMap<>();
  private long retries;
  private long requestWaits;
  private int inFlightLimit = -1;

  /** @param onEnd receives the final numbers of each run as it ends */
  ProgressTracker(String name, int partitions, LongSupplier nanoClock, Consumer<JobProgress> onEnd) {
    this.name = name;
    this.partitions = partitions;
    this.nanoClock = nanoClock;
    this.onEnd = onEnd;
  }

  /** Records a batch of events; the runs it ends go to {@code onEnd}, outside this tracker's lock. */
  void record(List<AsyncUdfEvent> events) {
    List<JobProgress> ended = new ArrayList<>();
    synchronized (this) {
      long now = nanoClock.getAsLong();
      for (AsyncUdfEvent event : events) {
        boolean before = running;
        record(event, now);
        if (before && !running) {
          ended.add(snapshot(now));
        }
      }
      lastChange = now;
    }
    ended.forEach(onEnd);
  }

  /**
   * Spark saw task attempt {@code taskAttemptId} fail (a successful one always sends its end event). One
   * that sent its end event is forgotten already; one that could not (lost with its executor) stops
   * counting as running now, so a failed job's run ends {@link #IDLE_END} later instead of never, and its
   * rows come off. Its events that arrive later count for nothing but a partition's end.
   */
  synchronized void attemptFailed(long taskAttemptId) {
    failedAttempts.add(taskAttemptId);
    if (active.remove(taskAttemptId)) {
      failedChunkRowsByTask.remove(taskAttemptId);
      openChunksByTask.remove(taskAttemptId);
      Long rows = rowsByTask.remove(taskAttemptId);
      rowsDone -= rows == null ? 0 : rows;
      lastChange = nanoClock.getAsLong();
    }
  }

  private void record(AsyncUdfEvent event, long now) {
    if (event instanceof PartitionEvent partition) {
      record(partition, now);
    } else if (event instanceof ChunkEvent chunk) {
      record(chunk);
    } else if (event instanceof RequestRetryEvent) {
      retries++;
    } else if (event instanceof RequestWaitEvent wait) {
      requestWaits++;
      inFlightLimit = wait.inFlightLimit();
    }
  }

  private void record(PartitionEvent event, long now) {
    if (event.kind() == PartitionEvent.Kind.START) {
      if (failedAttempts.contains(event.partition().taskAttemptId())) {
        return; // Spark reported it failed before this arrived: it is not running
      }
      if (!running) {
        startRun(now);
      }
      active.add(event.partition().taskAttemptId());
      return;
    }
    active.remove(event.partition().taskAttemptId());
    failedChunkRowsByTask.remove(event.partition().taskAttemptId());
    Long attemptRows = rowsByTask.remove(event.partition().taskAttemptId());
    if (event.failure() != null) {
      openChunksByTask.remove(event.partition().taskAttemptId()); // its chunks still out were cancelled with it
      if (attemptRows != null) {
        rowsDone -= attemptRows; // the partition's next attempt (or the speculative copy that won) counts them
      }
    }
    if (event.failure() == null) { // a failed attempt is retried: only a partition's last attempt counts
      long[] previous = endedPartitions.put(event.partition().partitionIndex(),
          new long[] {event.inputRows(), event.failedRows()});
      if (previous != null) {
        rowsOfEndedPartitions -= previous[0];
        failedRowsOfEnded -= previous[1];
      }
      rowsOfEndedPartitions += event.inputRows();
      failedRowsOfEnded += event.failedRows();
      partitionsDone = endedPartitions.size();
    }
    if (running && partitions > 0 && partitionsDone >= partitions) {
      // attempts still counted active are duplicates (speculative) or on executors that died: never waited for
      endRun(now);
    }
  }

  private void record(ChunkEvent event) {
    if (failedAttempts.contains(event.partition().taskAttemptId())) {
      return; // its rows came off when Spark reported it failed
    }
    switch (event.kind()) {
      case START -> openChunksByTask.merge(event.partition().taskAttemptId(), 1, Integer::sum);
      case SUCCESS -> {
        chunkEnded(event);
        chunkDone(event);
      }
      case FAILURE -> {
        chunkEnded(event);
        chunkDone(event);
        failedChunkRowsByTask.merge(event.partition().taskAttemptId(), (long) event.partition().chunkSize(), Long::sum);
      }
      case RETRY -> {
        chunkEnded(event);
        retries++;
      }
      case TIMEOUT -> { }
    }
  }

  private void chunkEnded(ChunkEvent event) {
    openChunksByTask.computeIfPresent(event.partition().taskAttemptId(), (task, open) -> open > 1 ? open - 1 : null);
  }

  private void chunkDone(ChunkEvent event) {
    rowsDone += event.partition().chunkSize();
    rowsByTask.merge(event.partition().taskAttemptId(), (long) event.partition().chunkSize(), Long::sum);
  }

  private void startRun(long now) {
    running = true;
    runStart = now;
    active.clear();
    partitionsDone = 0;
    rowsDone = 0;
    rowsOfEndedPartitions = 0;
    failedRowsOfEnded = 0;
    openChunksByTask.clear();
    retries = 0;
    requestWaits = 0;
    inFlightLimit = -1;
    failedChunkRowsByTask.clear();
    rowsByTask.clear(); // failedAttempts stay: a new run may still hear of an old run's attempts
    endedPartitions.clear();
  }

  private void endRun(long now) {
    running = false;
    endedAt = now;
  }

  /** Whether a run has started at all. */
  synchronized boolean started() {
    return runStart != 0 || endedAt != 0;
  }

  /** The current numbers; ends the run first if it has been idle for {@link #IDLE_END} (telling {@code onEnd}). */
  JobProgress snapshot() {
    JobProgress current;
    boolean ended = false;
    synchronized (this) {
      long now = nanoClock.getAsLong();
      if (running && active.isEmpty() && now - lastChange >= IDLE_END.toNanos()) {
        endRun(lastChange);
        ended = true;
      }
      current = snapshot(now);
    }
    if (ended) {
      onEnd.accept(current);
    }
    return current;
  }

  private JobProgress snapshot(long now) {
    long end = running ? now : endedAt;
    Duration elapsed = Duration.ofNanos(Math.max(0, end - runStart));
    double seconds = elapsed.toNanos() / 1e9;
    double rate = seconds > 0 ? rowsDone / seconds : 0;
    long failedRows = failedRowsOfEnded + failedChunkRowsByTask.values().stream().mapToLong(Long::longValue).sum();
    boolean totalKnown = !running || (partitions > 0 && partitionsDone >= partitions);
    long total = -1;
    if (totalKnown) {
      total = rowsOfEndedPartitions;
    } else if (partitionsDone > 0 && partitions > 0) {
      total = Math.max(rowsDone, Math.round((double) rowsOfEndedPartitions / partitionsDone * partitions));
    }
    Duration eta = null;
    if (!running) {
      eta = Duration.ZERO;
    } else if (total >= 0 && rate > 0) {
      eta = Duration.ofMillis(Math.round(Math.max(0, total - rowsDone) / rate * 1000));
    }
    int inFlight = openChunksByTask.values().stream().mapToInt(Integer::intValue).sum();
    return new JobProgress(name, running, rowsDone, total, totalKnown, partitionsDone, partitions, rate,
        running ? inFlight : 0, retries, failedRows, elapsed, eta, requestWaits, inFlightLimit);
  }
}
