package io.asyncudf.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncudf.AsyncUdf;
import io.asyncudf.ChunkContext;
import io.asyncudf.DataFrameUdf;
import io.asyncudf.LocalSpark;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The DataFrame helper as a SQL table function over a {@code TABLE(...)} argument, calls counted at a real service. */
class TableFunctionTest {

  private static CountingService service;
  private final SparkSession spark = LocalSpark.session();

  @BeforeAll
  static void start() throws Exception {
    service = new CountingService();
    CountingService.Client client = new CountingService.Client(service.url());
    DataFrameUdf<Serializable> scoreRows = client.scoredRows().maxChunkSize(16);
    scoreRows.register(LocalSpark.session(), "score_rows");
    AsyncUdf.dataFrame(TableFunctionTest::whereEachRowWent, WHERE).maxChunkSize(7)
        .register(LocalSpark.session(), "where_rows");
  }

  private static final StructType WHERE = new StructType().add("id", DataTypes.LongType).add("k", DataTypes.LongType)
      .add("task", DataTypes.IntegerType).add("position", DataTypes.LongType);

  /** Each input row {@code (id, k)} with the partition and the position in it where the helper saw it. */
  private static CompletionStage<List<Row>> whereEachRowWent(ChunkContext<Serializable> chunk, List<Row> rows) {
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      out.add(RowFactory.create(rows.get(i).getLong(0), rows.get(i).getLong(1), chunk.partitionIndex(),
          chunk.firstRowIndex() + i));
    }
    return CompletableFuture.completedFuture(out);
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  @BeforeEach
  void reset() {
    service.reset();
  }

  @Test
  void aTableArgumentGoesThroughTheHelperOnceUnderAGlobalSort() {
    spark.range(0, 1000, 1, 4).selectExpr("id", "concat('p', id) AS name").createOrReplaceTempView("patients_tf");
    List<Row> rows = spark.sql("SELECT * FROM score_rows(TABLE(patients_tf)) ORDER BY score DESC").collectAsList();

    assertThat(rows).hasSize(1000);
    for (int i = 0; i < rows.size(); i++) {
      assertThat(rows.get(i).getLong(0)).isEqualTo(999 - i);
      assertThat(rows.get(i).getLong(1)).isEqualTo(2L * (999 - i));
    }
    assertThat(service.requests()).isEqualTo(1000);
    assertThat(service.distinctIds()).isEqualTo(1000);
    assertThat(spark.sql("SELECT * FROM score_rows(TABLE(patients_tf))").queryExecution()
        .explainString(org.apache.spark.sql.execution.FormattedMode$.MODULE$)).contains("Call: score_rows(rows)");
  }

  @Test
  void aSubqueryArgumentAndAnAggregateOverTheResult() {
    Row total = spark.sql("SELECT count(*), sum(score) FROM score_rows(TABLE(SELECT id FROM range(0, 100) WHERE id % 2 = 0))")
        .first();
    assertThat(total.getLong(0)).isEqualTo(50);
    assertThat(total.getLong(1)).isEqualTo(2L * (0 + 98) * 50 / 2);
    assertThat(service.requests()).isEqualTo(50);
  }

  @Test
  void partitionByAndOrderByArrangeTheRowsTheHelperSees() {
    String table = "TABLE(SELECT id, id % 5 AS k FROM range(0, 300, 1, 4))";
    Map<Integer, List<Row>> byTask = spark.sql("SELECT * FROM where_rows(" + table + " PARTITION BY k ORDER BY id DESC)")
        .collectAsList().stream().collect(Collectors.groupingBy(row -> row.getInt(2)));
    assertThat(byTask.values().stream().mapToInt(List::size).sum()).isEqualTo(300);
    Map<Long, Set<Integer>> tasksOfKey = new HashMap<>();
    byTask.forEach((task, rows) -> {
      rows.sort(Comparator.comparingLong(row -> row.getLong(3)));
      for (int i = 1; i < rows.size(); i++) {
        Row before = rows.get(i - 1);
        Row row = rows.get(i);
        assertThat(row.getLong(1)).as("one key's rows together, keys ascending").isGreaterThanOrEqualTo(before.getLong(1));
        if (row.getLong(1) == before.getLong(1)) {
          assertThat(row.getLong(0)).as("ORDER BY id DESC within key " + row.getLong(1)).isLessThan(before.getLong(0));
        }
      }
      rows.forEach(row -> tasksOfKey.computeIfAbsent(row.getLong(1), key -> new HashSet<>()).add(task));
    });
    assertThat(tasksOfKey).hasSize(5).allSatisfy((key, tasks) -> assertThat(tasks).as("tasks of key " + key).hasSize(1));

    List<Row> single = spark.sql("SELECT * FROM where_rows(" + table + " WITH SINGLE PARTITION ORDER BY id)")
        .collectAsList();
    assertThat(single).hasSize(300).allSatisfy(row -> {
      assertThat(row.getInt(2)).isEqualTo(single.get(0).getInt(2));
      assertThat(row.getLong(3)).as("position of id " + row.getLong(0)).isEqualTo(row.getLong(0));
    });
  }

  @Test
  void anArgumentThatIsNotATableFailsNamingTheForm() {
    assertThatThrownBy(() -> spark.sql("SELECT * FROM score_rows(42)").collect())
        .hasStackTraceContaining("score_rows takes one table argument, as in SELECT * FROM score_rows(TABLE(t))");
    assertThat(service.requests()).isZero();
  }
}
