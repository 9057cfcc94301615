package io.asyncudf;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.Serializable;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;

class SmokeTest {

  @Test
  void scalarToScalar() {
    Dataset<Row> df = LocalSpark.session().range(0, 1000, 1, 3).toDF("id");
    Dataset<Row> out = AsyncUdf.<Long, String, Serializable>scalarToScalar(
            AsyncChunkFunction.perRow((ctx, id) -> CompletableFuture.completedFuture("v" + id)), DataTypes.StringType)
        .maxChunkSize(7)
        .withColumn(df, "out", col("id"));
    List<Row> rows = out.collectAsList();
    assertThat(rows).hasSize(1000);
    for (int i = 0; i < rows.size(); i++) {
      assertThat(rows.get(i).getLong(0)).isEqualTo(i);
      assertThat(rows.get(i).getString(1)).isEqualTo("v" + i);
    }
  }
}
