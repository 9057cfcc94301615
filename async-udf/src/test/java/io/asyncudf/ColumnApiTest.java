package io.asyncudf;

import static io.asyncudf.ColumnHelpersTest.randomlyLate;
import static org.apache.spark.sql.functions.call_function;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.length;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Async UDFs as Columns and SQL functions: planned as AsyncEval operators over the same engine. */
class ColumnApiTest {

  private static final ColumnUdf<String, String, Serializable> UPPER = AsyncUdf.scalarToScalar(
          Encoders.STRING(), Encoders.STRING(), AsyncChunkFunction.perRow((ctx, name) -> randomlyLate(name.toUpperCase())))
      .maxChunkSize(7)
      .maxConcurrentChunks(6);

  private static final ColumnUdf<Long, Long, Serializable> SQUARE = AsyncUdf.scalarToScalar(
          Encoders.LONG(), Encoders.LONG(), AsyncChunkFunction.perRow((ctx, n) -> randomlyLate(n * n)))
      .maxChunkSize(5);

  private static Dataset<Row> people(int rows, int partitions) {
    return LocalSpark.session().range(0, rows, 1, partitions).selectExpr("id", "concat('name-', id) AS name");
  }

  @Test
  void severalAsyncColumnsInOneSelectKeepOrderAndOneOutputPerInput() {
    Dataset<Row> out = people(2000, 3).select(col("id"), UPPER.apply(col("name")).as("upper"),
        SQUARE.apply(col("id")).as("square"), length(UPPER.apply(col("name"))).as("len"));

    assertThat(out.columns()).containsExactly("id", "upper", "square", "len");
    List<Row> rows = out.collectAsList();
    assertThat(rows).hasSize(2000);
    for (int i = 0; i < rows.size(); i++) {
      Row row = rows.get(i);
      assertThat(row.getLong(0)).isEqualTo(i);
      assertThat(row.getString(1)).isEqualTo("NAME-" + i);
      assertThat(row.getLong(2)).isEqualTo((long) i * i);
      assertThat(row.getInt(3)).isEqualTo(("name-" + i).length());
    }
    assertThat(out.queryExecution().executedPlan().toString()).contains("AsyncEval");
  }

  @Test
  void anAsyncCallInAFilterRunsBeforeTheCondition() {
    Dataset<Row> out = people(500, 2)
        .withColumn("upper", UPPER.apply(col("name")))
        .filter(SQUARE.apply(col("id")).mod(3).equalTo(0));

    assertThat(out.columns()).containsExactly("id", "name", "upper");
    List<Row> rows = out.collectAsList();
    assertThat(rows).extracting(row -> row.getLong(0))
        .containsExactlyElementsOf(java.util.stream.LongStream.range(0, 500).filter(n -> n * n % 3 == 0).boxed().toList());
    assertThat(rows).allSatisfy(row -> assertThat(row.getString(2)).isEqualTo("NAME-" + row.getLong(0)));
  }

  @Test
  void anAsyncCallCanTakeAnotherOnesOutput() {
    List<Row> rows = people(300, 2).select(UPPER.apply(UPPER.named("inner").apply(col("name")))).collectAsList();

    assertThat(rows).hasSize(300);
    assertThat(rows.get(299).getString(0)).isEqualTo("NAME-299");
  }

  @Test
  void aStructInputTakesSeveralColumnsAsOneRow() {
    ColumnUdf<Row, String, Serializable> describe = AsyncUdf.structToScalar(Encoders.STRING(),
        AsyncChunkFunction.perRow((ctx, row) -> CompletableFuture.completedFuture(
            row.getAs("name") + "#" + row.<Long>getAs("id"))));

    List<Row> rows = people(10, 1).select(describe.apply(col("id"), col("name"))).collectAsList();

    assertThat(rows).extracting(row -> row.getString(0)).containsExactly(
        java.util.stream.IntStream.range(0, 10).mapToObj(i -> "name-" + i + "#" + i).toArray(String[]::new));
  }

  @Test
  void withAnErrorColumnTheValueIsAStructOfOutputAndError() {
    ColumnUdf<Long, Long, Serializable> failOdd = AsyncUdf.scalarToScalar(Encoders.LONG(), Encoders.LONG(),
            AsyncChunkFunction.<Long, Long, Serializable>perRow((ctx, n) -> n % 2 == 0
                ? CompletableFuture.completedFuture(n)
                : CompletableFuture.failedFuture(new IllegalStateException("odd " + n))))
        .maxChunkSize(1)
        .errorColumn("error");

    Dataset<Row> out = people(6, 2).select(col("id"), failOdd.apply(col("id")).as("r"));

    assertThat(failOdd.resultType().simpleString()).startsWith("struct<value:bigint,error:struct<message:string");
    List<Row> rows = out.select("id", "r.value", "r.error.message", "r.error.input_json").collectAsList();
    assertThat(rows).hasSize(6);
    for (Row row : rows) {
      long id = row.getLong(0);
      if (id % 2 == 0) {
        assertThat(row.getLong(1)).isEqualTo(id);
        assertThat(row.isNullAt(2)).isTrue();
      } else {
        assertThat(row.isNullAt(1)).isTrue();
        assertThat(row.getString(2)).isEqualTo("odd " + id);
        assertThat(row.getString(3)).isEqualTo("{\"id\":" + id + "}");
      }
    }
  }

  @Test
  void aStructOutputGetsTheErrorAsItsLastField() {
    StructType parts = new StructType().add("upper", DataTypes.StringType).add("length", DataTypes.IntegerType);
    ColumnUdf<String, Row, Serializable> split = AsyncUdf.scalarToStruct(Encoders.STRING(),
            AsyncChunkFunction.perRow((ctx, s) -> CompletableFuture.completedFuture(RowFactory.create(s.toUpperCase(), s.length()))),
            parts)
        .errorColumn("error");

    Row row = people(1, 1).select(split.apply(col("name")).as("r")).select("r.*").first();

    assertThat(row.schema().fieldNames()).containsExactly("upper", "length", "error");
    assertThat(row.getString(0)).isEqualTo("NAME-0");
    assertThat(row.getInt(1)).isEqualTo(6);
    assertThat(row.isNullAt(2)).isTrue();
  }

  @Test
  void registeredUdfsAreSqlFunctions() {
    UPPER.register(LocalSpark.session(), "async_upper");
    people(20, 2).createOrReplaceTempView("people");

    List<Row> sql = LocalSpark.session()
        .sql("SELECT id, async_upper(name) AS upper FROM people WHERE async_upper(name) LIKE 'NAME-1%'")
        .collectAsList();
    List<Row> called = people(20, 2).select(call_function("async_upper", col("name"))).collectAsList();

    assertThat(sql).extracting(row -> row.getString(1))
        .containsExactly("NAME-1", "NAME-10", "NAME-11", "NAME-12", "NAME-13", "NAME-14", "NAME-15", "NAME-16",
            "NAME-17", "NAME-18", "NAME-19");
    assertThat(called).hasSize(20);
    assertThat(called.get(7).getString(0)).isEqualTo("NAME-7");
  }

  @Test
  void aCallOnALambdaVariableFailsAtAnalysisInsteadOfCallingWithNull() {
    assertThatThrownBy(() -> people(3, 1).select(org.apache.spark.sql.functions.transform(
            org.apache.spark.sql.functions.array(col("name")), name -> UPPER.apply(name))).collectAsList())
        .isInstanceOf(AnalysisException.class)
        .hasMessageContaining("cannot take a lambda variable");
  }

  @Test
  void anInputOfAnotherTypeThanTheEncoderSaysFailsAtAnalysisNamingBoth() {
    assertThatThrownBy(() -> people(3, 1).select(UPPER.named("upper").apply(col("id"))))
        .isInstanceOf(AnalysisException.class)
        .hasMessageContaining("upper takes string (its input encoder's type), got id of type bigint");
  }

  @Test
  void metricsShowInTheSqlTabAndTheFormattedExplain() {
    Dataset<Row> out = people(100, 2).select(SQUARE.named("square").apply(col("id")));
    List<Row> rows = new ArrayList<>(out.collectAsList());

    assertThat(rows).hasSize(100);
    var store = ((org.apache.spark.sql.classic.SparkSession) LocalSpark.session()).sharedState().statusStore();
    long execution = store.executionsList().last().executionId();
    Map<String, String> shown = new HashMap<>();
    var values = store.executionMetrics(execution);
    for (var node : scala.jdk.javaapi.CollectionConverters.asJava(store.planGraph(execution).allNodes())) {
      if (node.name().equals("AsyncEval")) {
        for (var metric : scala.jdk.javaapi.CollectionConverters.asJava(node.metrics())) {
          shown.put(metric.name(), values.get(metric.accumulatorId()).getOrElse(() -> null));
        }
      }
    }
    assertThat(shown).containsEntry("number of input rows", "100").containsEntry("chunks", "20")
        .containsEntry("chunk attempts", "20").containsEntry("chunk retries", "0").containsEntry("failed rows", "0")
        .containsKeys("peak chunks in flight per task", "call time", "request retries");
    assertThat(Integer.parseInt(shown.get("peak chunks in flight per task"))).isBetween(1, 8);
    String explain = out.queryExecution().explainString(org.apache.spark.sql.execution.FormattedMode$.MODULE$);
    assertThat(explain).contains("AsyncEval", "Call: square(id)", "number of input rows: 100", "chunks: 20",
        "chunk attempts: 20", "failed rows: 0",
        "peak chunks in flight per task: " + shown.get("peak chunks in flight per task"));
  }
}
