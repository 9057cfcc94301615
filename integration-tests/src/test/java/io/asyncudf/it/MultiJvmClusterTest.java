package io.asyncudf.it;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;

import io.asyncudf.AsyncChunkFunction;
import io.asyncudf.AsyncUdf;
import io.asyncudf.ColumnUdf;
import io.asyncudf.example.LatencyService;
import io.asyncudf.http.HttpClientConfig;
import io.asyncudf.http.HttpConnector;
import io.asyncudf.http.HttpRequest;
import java.io.Serializable;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.CollectionAccumulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the helpers on a real multi-JVM cluster ({@code local-cluster[2,1,1024]}): two executors,
 * each its own JVM, so functions, parameters and listeners really cross a serialization boundary.
 */
class MultiJvmClusterTest {

  private static SparkSession spark;

  /** Tags each row with the executor process and the parameters it saw. */
  record Tag(String prefix) implements Serializable {}

  @BeforeAll
  static void startCluster() {
    spark = SparkSession.builder()
        .master("local-cluster[2,1,1024]")
        .appName("async-udf-cluster-test")
        .config("spark.ui.enabled", "false")
        .config("spark.executor.extraClassPath", System.getProperty("java.class.path"))
        .config("spark.executorEnv.SPARK_SCALA_VERSION", "2.13")
        .config("spark.executorEnv.SPARK_TESTING", "1")
        .config("spark.executor.memory", "512m")
        .config("spark.executor.extraJavaOptions", System.getProperty("asyncudf.testJvmArgs", ""))
        .config("spark.scheduler.minRegisteredResourcesRatio", "1.0")
        .getOrCreate();
  }

  @AfterAll
  static void stopCluster() {
    if (spark != null) {
      spark.stop();
    }
  }

  @Test
  void columnHelperRunsInSeparateExecutorJvmsWithParametersAndListener() {
    CollectionAccumulator<String> events = spark.sparkContext().collectionAccumulator("asyncudf-events");
    Dataset<Row> df = spark.range(0, 4000, 1, 4).toDF("id");

    List<Row> rows = AsyncUdf.<Long, Tag>scalarToStruct(
            AsyncChunkFunction.perRow((ctx, id) -> CompletableFuture.supplyAsync(() -> RowFactory.create(
                ctx.parameters().prefix() + id, ctx.partitionInformation().processId(),
                ctx.partitionInformation().executorId()))),
            new StructType().add("tag", DataTypes.StringType).add("pid", DataTypes.LongType)
                .add("executor", DataTypes.StringType))
        .parameters(new Tag("t-"))
        .maxChunkSize(100)
        .listener(new AccumulatingListener(events))
        .withColumn(df, "info", col("id"))
        .select("id", "info.tag", "info.pid", "info.executor")
        .collectAsList();

    assertThat(rows).hasSize(4000);
    for (int i = 0; i < rows.size(); i++) {
      assertThat(rows.get(i).getLong(0)).isEqualTo(i);
      assertThat(rows.get(i).getString(1)).isEqualTo("t-" + i);
    }
    Set<Long> pids = rows.stream().map(r -> r.getLong(2)).collect(Collectors.toSet());
    assertThat(pids).hasSize(2).doesNotContain(ProcessHandle.current().pid());
    assertThat(rows.stream().map(r -> r.getString(3)).collect(Collectors.toSet())).containsExactlyInAnyOrder("0", "1");

    List<String> received = events.value();
    assertThat(received.stream().filter(e -> e.startsWith("chunk-success:"))).hasSize(40);
    assertThat(received.stream().filter(e -> e.startsWith("partition-end:")))
        .hasSize(4)
        .allSatisfy(e -> assertThat(e).endsWith(":1000"));
  }

  @Test
  void dataFrameHelperRunsOnTheCluster() {
    StructType schema = new StructType().add("id", DataTypes.LongType).add("square", DataTypes.LongType);
    Dataset<Row> out = AsyncUdf.<Serializable>dataFrame(
            (ctx, in) -> CompletableFuture.completedFuture(
                in.stream().map(r -> RowFactory.create(r.getLong(0), r.getLong(0) * r.getLong(0))).toList()),
            schema)
        .maxChunkSize(64)
        .apply(spark.range(0, 5000, 1, 4).toDF("id"));

    List<Row> rows = out.collectAsList();
    assertThat(rows).hasSize(5000);
    assertThat(rows.get(4999).getLong(1)).isEqualTo(4999L * 4999L);
  }

  private static ColumnUdf<Long, Double, HttpClientConfig> score(LatencyService service) {
    HttpClientConfig config = HttpClientConfig.builder().baseUrl(service.baseUri().toString()).build();
    return AsyncUdf.<Long, Double, HttpClientConfig>scalarToScalar(
            AsyncChunkFunction.perRow((ctx, id) -> HttpConnector.shared(ctx.parameters())
                .send(ctx, HttpRequest.get("score?id=" + id))
                .thenApply(response -> response.json().get("score").asDouble())),
            DataTypes.DoubleType)
        .parameters(config)
        .maxChunkSize(50)
        .maxConcurrentChunks(4)
        .errorColumn("error");
  }

  @Test
  void httpConnectorCallsAServiceFromEveryExecutor() throws Exception {
    try (LatencyService service = LatencyService.start(5)) {
      List<Row> rows = score(service).withColumn(spark.range(0, 3000, 1, 4).toDF("id"), "score", col("id"))
          .collectAsList();

      assertThat(rows).hasSize(3000).allSatisfy(row -> {
        assertThat(row.isNullAt(2)).as("error for %s", row).isTrue();
        assertThat(row.getDouble(1)).isEqualTo(LatencyService.scoreOf(row.getLong(0)));
      });
      assertThat(service.requests()).isEqualTo(3000);
    }
  }

  @Test
  void aGlobalSortAcrossExecutorJvmsCallsEachRowOnce() throws Exception {
    try (LatencyService service = LatencyService.start(5)) {
      Dataset<Row> patients = spark.range(0, 3000, 1, 4).toDF("id").withColumn("name", concat(lit("p"), col("id")));
      List<Row> rows = score(service).withColumn(patients, "score", col("id")).orderBy(col("id").desc())
          .collectAsList();

      assertThat(rows).hasSize(3000);
      for (int i = 0; i < rows.size(); i++) {
        long id = 2999 - i;
        assertThat(rows.get(i).getLong(0)).isEqualTo(id);
        assertThat(rows.get(i).getString(1)).isEqualTo("p" + id);
        assertThat(rows.get(i).getDouble(2)).isEqualTo(LatencyService.scoreOf(id));
      }
      assertThat(service.requests()).as("one request per row, the sort's sampling pass included").isEqualTo(3000);
    }
  }

  @Test
  void theSameDataFrameUsedTwiceAcrossExecutorJvmsCallsEachRowOnce() throws Exception {
    try (LatencyService service = LatencyService.start(5)) {
      Dataset<Row> scored = score(service).withColumn(spark.range(0, 2000, 1, 4).toDF("id"), "score", col("id"));
      List<Row> twice = scored.union(scored).collectAsList(); // both copies' tasks in one stage, on two executors
      assertThat(twice).hasSize(4000)
          .allSatisfy(row -> assertThat(row.getDouble(1)).isEqualTo(LatencyService.scoreOf(row.getLong(0))));
      assertThat(service.requests()).as("one request per row for a DataFrame read twice").isEqualTo(2000);
    }
  }

  @Test
  void aJournalWrittenByExecutorJvmsAnswersTheNextRun(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    String journal = dir.resolve("journal").toString();
    try (LatencyService service = LatencyService.start(5)) {
      for (int run = 0; run < 2; run++) {
        List<Row> rows = score(service).journal(journal)
            .withColumn(spark.range(0, 2000, 1, 4).toDF("id"), "score", col("id")).orderBy("id").collectAsList();
        assertThat(rows).as("run %d", run).hasSize(2000).allSatisfy(row -> {
          assertThat(row.isNullAt(2)).as("error for %s", row).isTrue();
          assertThat(row.getDouble(1)).isEqualTo(LatencyService.scoreOf(row.getLong(0)));
        });
        assertThat(service.requests()).as("requests after run %d (the executors' answers journaled)", run)
            .isEqualTo(2000);
      }
    }
  }

  @Test
  void aTaskRetriedInTheSameJobTakesWhatItsFailedAttemptJournaled(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    String journal = dir.resolve("journal").toString();
    try (LatencyService service = LatencyService.start(5)) {
      Dataset<Row> scored = score(service).journal(journal)
          .withColumn(spark.range(0, 2000, 1, 2).toDF("id"), "score", col("id"));
      List<Row> rows = scored.mapPartitions(new FailFirstAttemptAfter(700), org.apache.spark.sql.Encoders.row(scored.schema()))
          .collectAsList();
      assertThat(rows).hasSize(2000).allSatisfy(row -> {
        assertThat(row.isNullAt(2)).as("error for %s", row).isTrue();
        assertThat(row.getDouble(1)).isEqualTo(LatencyService.scoreOf(row.getLong(0)));
      });
      assertThat(rows.stream().map(row -> row.getLong(0)).distinct().count()).isEqualTo(2000);
      // the failed attempt passed 700 rows on; beyond them it had called at most its window (4 chunks of 50) running
      // and three windows of chunks answered but held behind a slower one, never journaled (docs/journal.md)
      assertThat(service.requests()).as("requests with one task failed after 700 rows and retried")
          .isBetween(2000L, 2000L + 4 * 4 * 50);
    }
  }

  @Test
  void aDataFrameHelperRetriedInTheSameJobTakesWhatItsFailedAttemptJournaled(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    try (LatencyService service = LatencyService.start(5)) {
      HttpClientConfig config = HttpClientConfig.builder().baseUrl(service.baseUri().toString()).build();
      StructType scoredSchema = new StructType().add("id", DataTypes.LongType).add("score", DataTypes.DoubleType);
      Dataset<Row> scored = AsyncUdf.<HttpClientConfig>dataFrame((ctx, rows) -> {
            List<CompletableFuture<Row>> answers = new java.util.ArrayList<>();
            for (Row row : rows) {
              long id = row.getLong(0);
              answers.add(HttpConnector.shared(ctx.parameters()).send(ctx, HttpRequest.get("score?id=" + id))
                  .toCompletableFuture().thenApply(response -> RowFactory.create(id, response.json().get("score").asDouble())));
            }
            return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
                .thenApply(done -> answers.stream().map(CompletableFuture::join).toList());
          }, scoredSchema)
          .parameters(config).maxChunkSize(50).maxConcurrentChunks(4)
          .journal(dir.resolve("journal").toString()).journalKey("id")
          .apply(spark.range(0, 2000, 1, 2).toDF("id"));
      List<Row> rows = scored.mapPartitions(new FailFirstAttemptAfter(700), org.apache.spark.sql.Encoders.row(scoredSchema))
          .collectAsList();
      assertThat(rows).hasSize(2000)
          .allSatisfy(row -> assertThat(row.getDouble(1)).isEqualTo(LatencyService.scoreOf(row.getLong(0))));
      assertThat(rows.stream().map(row -> row.getLong(0)).distinct().count()).isEqualTo(2000);
      assertThat(service.requests()).as("requests with one task failed after 700 rows and retried")
          .isBetween(2000L, 2000L + 4 * 4 * 50);
    }
  }

  /** Fails the first attempt of partition 0 once it has passed {@code rows} rows on, as a lost task would. */
  private record FailFirstAttemptAfter(int rows) implements org.apache.spark.api.java.function.MapPartitionsFunction<Row, Row> {
    @Override
    public java.util.Iterator<Row> call(java.util.Iterator<Row> input) {
      org.apache.spark.TaskContext task = org.apache.spark.TaskContext.get();
      boolean failing = task.partitionId() == 0 && task.attemptNumber() == 0;
      return new java.util.Iterator<>() {
        private int passed;

        @Override
        public boolean hasNext() {
          if (failing && passed == rows) {
            throw new IllegalStateException("scripted failure of the first attempt after " + rows + " rows");
          }
          return input.hasNext();
        }

        @Override
        public Row next() {
          passed++;
          return input.next();
        }
      };
    }
  }
}
