package io.asyncudf;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.Serializable;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class ColumnHelpersTest {

  private static final StructType NAME_LEN = new StructType()
      .add("upper", DataTypes.StringType)
      .add("length", DataTypes.IntegerType);

  private static final ScheduledExecutorService DELAYS = Executors.newScheduledThreadPool(2, r -> {
    Thread thread = new Thread(r, "test-delays");
    thread.setDaemon(true);
    return thread;
  });

  /** Completes after a random 0-15 ms on a non-task thread, so later chunks often finish first. */
  static <T> CompletableFuture<T> randomlyLate(T value) {
    CompletableFuture<T> result = new CompletableFuture<>();
    DELAYS.schedule(() -> result.complete(value), ThreadLocalRandom.current().nextInt(16), TimeUnit.MILLISECONDS);
    return result;
  }

  private static Dataset<Row> people(int rows, int partitions) {
    return LocalSpark.session().range(0, rows, 1, partitions)
        .selectExpr("id", "concat('name-', id) AS name", "CAST(id % 90 AS INT) AS age");
  }

  @Test
  void scalarToScalarKeepsInputOrderWhenLaterChunksFinishFirst() {
    Dataset<Row> out = AsyncUdf.<String, String, Serializable>scalarToScalar(
            AsyncChunkFunction.perRow((ctx, name) -> randomlyLate(name.toUpperCase())), DataTypes.StringType)
        .maxChunkSize(7)
        .maxConcurrentChunks(6)
        .withColumn(people(3000, 3), "upper", col("name"));

    assertThat(out.columns()).containsExactly("id", "name", "age", "upper");
    List<Row> rows = out.collectAsList();
    assertThat(rows).hasSize(3000);
    for (int i = 0; i < rows.size(); i++) {
      assertThat(rows.get(i).getLong(0)).isEqualTo(i);
      assertThat(rows.get(i).getString(3)).isEqualTo("NAME-" + i);
    }
  }

  @Test
  void scalarToStructReturnsOneRowPerInput() {
    Dataset<Row> out = AsyncUdf.<String, Serializable>scalarToStruct(
            (ctx, names) -> randomlyLate(names.stream().map(n -> RowFactory.create(n.toUpperCase(), n.length())).toList()),
            NAME_LEN)
        .maxChunkSize(50)
        .withColumn(people(500, 2), "info", col("name"));

    List<Row> rows = out.orderBy("id").select("id", "info.upper", "info.length").collectAsList();
    assertThat(rows).hasSize(500);
    assertThat(rows.get(123).getString(1)).isEqualTo("NAME-123");
    assertThat(rows.get(123).getInt(2)).isEqualTo("name-123".length());
  }

  @Test
  void structToScalarReadsFieldsByName() {
    Dataset<Row> out = AsyncUdf.<String, Serializable>structToScalar(
            AsyncChunkFunction.perRow((ctx, person) ->
                randomlyLate(person.<String>getAs("name") + "@" + person.<Integer>getAs("age"))),
            DataTypes.StringType)
        .withColumn(people(300, 2), "label", struct(col("name"), col("age")));

    List<Row> rows = out.collectAsList();
    assertThat(rows).hasSize(300);
    assertThat(rows.get(95).getString(3)).isEqualTo("name-95@5");
  }

  @Test
  void structToStructMapsRowsToRows() {
    Dataset<Row> out = AsyncUdf.<Serializable>structToStruct(
            AsyncChunkFunction.perRow((ctx, person) -> randomlyLate(
                RowFactory.create(person.<String>getAs("name").toUpperCase(), person.<Integer>getAs("age") * 2))),
            new StructType().add("upper", DataTypes.StringType).add("length", DataTypes.IntegerType))
        .maxChunkSize(13)
        .withColumn(people(400, 4), "info", struct(col("name"), col("age")));

    List<Row> rows = out.select("id", "info.upper", "info.length").collectAsList();
    assertThat(rows).hasSize(400);
    for (Row row : rows) {
      long id = row.getLong(0);
      assertThat(row.getString(1)).isEqualTo("NAME-" + id);
      assertThat(row.getInt(2)).isEqualTo((int) (id % 90) * 2);
    }
  }

  @Test
  void existingColumnOfTheSameNameIsReplacedInPlace() {
    Dataset<Row> out = AsyncUdf.<String, String, Serializable>scalarToScalar(
            AsyncChunkFunction.perRow((ctx, name) -> CompletableFuture.completedFuture(name + "!")), DataTypes.StringType)
        .withColumn(people(10, 1), "name", col("name"));

    assertThat(out.columns()).containsExactly("id", "name", "age");
    assertThat(out.collectAsList().get(3).getString(1)).isEqualTo("name-3!");
  }

  @Test
  void nullInputsArePassedToTheFunction() {
    Dataset<Row> df = people(20, 1).withColumn("name", when(col("id").mod(2).equalTo(0), col("name")));
    Dataset<Row> out = AsyncUdf.<String, String, Serializable>scalarToScalar(
            AsyncChunkFunction.perRow((ctx, name) -> CompletableFuture.completedFuture(name == null ? "<null>" : name)),
            DataTypes.StringType)
        .withColumn(df, "seen", col("name"));

    List<Row> rows = out.collectAsList();
    assertThat(rows).hasSize(20);
    assertThat(rows.get(1).getString(3)).isEqualTo("<null>");
    assertThat(rows.get(2).getString(3)).isEqualTo("name-2");
  }

  @Test
  void nullInputsReachTheFunctionInEveryVariantAndNoRowIsSkipped() {
    Dataset<Row> df = people(20, 2)
        .withColumn("name", when(col("id").mod(2).equalTo(0), col("name")))
        .withColumn("person", when(col("id").mod(3).notEqual(0), struct(col("name"), col("age"))));

    Dataset<Row> scalarToStruct = AsyncUdf.<String, Serializable>scalarToStruct(
            AsyncChunkFunction.perRow((ctx, name) -> CompletableFuture.completedFuture(
                name == null ? RowFactory.create("<null>", -1) : RowFactory.create(name, name.length()))),
            NAME_LEN)
        .maxChunkSize(3)
        .withColumn(df, "info", col("name"));
    Dataset<Row> structToScalar = AsyncUdf.<String, Serializable>structToScalar(
            AsyncChunkFunction.perRow((ctx, person) -> CompletableFuture.completedFuture(
                person == null ? "<null struct>" : person.<String>getAs("name") == null ? "<null name>" : "ok")),
            DataTypes.StringType)
        .maxChunkSize(3)
        .withColumn(df, "seen", col("person"));
    Dataset<Row> structToStruct = AsyncUdf.<Serializable>structToStruct(
            AsyncChunkFunction.perRow((ctx, person) -> CompletableFuture.completedFuture(
                person == null ? null : RowFactory.create(person.<String>getAs("name"), person.<Integer>getAs("age")))),
            NAME_LEN)
        .maxChunkSize(3)
        .withColumn(df, "copy", col("person"));

    List<Row> info = scalarToStruct.select("id", "info.upper", "info.length").collectAsList();
    List<Row> seen = structToScalar.select("id", "seen").collectAsList();
    List<Row> copies = structToStruct.select("id", "copy", "copy.upper").collectAsList();
    assertThat(info).hasSize(20);
    assertThat(seen).hasSize(20);
    assertThat(copies).hasSize(20);
    for (int id = 0; id < 20; id++) {
      boolean nullName = id % 2 != 0;
      boolean nullStruct = id % 3 == 0;
      assertThat(info.get(id).getString(1)).isEqualTo(nullName ? "<null>" : "name-" + id);
      assertThat(seen.get(id).getString(1)).isEqualTo(nullStruct ? "<null struct>" : nullName ? "<null name>" : "ok");
      assertThat(copies.get(id).isNullAt(1)).isEqualTo(nullStruct);
      assertThat(copies.get(id).getString(2)).isEqualTo(nullStruct || nullName ? null : "name-" + id);
    }
  }

  @Test
  void parametersReachEveryChunk() {
    record Prefix(String value) implements Serializable {}
    Dataset<Row> out = AsyncUdf.<Long, String, Prefix>scalarToScalar(
            AsyncChunkFunction.perRow((ctx, id) -> CompletableFuture.completedFuture(ctx.parameters().value() + id)),
            DataTypes.StringType)
        .parameters(new Prefix("p-"))
        .maxChunkSize(3)
        .withColumn(people(30, 3), "p", col("id"));

    assertThat(out.collectAsList()).allSatisfy(row -> assertThat(row.getString(3)).isEqualTo("p-" + row.getLong(0)));
  }

  @Test
  void outputCountMismatchFailsNamingChunkAndBothCounts() {
    ColumnUdf<Long, Long, Serializable> dropsOne = AsyncUdf.scalarToScalar(
        (ctx, ids) -> CompletableFuture.completedFuture(ids.subList(0, ids.size() - 1)), DataTypes.LongType);

    assertThatThrownBy(() -> dropsOne.maxChunkSize(10).withColumn(people(25, 1), "x", col("id")).collect())
        .hasStackTraceContaining("returned 9 outputs for 10 inputs in chunk 0 of partition 0 (rows 0-9)");
  }

  @Test
  void wrongJavaTypeFailsNamingColumnTypesAndChunk() {
    ColumnUdf<Long, Object, Serializable> wrongType = AsyncUdf.scalarToScalar(
        AsyncChunkFunction.perRow((ctx, id) -> CompletableFuture.completedFuture("not a number")), DataTypes.IntegerType);

    assertThatThrownBy(() -> wrongType.withColumn(people(5, 1), "n", col("id")).collect())
        .hasStackTraceContaining("output for column 'n' in chunk 0 of partition 0 (row 0) does not fit its declared type int: got java.lang.String");
  }

  @Test
  void invalidConfigurationFailsAtBuildTimeNamingTheOption() {
    ColumnUdf<Long, Long, Serializable> udf = AsyncUdf.scalarToScalar(
        (ctx, ids) -> CompletableFuture.completedFuture(ids), DataTypes.LongType);

    assertThatThrownBy(() -> udf.maxChunkSize(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxChunkSize");
    assertThatThrownBy(() -> udf.maxConcurrentChunks(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxConcurrentChunks");
    assertThatThrownBy(() -> udf.timeout(java.time.Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout");
    assertThatThrownBy(() -> udf.errorColumn(" ")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("errorColumn");
    assertThatThrownBy(() -> udf.withColumn(people(5, 1), "x", col("no_such_column")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no_such_column");
    assertThatThrownBy(() -> udf.withColumn(people(5, 1), " ", col("id")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outputColumn");
  }

  @Test
  void structAndScalarHelpersRejectTheOtherShape() {
    assertThatThrownBy(() -> AsyncUdf.<Long, Serializable>structToScalar(
            (ctx, rows) -> CompletableFuture.completedFuture(List.of()), DataTypes.LongType)
        .withColumn(people(5, 1), "x", col("id")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a struct");
    assertThatThrownBy(() -> AsyncUdf.<Row, Long, Serializable>scalarToScalar(
            (ctx, rows) -> CompletableFuture.completedFuture(List.of()), DataTypes.LongType)
        .withColumn(people(5, 1), "x", struct(col("id"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("structToScalar");
  }

  static final class NotSerializableClient {
    String call(Object value) {
      return String.valueOf(value);
    }
  }

  @Test
  void nonSerializableFunctionOrParametersFailOnTheDriverNamingTheClass() {
    NotSerializableClient client = new NotSerializableClient();
    ColumnUdf<Long, String, Serializable> capturesClient = AsyncUdf.scalarToScalar(
        AsyncChunkFunction.perRow((ctx, id) -> CompletableFuture.completedFuture(client.call(id))), DataTypes.StringType);

    assertThatThrownBy(() -> capturesClient.withColumn(people(5, 1), "x", col("id")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("chunk function")
        .hasMessageContaining(NotSerializableClient.class.getName());

    record Holder(Object client) implements Serializable {}
    assertThatThrownBy(() -> AsyncUdf.<Long, Long, Holder>scalarToScalar(
            (ctx, ids) -> CompletableFuture.completedFuture(ids), DataTypes.LongType)
        .parameters(new Holder(client))
        .withColumn(people(5, 1), "x", col("id")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("parameters")
        .hasMessageContaining(NotSerializableClient.class.getName());
  }

  @Test
  void literalInputColumnsWork() {
    Dataset<Row> out = AsyncUdf.<Integer, Integer, Serializable>scalarToScalar(
            AsyncChunkFunction.perRow((ctx, v) -> CompletableFuture.completedFuture(v + 1)), DataTypes.IntegerType)
        .withColumn(people(4, 1), "eleven", lit(10));
    assertThat(out.collectAsList()).allSatisfy(r -> assertThat(r.getInt(3)).isEqualTo(11));
  }
}
