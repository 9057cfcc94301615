package io.asyncudf.plan;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.asyncudf.AsyncUdf;
import io.asyncudf.ColumnUdf;
import io.asyncudf.DataFrameUdf;
import io.asyncudf.DriverCallback;
import io.asyncudf.LocalSpark;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every helper in Structured Streaming: real file-source queries with a checkpoint, each input row
 * called once per committed micro-batch, and after a restart from the checkpoint only the new files'
 * rows called. Calls are counted at a real local service.
 */
class StreamingHelpersTest {

  private static final int FILE_ROWS = 300;
  private static final StructType INPUT = new StructType().add("id", DataTypes.LongType);

  private static CountingService service;
  private static ColumnUdf<Long, Long, Serializable> score;
  private static DataFrameUdf<Serializable> scoreRows;
  private final SparkSession spark = LocalSpark.session();

  @TempDir
  Path dir;

  @BeforeAll
  static void start() throws Exception {
    service = new CountingService();
    CountingService.Client client = new CountingService.Client(service.url());
    score = client.scores().maxChunkSize(25).maxConcurrentChunks(4);
    scoreRows = client.scoredRows().maxChunkSize(25).errorColumn("err");
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  @BeforeEach
  void reset() {
    service.reset();
  }

  /** Writes file {@code index} of the input directory: ids {@code index * FILE_ROWS} onwards. */
  private void writeFile(Path input, int index) throws IOException {
    Files.createDirectories(input);
    StringBuilder lines = new StringBuilder();
    for (long id = (long) index * FILE_ROWS; id < (index + 1L) * FILE_ROWS; id++) {
      lines.append("{\"id\":").append(id).append("}\n");
    }
    Path temp = dir.resolve("part-" + index + ".tmp");
    Files.writeString(temp, lines);
    Files.move(temp, input.resolve("part-" + index + ".json")); // a file source must see whole files
  }

  private Dataset<Row> stream(Path input) {
    return spark.readStream().schema(INPUT).option("maxFilesPerTrigger", 1).json(input.toString());
  }

  /** Runs {@code query} over the files there now, via foreachBatch, and returns each batch's rows by batch id. */
  private Map<Long, List<Row>> runOnce(Dataset<Row> query, Path checkpoint) throws Exception {
    Map<Long, List<Row>> batches = new ConcurrentHashMap<>();
    VoidFunction2<Dataset<Row>, Long> collect = (batch, id) -> batches.put(id, batch.collectAsList());
    StreamingQuery running = query.writeStream()
        .option("checkpointLocation", checkpoint.toString())
        .foreachBatch(collect)
        .start();
    try {
      running.processAllAvailable();
    } finally {
      running.stop();
    }
    return batches;
  }

  private void assertScored(Map<Long, List<Row>> batches, int files, int idField, int scoreField) {
    List<Row> rows = batches.values().stream().flatMap(List::stream).toList();
    assertThat(batches).as("one micro-batch per file").hasSize(files);
    assertThat(rows).hasSize(files * FILE_ROWS);
    assertThat(rows).allSatisfy(row -> assertThat(row.getLong(scoreField)).isEqualTo(2 * row.getLong(idField)));
    assertThat(rows.stream().map(row -> row.getLong(idField)).distinct().count()).isEqualTo((long) files * FILE_ROWS);
  }

  private void everyRouteRestartsFromItsCheckpoint(String route, Function<Dataset<Row>, Dataset<Row>> apply,
      int idField, int scoreField) throws Exception {
    Path input = dir.resolve(route + "-in");
    Path checkpoint = dir.resolve(route + "-checkpoint");
    writeFile(input, 0);
    writeFile(input, 1);
    assertScored(runOnce(apply.apply(stream(input)), checkpoint), 2, idField, scoreField);
    assertThat(service.requests()).as(route + ": requests for 2 files").isEqualTo(2L * FILE_ROWS);

    service.reset();
    writeFile(input, 2);
    Map<Long, List<Row>> restarted = runOnce(apply.apply(stream(input)), checkpoint);
    assertScored(restarted, 1, idField, scoreField);
    assertThat(restarted.keySet()).as("the batch after the checkpoint's last").containsExactly(2L);
    assertThat(service.requests()).as(route + ": requests after a restart with one new file").isEqualTo(FILE_ROWS);
    assertThat(service.distinctIds()).isEqualTo(FILE_ROWS);
  }

  @Test
  void withColumnOnAStreamCallsEachRowOncePerBatchAndOnlyNewRowsAfterARestart() throws Exception {
    everyRouteRestartsFromItsCheckpoint("with-column",
        df -> score.errorColumn("err").withColumn(df, "s", col("id")), 0, 1);
  }

  @Test
  void theDataFrameHelperOnAStream() throws Exception {
    everyRouteRestartsFromItsCheckpoint("data-frame", scoreRows::apply, 0, 1);
  }

  @Test
  void aColumnAndSqlOnAStream() throws Exception {
    everyRouteRestartsFromItsCheckpoint("column", df -> df.select(col("id"), score.apply(col("id")).as("s")), 0, 1);
    service.reset();
    score.register(spark, "score_stream");
    everyRouteRestartsFromItsCheckpoint("sql", df -> {
      df.createOrReplaceTempView("stream_input");
      return spark.sql("SELECT id, score_stream(id) AS s FROM stream_input");
    }, 0, 1);
  }

  @Test
  void progressIsReportedPerMicroBatch() throws Exception {
    Path input = dir.resolve("progress-in");
    writeFile(input, 0);
    writeFile(input, 1);
    ColumnUdf<Long, Long, Serializable> reported = score.named("score_stream_progress").progress(true);
    Map<Long, List<Row>> batches = runOnce(reported.withColumn(stream(input), "s", col("id")),
        dir.resolve("progress-checkpoint"));

    assertScored(batches, 2, 0, 1);
    List<io.asyncudf.JobProgress> runs = AsyncUdf.progress().stream()
        .filter(run -> run.name().equals("score_stream_progress")).toList();
    assertThat(runs).as("one run per micro-batch").hasSize(2).allSatisfy(run -> {
      assertThat(run.running()).isFalse();
      assertThat(run.totalKnown()).isTrue();
      assertThat(run.rowsDone()).isEqualTo(FILE_ROWS);
      assertThat(run.failedRows()).isZero();
    });
  }

  @Test
  void aRateSourceCallsEachRowOncePerBatch() throws Exception {
    CountDownLatch threeBatches = new CountDownLatch(3);
    Map<Long, List<Row>> batches = new ConcurrentHashMap<>();
    VoidFunction2<Dataset<Row>, Long> collect = (batch, id) -> {
      batches.put(id, batch.collectAsList());
      threeBatches.countDown();
    };
    Dataset<Row> rate = spark.readStream().format("rate-micro-batch").option("rowsPerBatch", 100)
        .option("numPartitions", 2).load().select(col("value").as("id"));
    StreamingQuery query = score.withColumn(rate, "s", col("id")).writeStream()
        .option("checkpointLocation", dir.resolve("rate-checkpoint").toString())
        .foreachBatch(collect)
        .start();
    try {
      assertThat(threeBatches.await(2, TimeUnit.MINUTES)).as("three micro-batches").isTrue();
    } finally {
      query.stop();
    }
    List<Row> rows = batches.values().stream().flatMap(List::stream).toList();
    assertThat(rows).hasSizeGreaterThanOrEqualTo(300);
    assertThat(rows).allSatisfy(row -> assertThat(row.getLong(1)).isEqualTo(2 * row.getLong(0)));
    assertThat(service.requests()).as("no row called twice").isEqualTo(service.distinctIds());
    assertThat(service.requests()).as("the collected rows, and at most the batch running at the stop")
        .isBetween((long) rows.size(), rows.size() + 100L);
  }

  @Test
  void aMemorySourceCallsEachRowOncePerBatchAndOnlyNewRowsAfterARestart() throws Exception {
    MemorySource source = new MemorySource(spark);
    Path checkpoint = dir.resolve("memory-source-checkpoint");
    Function<Dataset<Row>, Dataset<Row>> apply = ids -> scoreRows.apply(ids.select(col("value").as("id")))
        .withColumn("s", score.apply(col("id")));
    Map<Long, List<Row>> batches = new ConcurrentHashMap<>();
    VoidFunction2<Dataset<Row>, Long> collect = (batch, id) -> batches.put(id, batch.collectAsList());

    StreamingQuery first = apply.apply(source.toDF()).writeStream().option("checkpointLocation", checkpoint.toString())
        .foreachBatch(collect).start();
    try {
      source.add(0, 200);
      first.processAllAvailable();
      source.add(200, 400);
      first.processAllAvailable();
    } finally {
      first.stop();
    }
    List<Row> rows = batches.values().stream().flatMap(List::stream).toList();
    assertThat(rows).hasSize(400).allSatisfy(row -> {
      assertThat(row.getLong(1)).isEqualTo(2 * row.getLong(0));
      assertThat(row.getLong(3)).isEqualTo(2 * row.getLong(0));
    });
    assertThat(service.requests()).as("two helpers, 400 rows").isEqualTo(800);

    service.reset();
    batches.clear();
    source.add(400, 500);
    StreamingQuery restarted = apply.apply(source.toDF()).writeStream()
        .option("checkpointLocation", checkpoint.toString()).foreachBatch(collect).start();
    try {
      restarted.processAllAvailable();
    } finally {
      restarted.stop();
    }
    assertThat(batches.values().stream().flatMap(List::stream).map(row -> row.getLong(0)).sorted().toList())
        .as("only the rows added after the checkpoint's last batch")
        .isEqualTo(java.util.stream.LongStream.range(400, 500).boxed().toList());
    assertThat(service.requests()).isEqualTo(200);
  }

  /**
   * Spark's {@code MemoryStream} of longs (column {@code value}), found by name: it moved to
   * {@code ...streaming.runtime} in Spark 4.1, and this test runs on 4.0 too.
   */
  private static final class MemorySource {
    private final Object stream;

    MemorySource(SparkSession spark) throws ReflectiveOperationException {
      Class<?> companion;
      try {
        companion = Class.forName("org.apache.spark.sql.execution.streaming.runtime.MemoryStream$");
      } catch (ClassNotFoundException beforeSpark41) {
        companion = Class.forName("org.apache.spark.sql.execution.streaming.MemoryStream$");
      }
      Object module = companion.getField("MODULE$").get(null);
      stream = companion.getMethod("apply", org.apache.spark.sql.Encoder.class, org.apache.spark.sql.SQLContext.class)
          .invoke(module, org.apache.spark.sql.Encoders.LONG(), spark.sqlContext());
    }

    @SuppressWarnings("unchecked")
    Dataset<Row> toDF() throws ReflectiveOperationException {
      return (Dataset<Row>) stream.getClass().getMethod("toDF").invoke(stream);
    }

    /** Adds ids {@code from} (inclusive) to {@code to} (exclusive) as one batch of data. */
    void add(long from, long to) throws ReflectiveOperationException {
      List<Long> ids = java.util.stream.LongStream.range(from, to).boxed().toList();
      stream.getClass().getMethod("addData", scala.collection.IterableOnce.class)
          .invoke(stream, scala.jdk.javaapi.CollectionConverters.asScala(ids).toList());
    }
  }

  @Test
  void aMemorySinkAndADriverCallbackOnAStream() throws Exception {
    Path input = dir.resolve("memory-in");
    writeFile(input, 0);
    writeFile(input, 1);
    AtomicInteger callbacks = new AtomicInteger();
    DriverCallback<Integer, Integer> chunkSeen = chunk -> callbacks.incrementAndGet();
    ColumnUdf<Long, Long, Serializable> reporting = AsyncUdf.<Long, Long, Serializable>scalarToScalar(
            (ctx, ids) -> ctx.<Integer, Integer>callDriver(ctx.chunkIndex())
                .thenApply(ignored -> ids.stream().map(id -> id * 2).toList()), DataTypes.LongType)
        .maxChunkSize(50).callback(chunkSeen);
    StreamingQuery query = reporting.withColumn(scoreRows.apply(stream(input)).drop("err"), "twice", col("score"))
        .writeStream().format("memory").queryName("scored_stream").outputMode("append")
        .option("checkpointLocation", dir.resolve("memory-checkpoint").toString())
        .start();
    try {
      query.processAllAvailable();
    } finally {
      query.stop();
    }
    List<Row> rows = spark.table("scored_stream").collectAsList();
    assertThat(rows).hasSize(2 * FILE_ROWS);
    assertThat(rows).allSatisfy(row -> assertThat(row.getLong(2)).isEqualTo(4 * row.getLong(0)));
    assertThat(service.requests()).isEqualTo(2L * FILE_ROWS);
    assertThat(callbacks.get()).as("one callback per chunk of 50 rows").isEqualTo(2 * FILE_ROWS / 50);
    assertThat(query.recentProgress()).isNotEmpty();
  }
}
