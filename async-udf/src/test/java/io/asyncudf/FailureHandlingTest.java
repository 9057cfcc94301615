package io.asyncudf;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.struct;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class FailureHandlingTest {

  /** Fails chunk 2 of every partition on every attempt, succeeds elsewhere with "ok-<id>". */
  private static final AsyncChunkFunction<Long, String, Serializable> CHUNK_TWO_FAILS = (ctx, ids) -> {
    if (ctx.chunkIndex() == 2) {
      return CompletableFuture.failedFuture(new IOException("service answered 503 for chunk 2"));
    }
    return CompletableFuture.completedFuture(ids.stream().map(id -> "ok-" + id).toList());
  };

  private static Dataset<Row> ids(int rows, int partitions) {
    return LocalSpark.session().range(0, rows, 1, partitions).toDF("id");
  }

  @Test
  void errorColumnRecordsEachFailedRowAndLeavesOthersAlone() {
    Dataset<Row> out = AsyncUdf.scalarToScalar(CHUNK_TWO_FAILS, DataTypes.StringType)
        .maxChunkSize(10)
        .retry(RetryPolicy.attempts(3).backoff(Duration.ofMillis(1), Duration.ofMillis(5)))
        .errorColumn("error")
        .withColumn(ids(100, 2), "result", col("id"));

    assertThat(out.columns()).containsExactly("id", "result", "error");
    List<Row> rows = out.collectAsList();
    assertThat(rows).hasSize(100);
    for (Row row : rows) {
      long id = row.getLong(0);
      boolean failed = id % 50 >= 20 && id % 50 < 30;
      if (failed) {
        assertThat(row.isNullAt(1)).isTrue();
        Row error = row.getStruct(2);
        assertThat(error.<String>getAs("message")).isEqualTo("service answered 503 for chunk 2");
        assertThat(error.<String>getAs("exception_class")).isEqualTo("java.io.IOException");
        assertThat(error.<Integer>getAs("attempts")).isEqualTo(3);
        assertThat(error.<Integer>getAs("partition_index")).isEqualTo((int) (id / 50));
        assertThat(error.<Integer>getAs("chunk_index")).isEqualTo(2);
        assertThat(error.<Long>getAs("row_index")).isEqualTo(id % 50);
        assertThat(error.<String>getAs("input_json")).isEqualTo("{\"id\":" + id + "}");
      } else {
        assertThat(row.getString(1)).isEqualTo("ok-" + id);
        assertThat(row.isNullAt(2)).isTrue();
      }
    }
  }

  @Test
  void withoutErrorColumnTheTaskFailsNamingPartitionChunkRowsAttemptsAndCause() {
    Dataset<Row> out = AsyncUdf.scalarToScalar(CHUNK_TWO_FAILS, DataTypes.StringType)
        .maxChunkSize(10)
        .retry(RetryPolicy.attempts(2).backoff(Duration.ofMillis(1), Duration.ofMillis(5)))
        .withColumn(ids(30, 1), "result", col("id"));

    assertThatThrownBy(out::collect).hasStackTraceContaining(
        "chunk 2 of partition 0 (rows 20-29) failed after 2 attempts: java.io.IOException: service answered 503 for chunk 2");
  }

  @Test
  void failOnTypesFailTheTaskEvenWithAnErrorColumn() {
    AsyncChunkFunction<Long, String, Serializable> unauthorized =
        (ctx, ids) -> CompletableFuture.failedFuture(new SecurityException("401 from service"));
    Dataset<Row> out = AsyncUdf.scalarToScalar(unauthorized, DataTypes.StringType)
        .errorColumn("error")
        .failOn(SecurityException.class)
        .withColumn(ids(10, 1), "result", col("id"));

    assertThatThrownBy(out::collect).hasStackTraceContaining("401 from service");
  }

  @Test
  void dataFrameHelperRecordsOneRowPerFailedInputRow() {
    StructType schema = new StructType().add("id", DataTypes.LongType).add("doubled", DataTypes.LongType);
    AsyncChunkFunction<Row, Row, Serializable> fn = (ctx, rows) -> ctx.chunkIndex() == 1
        ? CompletableFuture.failedFuture(new IllegalStateException("bad batch"))
        : CompletableFuture.completedFuture(rows.stream().map(r -> RowFactory.create(r.getLong(0), r.getLong(0) * 2)).toList());

    List<Row> rows = AsyncUdf.dataFrame(fn, schema).maxChunkSize(5).errorColumn("error")
        .apply(LocalSpark.session().range(0, 15, 1, 1).selectExpr("id", "'x' AS tag"))
        .collectAsList();

    assertThat(rows).hasSize(15);
    assertThat(rows.subList(5, 10)).allSatisfy(row -> {
      assertThat(row.isNullAt(0)).isTrue();
      assertThat(row.isNullAt(1)).isTrue();
      assertThat(row.getStruct(2).<String>getAs("message")).isEqualTo("bad batch");
      assertThat(row.getStruct(2).<String>getAs("input_json")).matches("\\{\"id\":[5-9],\"tag\":\"x\"}");
    });
    assertThat(rows.get(12).getLong(1)).isEqualTo(24);
    assertThat(rows.get(12).isNullAt(2)).isTrue();
  }

  @Test
  void retriesAreVisibleToTheFunctionAndTheListener() {
    CollectingListener listener = new CollectingListener();
    AsyncChunkFunction<Long, Integer, Serializable> flaky = (ctx, ids) -> ctx.attempt() < 3
        ? CompletableFuture.failedFuture(new IOException("flaky"))
        : CompletableFuture.completedFuture(ids.stream().map(id -> ctx.attempt()).toList());

    List<Row> rows = AsyncUdf.scalarToScalar(flaky, DataTypes.IntegerType)
        .maxChunkSize(10)
        .retry(RetryPolicy.attempts(3).backoff(Duration.ofMillis(1), Duration.ofMillis(2)).retryOn(IOException.class))
        .listener(listener)
        .withColumn(ids(20, 1), "attempt", col("id"))
        .collectAsList();

    assertThat(rows).allSatisfy(r -> assertThat(r.getInt(1)).isEqualTo(3));
    assertThat(listener.chunkEvents("retry")).hasSize(4);
    assertThat(listener.chunkEvents("success")).extracting(ChunkEvent::attempt).containsOnly(3);
  }

  @Test
  void aRowLargerThanTheStagingLimitFailsNamingTheLimit() {
    Dataset<Row> df = LocalSpark.session().range(0, 3, 1, 1).selectExpr("id", "repeat('x', 200000) AS big");
    Dataset<Row> out = AsyncUdf.<String, Integer, Serializable>scalarToScalar(
            AsyncChunkFunction.perRow((ctx, s) -> CompletableFuture.completedFuture(s.length())), DataTypes.IntegerType)
        .stagingMemoryLimit(64 * 1024)
        .withColumn(df, "len", col("big"));

    assertThatThrownBy(out::collect)
        .hasStackTraceContaining("row 0 of partition 0 alone does not fit in the staging memory limit of 65536 bytes");
  }

  @Test
  void stagingStaysWithinTheLimitByWaitingForOutstandingChunks() {
    // ~10 KB rows, 2 MB limit: all 500 rows (5 MB) cannot be staged at once, yet the job completes
    Dataset<Row> df = LocalSpark.session().range(0, 500, 1, 1).selectExpr("id", "repeat('y', 10000) AS text");
    List<Row> rows = AsyncUdf.<String, Integer, Serializable>scalarToScalar(
            AsyncChunkFunction.perRow((ctx, s) -> ColumnHelpersTest.randomlyLate(s.length())), DataTypes.IntegerType)
        .maxChunkSize(10)
        .maxConcurrentChunks(16)
        .stagingMemoryLimit(2L << 20)
        .withColumn(df, "len", col("text"))
        .select("id", "len")
        .collectAsList();
    assertThat(rows).hasSize(500).allSatisfy(r -> assertThat(r.getInt(1)).isEqualTo(10000));
  }

  /** Row-level failures: every id divisible by 7 fails on its own, the rest of its chunk succeeds. */
  private static final AsyncChunkFunction<Long, String, Serializable> SEVENS_FAIL = (ctx, ids) -> {
    List<String> outputs = new java.util.ArrayList<>();
    for (long id : ids) {
      if (id % 7 == 0) {
        RowFailure.addTo(outputs, new IOException("item " + id + " rejected"));
      } else {
        outputs.add("ok-" + id);
      }
    }
    return CompletableFuture.completedFuture(outputs);
  };

  /** The same with typed results. */
  private static final AsyncChunkFunction<Long, String, Serializable> SEVENS_FAIL_TYPED =
      AsyncChunkFunction.withRowResults((ctx, ids) -> CompletableFuture.completedFuture(ids.stream()
          .map(id -> id % 7 == 0 ? RowResult.<String>failure(new IOException("item " + id + " rejected"))
              : RowResult.success("ok-" + id))
          .toList()));

  @Test
  void rowFailuresGoToTheErrorColumnRowByRow() {
    assertSevensFailedAlone(SEVENS_FAIL);
  }

  @Test
  void typedRowResultsFailSingleRowsToo() {
    assertSevensFailedAlone(SEVENS_FAIL_TYPED);
  }

  @Test
  void aMissingRowResultFailsThatRowAlone() {
    AsyncChunkFunction<Long, String, Serializable> holes = AsyncChunkFunction.withRowResults((ctx, ids) ->
        CompletableFuture.completedFuture(ids.stream()
            .map(id -> id == 5 ? null : RowResult.success("ok-" + id))
            .toList()));

    List<Row> rows = AsyncUdf.scalarToScalar(holes, DataTypes.StringType)
        .maxChunkSize(10)
        .errorColumn("error")
        .withColumn(ids(20, 1), "result", col("id"))
        .collectAsList();

    assertThat(rows).hasSize(20).allSatisfy(row -> {
      if (row.getLong(0) == 5) {
        assertThat(row.getStruct(2).<String>getAs("message"))
            .isEqualTo("row 5 of chunk 0 of partition 0 has no RowResult (null)");
      } else {
        assertThat(row.getString(1)).isEqualTo("ok-" + row.getLong(0));
      }
    });
  }

  private void assertSevensFailedAlone(AsyncChunkFunction<Long, String, Serializable> function) {
    List<Row> rows = AsyncUdf.scalarToScalar(function, DataTypes.StringType)
        .maxChunkSize(10)
        .errorColumn("error")
        .withColumn(ids(100, 2), "result", col("id"))
        .collectAsList();

    assertThat(rows).hasSize(100).allSatisfy(row -> {
      long id = row.getLong(0);
      if (id % 7 == 0) {
        assertThat(row.isNullAt(1)).isTrue();
        assertThat(row.getStruct(2).<String>getAs("message")).isEqualTo("item " + id + " rejected");
        assertThat(row.getStruct(2).<Long>getAs("row_index")).isEqualTo(id % 50);
        assertThat(row.getStruct(2).<Integer>getAs("attempts")).isEqualTo(1);
      } else {
        assertThat(row.getString(1)).isEqualTo("ok-" + id);
        assertThat(row.isNullAt(2)).isTrue();
      }
    });
  }

  @Test
  void withoutErrorColumnARowFailureFailsTheTaskNamingTheRow() {
    Dataset<Row> out = AsyncUdf.scalarToScalar(SEVENS_FAIL, DataTypes.StringType)
        .maxChunkSize(10)
        .withColumn(ids(30, 1).filter("id > 0"), "result", col("id"));

    assertThatThrownBy(out::collect).hasStackTraceContaining(
        "chunk 0 of partition 0 (row 6) failed after 1 attempt: java.io.IOException: item 7 rejected");
  }

  @Test
  void aRowFailureOfAFailOnTypeFailsTheTaskEvenWithAnErrorColumn() {
    Dataset<Row> out = AsyncUdf.scalarToScalar(SEVENS_FAIL, DataTypes.StringType)
        .maxChunkSize(10)
        .errorColumn("error")
        .failOn(IOException.class)
        .withColumn(ids(30, 1).filter("id > 0"), "result", col("id"));

    assertThatThrownBy(out::collect).hasStackTraceContaining(
        "chunk 0 of partition 0 (row 6) failed after 1 attempt: java.io.IOException: item 7 rejected");
  }

  @Test
  void credentialsInAFailedRowsInputAreMaskedInItsInputJson() {
    Dataset<Row> people = LocalSpark.session().range(0, 3, 1, 1)
        .selectExpr("id", "concat('tok-', id) AS api_token", "map('Cookie', concat('c-', id), 'Accept', 'json') AS headers");
    AsyncChunkFunction<Row, String, Serializable> failing =
        (ctx, rows) -> CompletableFuture.failedFuture(new IOException("service down"));
    List<Row> rows = AsyncUdf.structToScalar(failing, DataTypes.StringType)
        .errorColumn("error")
        .withColumn(people, "result", struct(col("id"), col("api_token"), col("headers")))
        .select("error.input_json").collectAsList();

    assertThat(rows).hasSize(3).allSatisfy(row -> assertThat(row.getString(0))
        .contains("\"api_token\":\"****\"", "\"Cookie\":\"****\"", "\"Accept\":\"json\"")
        .doesNotContain("tok-", "c-"));
  }

  @Test
  void recordedRowFailuresAreCountedInThePartitionEvent() {
    CollectingListener listener = new CollectingListener();
    long rows = AsyncUdf.scalarToScalar(SEVENS_FAIL, DataTypes.StringType)
        .maxChunkSize(10)
        .errorColumn("error")
        .listener(listener)
        .withColumn(ids(100, 1), "result", col("id"))
        .collectAsList().size();

    assertThat(rows).isEqualTo(100);
    assertThat(listener.partitionEnds()).singleElement().satisfies(end -> {
      assertThat(end.failedRows()).isEqualTo(15);
      assertThat(end.failedChunks()).isZero();
    });
  }

  @Test
  void aPartitionALimitStopsReadingEndsWithoutAFailure() {
    CollectingListener listener = new CollectingListener();
    ColumnUdf<Long, Long, Serializable> udf = AsyncUdf.<Long, Long, Serializable>scalarToScalar(
            AsyncChunkFunction.perRow((ctx, id) -> CompletableFuture.completedFuture(id)), DataTypes.LongType)
        .maxChunkSize(10)
        .listener(listener);

    List<Row> rows = ids(100_000, 1).withColumn("s", udf.apply(col("id"))).limit(5).collectAsList();

    assertThat(rows).hasSize(5);
    assertThat(listener.partitionEnds()).singleElement().satisfies(end -> {
      assertThat(end.failure()).as("the task succeeded; the limit needed no more rows").isNull();
      assertThat(end.inputRows()).isLessThan(100_000);
    });
  }

  @Test
  void aRowFailureFromADataFrameFunctionIsAContractErrorNamingTheChunk() {
    StructType out = new StructType().add("id", DataTypes.LongType);
    AsyncChunkFunction<Row, Row, Serializable> rowFailures = (ctx, rows) -> {
      List<Row> outputs = new java.util.ArrayList<>();
      RowFailure.addTo(outputs, new IOException("no such row"));
      return CompletableFuture.completedFuture(outputs);
    };

    assertThatThrownBy(() -> AsyncUdf.dataFrame(rowFailures, out).errorColumn("error").maxChunkSize(10)
            .apply(ids(20, 1)).collect())
        .hasStackTraceContaining("output 0 of chunk 0 of partition 0 (rows 0-9) is a RowFailure, which only column helpers accept")
        .satisfies(failure -> assertThat(stackTrace(failure)).doesNotContain("ClassCastException"));
  }

  private static String stackTrace(Throwable failure) {
    java.io.StringWriter text = new java.io.StringWriter();
    failure.printStackTrace(new java.io.PrintWriter(text));
    return text.toString();
  }
}
