package io.asyncudf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class DataFrameHelperTest {

  private static final StructType OUT = new StructType()
      .add("id", DataTypes.LongType)
      .add("copy", DataTypes.IntegerType)
      .add("chunk", DataTypes.IntegerType);

  /** Emits {@code copies} rows per input row; chunk 0 of each partition is the slowest. */
  private static AsyncChunkFunction<Row, Row, Serializable> fanOut(int copies) {
    return (ctx, rows) -> {
      List<Row> out = new ArrayList<>();
      for (Row row : rows) {
        for (int c = 0; c < copies; c++) {
          out.add(RowFactory.create(row.getLong(0), c, ctx.chunkIndex()));
        }
      }
      long delay = ctx.chunkIndex() == 0 ? 200 : 1;
      return CompletableFuture.supplyAsync(() -> out, CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS));
    };
  }

  @Test
  void emitsAnyNumberOfRowsPerChunkInInputOrder() {
    Dataset<Row> df = LocalSpark.session().range(0, 1000, 1, 2).toDF("id");
    List<Row> rows = AsyncUdf.dataFrame(fanOut(3), OUT).maxChunkSize(10).apply(df).collectAsList();

    assertThat(rows).hasSize(3000);
    for (int i = 0; i < rows.size(); i++) {
      assertThat(rows.get(i).getLong(0)).isEqualTo(i / 3);
      assertThat(rows.get(i).getInt(1)).isEqualTo(i % 3);
    }
  }

  @Test
  void chunksMayProduceNoRows() {
    Dataset<Row> df = LocalSpark.session().range(0, 100, 1, 1).toDF("id");
    AsyncChunkFunction<Row, Row, Serializable> evenChunksOnly = (ctx, rows) -> CompletableFuture.completedFuture(
        ctx.chunkIndex() % 2 == 0 ? rows.stream().map(r -> RowFactory.create(r.getLong(0), 0, ctx.chunkIndex())).toList() : List.of());
    List<Row> rows = AsyncUdf.dataFrame(evenChunksOnly, OUT).maxChunkSize(10).apply(df).collectAsList();
    assertThat(rows).hasSize(50);
    assertThat(rows).allSatisfy(r -> assertThat(r.getInt(2) % 2).isZero());
  }

  @Test
  void unorderedEmitsAsChunksCompleteWithoutLosingOrDuplicatingRows() {
    Dataset<Row> df = LocalSpark.session().range(0, 1000, 1, 1).toDF("id");
    List<Row> rows = AsyncUdf.dataFrame(fanOut(2), OUT).maxChunkSize(100).maxConcurrentChunks(4).ordered(false)
        .apply(df).collectAsList();

    assertThat(rows).hasSize(2000);
    assertThat(rows.stream().map(r -> r.getLong(0) + "/" + r.getInt(1)).distinct().count()).isEqualTo(2000);
    assertThat(rows.get(0).getInt(2)).as("the slow first chunk is not emitted first").isNotZero();
  }

  @Test
  void outputRowsOfTheWrongWidthFailNamingTheSchema() {
    Dataset<Row> df = LocalSpark.session().range(0, 10, 1, 1).toDF("id");
    AsyncChunkFunction<Row, Row, Serializable> tooNarrow =
        (ctx, rows) -> CompletableFuture.completedFuture(List.of(RowFactory.create(1L)));
    assertThatThrownBy(() -> AsyncUdf.dataFrame(tooNarrow, OUT).apply(df).collect())
        .hasStackTraceContaining("output row 0 of chunk 0 of partition 0 (rows 0-9) has 1 fields but the output schema has 3");
  }

  @Test
  void errorColumnMayNotClashWithAnOutputColumn() {
    assertThatThrownBy(() -> AsyncUdf.dataFrame(fanOut(1), OUT).errorColumn("id")
            .apply(LocalSpark.session().range(1).toDF("id")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("errorColumn 'id'");
  }
}
