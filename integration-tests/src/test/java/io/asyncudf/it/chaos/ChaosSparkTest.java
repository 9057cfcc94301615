package io.asyncudf.it.chaos;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.get_json_object;
import static org.apache.spark.sql.functions.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncudf.AsyncChunkFunction;
import io.asyncudf.AsyncUdf;
import io.asyncudf.RetryPolicy;
import io.asyncudf.http.HttpClientConfig;
import io.asyncudf.http.HttpConnector;
import io.asyncudf.http.HttpRequest;
import io.asyncudf.http.HttpRetrySettings;
import io.asyncudf.it.chaos.ChaosService.Outcome;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * 20,000 rows through the HTTP connector against a service failing a third of its requests in
 * every way it can ({@link ChaosService}, fixed seed): nothing lost, nothing duplicated, every
 * value right, every failure accounted for in the error column.
 */
class ChaosSparkTest {

  private static final long ROWS = 20_000;
  private static final StructType VALUED = new StructType().add("id", DataTypes.LongType).add("value", DataTypes.LongType);

  /** Failures injected into first task attempts (local mode: tasks run in this JVM). */
  private static final AtomicInteger INJECTED = new AtomicInteger();

  private static SparkSession spark;
  private static ChaosService chaos;

  @BeforeAll
  static void start() throws Exception {
    EnumMap<Outcome, Double> rates = new EnumMap<>(Outcome.class);
    rates.put(Outcome.UNAVAILABLE, 0.20);
    rates.put(Outcome.RATE_LIMITED, 0.10);
    rates.put(Outcome.RESET, 0.05);
    rates.put(Outcome.STALL, 0.02);
    rates.put(Outcome.MALFORMED, 0.01);
    chaos = new ChaosService(42, rates, 1_000, Set.of());
    // local[2,2]: a failed task is tried again once, as on a cluster
    spark = SparkSession.builder().master("local[2,2]").appName("chaos").config("spark.ui.enabled", "false").getOrCreate();
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
    if (chaos != null) {
      chaos.close();
    }
    HttpConnector.closeShared();
  }

  static HttpClientConfig client(String baseUrl) {
    return HttpClientConfig.builder().baseUrl(baseUrl).maxConnections(160)
        .requestTimeout(Duration.ofMillis(250))
        .retry(HttpRetrySettings.defaults().withBackoff(Duration.ofMillis(5), Duration.ofMillis(50)))
        .build();
  }

  static AsyncChunkFunction<Long, Long, HttpClientConfig> valueOfEachRow() {
    return AsyncChunkFunction.perRow((ctx, id) -> HttpConnector.shared(ctx.parameters())
        .send(ctx, HttpRequest.get("value?id=" + id))
        .thenApply(response -> response.json().get("value").asLong()));
  }

  private static Dataset<Row> ids() {
    return spark.range(0, ROWS, 1, 4).toDF("id");
  }

  @Test
  void everyRowComesOutOnceWithItsValueOrItsError() {
    Dataset<Row> out = AsyncUdf.scalarToScalar(valueOfEachRow(), DataTypes.LongType)
        .parameters(client(chaos.baseUrl()))
        .maxChunkSize(10)
        .maxConcurrentChunks(8)
        .timeout(Duration.ofSeconds(30))
        .retry(RetryPolicy.attempts(4).backoff(Duration.ofMillis(10), Duration.ofMillis(100)))
        .errorColumn("error")
        .withColumn(ids(), "value", col("id"));

    Row totals = out.agg(count("*"), countDistinct(col("id")),
            count(when(col("error").isNull(), 1)),
            count(when(col("error").isNull().and(col("value").equalTo(col("id").multiply(3))), 1)),
            count(when(col("error").isNotNull().and(col("value").isNull()).and(col("error.attempts").equalTo(4))
                .and(col("error.message").isNotNull()).and(col("error.exception_class").isNotNull())
                .and(get_json_object(col("error.input_json"), "$.id").isNotNull()), 1)))
        .first();

    long succeeded = totals.getLong(2);
    assertThat(totals.getLong(0)).as("rows out").isEqualTo(ROWS);
    assertThat(totals.getLong(1)).as("distinct ids").isEqualTo(ROWS);
    assertThat(totals.getLong(3)).as("successful rows with the right value").isEqualTo(succeeded);
    assertThat(totals.getLong(4)).as("failed rows with a full error struct").isEqualTo(ROWS - succeeded);
    assertThat(succeeded).as("most rows get through the retries").isGreaterThan(ROWS / 2);
    for (Outcome fault : List.of(Outcome.UNAVAILABLE, Outcome.RATE_LIMITED, Outcome.RESET, Outcome.STALL, Outcome.MALFORMED)) {
      assertThat(chaos.count(fault)).as("%s answers", fault).isPositive();
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void dataFrameVariantKeepsEveryRowOnceOrderedOrNot(boolean ordered) {
    Dataset<Row> out = AsyncUdf.<HttpClientConfig>dataFrame((ctx, inputs) -> {
          HttpConnector http = HttpConnector.shared(ctx.parameters());
          List<CompletableFuture<Row>> rows = new ArrayList<>();
          for (Row input : inputs) {
            long id = input.getLong(0);
            rows.add(http.send(ctx, HttpRequest.get("value?id=" + id)).toCompletableFuture()
                .thenApply(response -> RowFactory.create(id, response.json().get("value").asLong())));
          }
          return CompletableFuture.allOf(rows.toArray(CompletableFuture[]::new))
              .thenApply(done -> rows.stream().map(CompletableFuture::join).toList());
        }, VALUED)
        .parameters(client(chaos.baseUrl()))
        .maxChunkSize(10)
        .maxConcurrentChunks(8)
        .ordered(ordered)
        .retry(RetryPolicy.attempts(4).backoff(Duration.ofMillis(10), Duration.ofMillis(100)))
        .errorColumn("error")
        .apply(ids());

    Dataset<Row> recovered = out.select(
        when(col("error").isNull(), col("id")).otherwise(get_json_object(col("error.input_json"), "$.id").cast("long")).as("input_id"),
        col("id"), col("value"), col("error"));
    Row totals = recovered.agg(count("*"), countDistinct(col("input_id")),
            count(when(col("error").isNull().and(col("value").equalTo(col("id").multiply(3))), 1)),
            count(when(col("error").isNotNull().and(col("id").isNull()).and(col("error.attempts").equalTo(4)), 1)))
        .first();

    assertThat(totals.getLong(0)).as("rows out").isEqualTo(ROWS);
    assertThat(totals.getLong(1)).as("distinct input ids").isEqualTo(ROWS);
    assertThat(totals.getLong(2) + totals.getLong(3)).as("right values plus complete errors").isEqualTo(ROWS);
    assertThat(totals.getLong(2)).as("succeeded").isGreaterThan(ROWS / 2);
  }

  @Test
  void withoutAnErrorColumnAnUnrecoverableRowFailsTheJobNamingWhereAndWhy() throws Exception {
    try (ChaosService failing = new ChaosService(7, new EnumMap<>(Outcome.class), 0, Set.of(1_234L))) {
      Dataset<Row> out = AsyncUdf.scalarToScalar(valueOfEachRow(), DataTypes.LongType)
          .parameters(client(failing.baseUrl()))
          .maxChunkSize(100)
          .retry(RetryPolicy.attempts(2).backoff(Duration.ofMillis(10), Duration.ofMillis(20)))
          .withColumn(spark.range(0, 5_000, 1, 4).toDF("id"), "value", col("id"));

      assertThatThrownBy(out::collectAsList) // count() would not read the unused column, nor call
          .hasStackTraceContaining("chunk 12 of partition 0 (rows 1200-1249)")
          .hasStackTraceContaining("after 2 attempts")
          .hasStackTraceContaining("503");
    }
  }

  @Test
  void aTaskThatFailsOnceIsRetriedBySparkWithTheSameOutput() {
    Dataset<Row> out = AsyncUdf.<Long, Long, Serializable>scalarToScalar(
            AsyncChunkFunction.perRow((ctx, id) -> {
              if (ctx.partitionIndex() == 1 && ctx.chunkIndex() == 7 && ctx.partitionInformation().attemptNumber() == 0) {
                INJECTED.incrementAndGet();
                throw new IllegalStateException("injected failure of the first attempt of partition 1");
              }
              return CompletableFuture.completedFuture(id * 3);
            }),
            DataTypes.LongType)
        .maxChunkSize(100)
        .retry(RetryPolicy.none())
        .withColumn(ids(), "value", col("id"));

    Row totals = out.agg(count("*"), countDistinct(col("id")), count(when(col("value").equalTo(col("id").multiply(3)), 1)))
        .first();

    assertThat(totals.getLong(0)).isEqualTo(ROWS);
    assertThat(totals.getLong(1)).isEqualTo(ROWS);
    assertThat(totals.getLong(2)).isEqualTo(ROWS);
    assertThat(INJECTED.get()).as("first attempts that failed").isPositive();
  }
}
