package io.asyncudf.internal.spark;

import io.asyncudf.AsyncUdfListener;
import io.asyncudf.ChunkEvent;
import io.asyncudf.PartitionEvent;
import io.asyncudf.RequestResendEvent;
import io.asyncudf.RequestRetryEvent;
import io.asyncudf.RequestWaitEvent;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.connector.metric.CustomMetric;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.execution.metric.SQLMetrics;

/**
 * The SQL metrics of one {@link AsyncEvalExec}, fed by the engine's events on the executors. A copy
 * is deserialized per task, so the in-flight count and its peak are the task's own. Events come from
 * several threads and {@code SQLMetric.add} is not atomic, so every callback holds the lock.
 */
final class AsyncCallMetrics implements AsyncUdfListener {

  private final SQLMetric inputRows;
  private final SQLMetric chunks;
  private final SQLMetric attempts;
  private final SQLMetric chunkRetries;
  private final SQLMetric requestRetries;
  private final SQLMetric requestResends;
  private final SQLMetric journaled;
  private final SQLMetric answered;
  private final SQLMetric requestWaits;
  private final SQLMetric requestWaitTime;
  private final SQLMetric failedRows;
  private final SQLMetric peakInFlight;
  private final SQLMetric callTime;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger peak = new AtomicInteger();

  AsyncCallMetrics(SparkContext sc) {
    inputRows = SQLMetrics.createMetric(sc, "number of input rows");
    chunks = SQLMetrics.createMetric(sc, "chunks");
    attempts = SQLMetrics.createMetric(sc, "chunk attempts");
    chunkRetries = SQLMetrics.createMetric(sc, "chunk retries");
    requestRetries = SQLMetrics.createMetric(sc, "request retries");
    requestResends = SQLMetrics.createMetric(sc, "requests re-sent on a fresh connection");
    journaled = SQLMetrics.createMetric(sc, "answers journaled");
    answered = SQLMetrics.createMetric(sc, "rows answered without a call");
    requestWaits = SQLMetrics.createMetric(sc, "requests waiting for a connection");
    requestWaitTime = SQLMetrics.createTimingMetric(sc, "connection wait time", -1L);
    failedRows = SQLMetrics.createMetric(sc, "failed rows");
    peakInFlight = SQLMetrics.createV2CustomMetric(sc, new PeakInFlight());
    callTime = SQLMetrics.createTimingMetric(sc, "call time", -1L);
  }

  /** The metrics by key, as {@code SparkPlan.metrics()} reports them. */
  Map<String, SQLMetric> byKey() {
    Map<String, SQLMetric> metrics = new LinkedHashMap<>();
    metrics.put("numInputRows", inputRows);
    metrics.put("chunks", chunks);
    metrics.put("attempts", attempts);
    metrics.put("chunkRetries", chunkRetries);
    metrics.put("requestRetries", requestRetries);
    metrics.put("requestResends", requestResends);
    metrics.put("requestWaits", requestWaits);
    metrics.put("requestWaitTime", requestWaitTime);
    metrics.put("failedRows", failedRows);
    metrics.put("peakInFlight", peakInFlight);
    metrics.put("callTime", callTime);
    metrics.put("journaled", journaled);
    metrics.put("answeredRows", answered);
    return metrics;
  }

  /** Answers appended to the call's journal (0 without one). */
  SQLMetric journaled() {
    return journaled;
  }

  /**
   * Rows answered from the journal, or by an earlier row with the same key, instead of called: added to on the
   * task thread only, as their output rows are emitted (0 without a journal).
   */
  SQLMetric answered() {
    return answered;
  }

  @Override
  public synchronized void onPartitionEnd(PartitionEvent event) {
    inputRows.add(event.inputRows());
    chunks.add(event.chunks());
    failedRows.add(event.failedRows());
    peakInFlight.set(peak.get());
  }

  @Override
  public synchronized void onChunkStart(ChunkEvent event) {
    attempts.add(1);
    if (event.attempt() == 1) {
      peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
    }
  }

  @Override
  public synchronized void onChunkSuccess(ChunkEvent event) {
    ended(event);
  }

  @Override
  public synchronized void onChunkFailure(ChunkEvent event) {
    ended(event);
  }

  @Override
  public synchronized void onChunkRetry(ChunkEvent event) {
    chunkRetries.add(1);
  }

  @Override
  public synchronized void onRequestRetry(RequestRetryEvent event) {
    requestRetries.add(1);
  }

  @Override
  public synchronized void onRequestResend(RequestResendEvent event) {
    requestResends.add(1);
  }

  @Override
  public synchronized void onRequestWait(RequestWaitEvent event) {
    requestWaits.add(1);
    requestWaitTime.add(event.waited().toMillis());
  }

  private void ended(ChunkEvent event) {
    inFlight.decrementAndGet();
    callTime.add(event.duration().toMillis());
  }

  /** Chunks in flight at once in one task, shown in the SQL tab as the highest over the tasks. */
  public static final class PeakInFlight implements CustomMetric {
    @Override
    public String name() {
      return "peakChunksInFlight";
    }

    @Override
    public String description() {
      return "peak chunks in flight per task";
    }

    @Override
    public String aggregateTaskMetrics(long[] taskMetrics) {
      long max = 0;
      for (long value : taskMetrics) {
        max = Math.max(max, value);
      }
      return String.valueOf(max);
    }
  }
}
