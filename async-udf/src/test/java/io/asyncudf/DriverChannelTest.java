package io.asyncudf;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;

/** The driver channel on a local session: callbacks, the driver listener, progress (over Spark's RPC). */
class DriverChannelTest {

  record ChunkReport(int partition, int chunk, int rows) implements Serializable {}

  /** Driver state a callback may capture: not serializable, and never sent anywhere. */
  static final class Ledger {
    final Map<String, Integer> rowsByChunk = new ConcurrentHashMap<>();
    final AtomicInteger calls = new AtomicInteger();
  }

  private static Dataset<Row> ids(int rows, int partitions) {
    return LocalSpark.session().range(0, rows, 1, partitions).toDF("id");
  }

  /** Each chunk asks the driver for a multiplier, reporting its rows; outputs are id * multiplier. */
  private static final AsyncChunkFunction<Long, Long, Serializable> ASKS_THE_DRIVER = (ctx, ids) ->
      ctx.<ChunkReport, Long>callDriver(new ChunkReport(ctx.partitionIndex(), ctx.chunkIndex(), ids.size()))
          .thenApply(multiplier -> ids.stream().map(id -> id * multiplier).toList());

  @Test
  void everyChunkMakesARoundTripToADriverCallbackThatHoldsDriverState() {
    Ledger ledger = new Ledger();
    DriverCallback<ChunkReport, Long> callback = report -> {
      ledger.calls.incrementAndGet();
      ledger.rowsByChunk.put(report.partition() + "/" + report.chunk(), report.rows());
      return 1000L + report.chunk();
    };

    List<Row> rows = AsyncUdf.scalarToScalar(ASKS_THE_DRIVER, DataTypes.LongType)
        .maxChunkSize(10)
        .maxConcurrentChunks(4)
        .callback(callback)
        .withColumn(ids(200, 2), "scaled", col("id"))
        .collectAsList(); // no orderBy: its sampling pass would run every chunk twice

    assertThat(rows).hasSize(200);
    for (Row row : rows) {
      long id = row.getLong(0);
      long chunk = (id % 100) / 10;
      assertThat(row.getLong(1)).as("row %d", id).isEqualTo(id * (1000 + chunk));
    }
    assertThat(ledger.calls).hasValue(20);
    assertThat(ledger.rowsByChunk).hasSize(20).allSatisfy((chunk, size) -> assertThat(size).isEqualTo(10));
  }

  @Test
  void aCallbackThatThrowsFailsTheChunkNamingTheHandlerAndItsMessage() {
    DriverCallback<ChunkReport, Long> refuses = report -> {
      if (report.chunk() == 1) {
        throw new IllegalStateException("quota for chunk 1 is used up");
      }
      return 1L;
    };

    List<Row> rows = AsyncUdf.scalarToScalar(ASKS_THE_DRIVER, DataTypes.LongType)
        .maxChunkSize(10)
        .callback(refuses)
        .errorColumn("error")
        .withColumn(ids(30, 1), "scaled", col("id"))
        .collectAsList();

    List<Row> failed = rows.stream().filter(row -> !row.isNullAt(2)).toList();
    assertThat(failed).extracting(row -> row.getLong(0)).containsExactly(10L, 11L, 12L, 13L, 14L, 15L, 16L, 17L, 18L, 19L);
    Row error = failed.get(0).getStruct(2);
    assertThat(error.<String>getAs("exception_class")).isEqualTo(DriverCallbackException.class.getName());
    assertThat(error.<String>getAs("message"))
        .contains(refuses.getClass().getName())
        .contains("IllegalStateException: quota for chunk 1 is used up");
    assertThat(rows.stream().filter(row -> row.isNullAt(2))).hasSize(20);
  }

  @Test
  void callDriverWithoutACallbackSaysHowToConfigureOne() {
    assertThatThrownBy(() -> AsyncUdf.scalarToScalar(ASKS_THE_DRIVER, DataTypes.LongType)
            .named("unconfigured")
            .withColumn(ids(5, 1), "scaled", col("id"))
            .collectAsList())
        .hasStackTraceContaining("callDriver needs a driver callback")
        .hasStackTraceContaining(".callback(DriverCallback)");
  }

  @Test
  void theColumnFormReachesTheCallbackToo() {
    AtomicInteger calls = new AtomicInteger();
    ColumnUdf<Long, Long, Serializable> udf = AsyncUdf.scalarToScalar(ASKS_THE_DRIVER, DataTypes.LongType)
        .maxChunkSize(25)
        .callback((DriverCallback<ChunkReport, Long>) report -> {
          calls.incrementAndGet();
          return 2L;
        });

    List<Row> rows = ids(100, 2).select(col("id"), udf.apply(col("id")).as("doubled")).collectAsList();

    assertThat(rows).hasSize(100).allSatisfy(row -> assertThat(row.getLong(1)).isEqualTo(2 * row.getLong(0)));
    assertThat(calls).hasValue(4);
  }

  /** Records every event on the driver, one thread at a time. */
  static final class DriverLog implements AsyncUdfListener {
    final List<String> events = Collections.synchronizedList(new ArrayList<>());
    final Thread[] thread = new Thread[1];

    private void add(String event) {
      events.add(event);
    }

    @Override
    public void onPartitionStart(PartitionEvent event) {
      add("start " + event.partition().partitionIndex());
    }

    @Override
    public void onPartitionEnd(PartitionEvent event) {
      add("end " + event.partition().partitionIndex() + " rows=" + event.inputRows() + " failed=" + event.failedRows());
    }

    @Override
    public void onChunkSuccess(ChunkEvent event) {
      add("chunk " + event.partition().partitionIndex() + "/" + event.partition().chunkIndex());
    }

    @Override
    public void onChunkFailure(ChunkEvent event) {
      add("failed " + event.partition().partitionIndex() + "/" + event.partition().chunkIndex() + " "
          + event.failure().getMessage());
    }

    @Override
    public void onChunkRetry(ChunkEvent event) {
      add("retry " + event.partition().partitionIndex() + "/" + event.partition().chunkIndex());
    }
  }

  private static final AsyncChunkFunction<Long, Long, Serializable> CHUNK_THREE_FAILS_TWICE = (ctx, ids) ->
      ctx.chunkIndex() == 3 && ctx.attempt() <= 2
          ? CompletableFuture.failedFuture(new IOException("503 for chunk 3"))
          : CompletableFuture.completedFuture(ids);

  @Test
  void theDriverListenerSeesEveryEventOfTheJobInOrderWithinEachPartition() {
    DriverLog log = new DriverLog();

    long rows = AsyncUdf.scalarToScalar(CHUNK_THREE_FAILS_TWICE, DataTypes.LongType)
        .maxChunkSize(10)
        .retry(RetryPolicy.attempts(3).backoff(Duration.ofMillis(1), Duration.ofMillis(2)))
        .driverListener(log)
        .withColumn(ids(300, 3), "same", col("id"))
        .collectAsList().size();

    assertThat(rows).isEqualTo(300);
    List<String> events = List.copyOf(log.events);
    assertThat(events.stream().filter(e -> e.startsWith("chunk "))).hasSize(30);
    assertThat(events.stream().filter(e -> e.startsWith("retry "))).containsExactlyInAnyOrder("retry 0/3", "retry 0/3",
        "retry 1/3", "retry 1/3", "retry 2/3", "retry 2/3");
    for (int partition = 0; partition < 3; partition++) {
      String prefix = " " + partition;
      int p = partition;
      List<String> own = events.stream()
          .filter(e -> e.startsWith("start" + prefix) || e.startsWith("end" + prefix) || e.contains(" " + p + "/"))
          .toList();
      assertThat(own.get(0)).isEqualTo("start " + partition);
      assertThat(own.get(own.size() - 1)).isEqualTo("end " + partition + " rows=100 failed=0");
      assertThat(own.indexOf("retry " + partition + "/3")).isLessThan(own.indexOf("chunk " + partition + "/3"));
    }
  }

  @Test
  void aDriverListenerStopsTheJobWithAReasonThatAppearsInTheJobsException() {
    AsyncUdfListener stopsOnFailures = new AsyncUdfListener() {
      private int failures;

      @Override
      public void onChunkFailure(ChunkEvent event) {
        if (++failures >= 2) {
          throw new StopJobException("2 chunks failed, more than the 1 this job allows");
        }
      }
    };
    AsyncChunkFunction<Long, Long, Serializable> failsSlowly = (ctx, ids) -> ctx.chunkIndex() % 2 == 1
        ? CompletableFuture.failedFuture(new IOException("chunk " + ctx.chunkIndex() + " failed"))
        : CompletableFuture.supplyAsync(() -> ids, CompletableFuture.delayedExecutor(20, java.util.concurrent.TimeUnit.MILLISECONDS));

    assertThatThrownBy(() -> AsyncUdf.scalarToScalar(failsSlowly, DataTypes.LongType)
            .maxChunkSize(5)
            .maxConcurrentChunks(2)
            .errorColumn("error")
            .driverListener(stopsOnFailures)
            .withColumn(ids(20_000, 2), "same", col("id"))
            .collectAsList())
        .hasMessageContaining("2 chunks failed, more than the 1 this job allows");
  }

  @Test
  void progressNumbersMatchTheJobWhenItEnds() {
    ColumnUdf<Long, Long, Serializable> udf = AsyncUdf.scalarToScalar(CHUNK_THREE_FAILS_TWICE, DataTypes.LongType)
        .named("progress_probe")
        .maxChunkSize(10)
        .retry(RetryPolicy.attempts(2).backoff(Duration.ofMillis(1), Duration.ofMillis(2)))
        .errorColumn("error")
        .progress(true);

    List<Row> rows = udf.withColumn(ids(400, 4), "same", col("id")).collectAsList();

    assertThat(rows.stream().filter(row -> !row.isNullAt(2))).hasSize(40);
    JobProgress run = lastRun("progress_probe");
    assertThat(run.running()).isFalse();
    assertThat(run.rowsDone()).isEqualTo(400);
    assertThat(run.totalRows()).isEqualTo(400);
    assertThat(run.totalKnown()).isTrue();
    assertThat(run.partitionsDone()).isEqualTo(4);
    assertThat(run.partitions()).isEqualTo(4);
    assertThat(run.failedRows()).isEqualTo(40);
    assertThat(run.retries()).isEqualTo(4);
    assertThat(run.inFlightChunks()).isZero();
    assertThat(run.eta()).isEqualTo(Duration.ZERO);
    assertThat(run.toString()).startsWith("progress_probe: 400 of 400 rows |").contains("| 4 retries | 40 failed |")
        .contains("partitions 4/4");
  }

  /**
   * The driver hears of every failed task attempt from Spark, once per context however many runs: a run
   * does not wait for ever for an attempt lost with its executor (ProgressTrackerTest has the rule).
   */
  @Test
  @SuppressWarnings("unchecked")
  void theDriverListensForTaskEndsOncePerContext() throws Exception {
    ColumnUdf<Long, Long, Serializable> udf = AsyncUdf.scalarToScalar(CHUNK_THREE_FAILS_TWICE, DataTypes.LongType)
        .named("progress_ends").maxChunkSize(10).retry(RetryPolicy.attempts(3)).progress(true);
    udf.withColumn(ids(40, 2), "same", col("id")).collectAsList();
    udf.withColumn(ids(40, 2), "same", col("id")).collectAsList();

    Class<org.apache.spark.scheduler.SparkListenerInterface> failedAttempts =
        (Class<org.apache.spark.scheduler.SparkListenerInterface>) Class.forName(
            "io.asyncudf.internal.spark.rpc.DriverEndpoint$FailedAttempts");
    assertThat(scala.jdk.javaapi.CollectionConverters.asJava(LocalSpark.session().sparkContext().listenerBus()
        .findListenersByClass(scala.reflect.ClassTag$.MODULE$.apply(failedAttempts)))).hasSize(1);
  }

  @Test
  void theSessionConfTurnsProgressOnForSqlCallsToo() {
    var spark = LocalSpark.session();
    spark.conf().set("spark.asyncudf.progress", "true");
    try {
      AsyncUdf.scalarToScalar(CHUNK_THREE_FAILS_TWICE, DataTypes.LongType)
          .maxChunkSize(10)
          .retry(RetryPolicy.attempts(3))
          .register(spark, "progress_by_conf");
      spark.range(0, 50, 1, 1).toDF("id").createOrReplaceTempView("progress_ids");

      assertThat(spark.sql("SELECT id, progress_by_conf(id) AS same FROM progress_ids").collectAsList()).hasSize(50);

      JobProgress run = lastRun("progress_by_conf");
      assertThat(run.rowsDone()).isEqualTo(50);
      assertThat(run.retries()).isEqualTo(2);
      assertThat(run.failedRows()).isZero();
    } finally {
      spark.conf().unset("spark.asyncudf.progress");
    }
  }

  private static JobProgress lastRun(String name) {
    List<JobProgress> runs = AsyncUdf.progress().stream().filter(run -> run.name().equals(name))
        .collect(Collectors.toList());
    assertThat(runs).as("runs of %s in %s", name, AsyncUdf.progress()).isNotEmpty();
    return runs.get(runs.size() - 1);
  }
}
