package io.asyncudf.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncudf.DataFrameUdf;
import io.asyncudf.LocalSpark;
import java.io.Serializable;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
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
  void anArgumentThatIsNotATableFailsNamingTheForm() {
    assertThatThrownBy(() -> spark.sql("SELECT * FROM score_rows(42)").collect())
        .hasStackTraceContaining("score_rows takes one table argument, as in SELECT * FROM score_rows(TABLE(t))");
    assertThat(service.requests()).isZero();
  }
}
