package io.asyncudf;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.struct;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.Serializable;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class SparkTypesTest {

  private static final StructType ADDRESS = new StructType()
      .add("street", DataTypes.StringType)
      .add("zip", DataTypes.IntegerType);

  private static final StructType SCHEMA = new StructType()
      .add("id", DataTypes.LongType)
      .add("flag", DataTypes.BooleanType)
      .add("tiny", DataTypes.ByteType)
      .add("small", DataTypes.ShortType)
      .add("real", DataTypes.FloatType)
      .add("dbl", DataTypes.DoubleType)
      .add("price", DataTypes.createDecimalType(38, 10))
      .add("small_price", DataTypes.createDecimalType(9, 2))
      .add("name", DataTypes.StringType)
      .add("payload", DataTypes.BinaryType)
      .add("born", DataTypes.DateType)
      .add("seen", DataTypes.TimestampType)
      .add("seen_local", DataTypes.TimestampNTZType)
      .add("tags", DataTypes.createArrayType(DataTypes.StringType))
      .add("scores", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType))
      .add("address", ADDRESS)
      .add("history", DataTypes.createArrayType(ADDRESS))
      .add("nested", DataTypes.createMapType(DataTypes.StringType, DataTypes.createArrayType(DataTypes.LongType)));

  private static Dataset<Row> everyType() {
    Row full = RowFactory.create(1L, true, (byte) 7, (short) 300, 1.5f, 2.25,
        new BigDecimal("12345678901234567890.0123456789"), new BigDecimal("1234567.89"), "名前 ✓",
        new byte[] {0, 1, 2, (byte) 255}, Date.valueOf("1999-12-31"), Timestamp.valueOf("2024-02-29 23:59:59.123456"),
        java.time.LocalDateTime.parse("2024-01-01T10:00:00.000001"),
        List.of("a", "b"), Map.of("x", 1.0), RowFactory.create("Main St 1", 12345),
        List.of(RowFactory.create("Old St 2", 1), RowFactory.create(null, null)),
        Map.of("k", List.of(1L, 2L)));
    Object[] nulls = new Object[SCHEMA.size()];
    nulls[0] = 2L;
    Row empty = RowFactory.create(3L, false, (byte) 0, (short) 0, 0f, 0d, BigDecimal.ZERO.setScale(10),
        BigDecimal.ZERO.setScale(2), "", new byte[0], Date.valueOf("1970-01-01"), Timestamp.valueOf("1970-01-01 00:00:00"),
        java.time.LocalDateTime.parse("1970-01-01T00:00:00"), List.of(), Map.of(), RowFactory.create(null, null),
        List.of(), Map.of());
    return LocalSpark.session().createDataFrame(List.of(full, RowFactory.create(nulls), empty), SCHEMA);
  }

  private static List<String> rendered(Dataset<Row> df) {
    return df.orderBy("id").collectAsList().stream().map(SparkTypesTest::render).toList();
  }

  private static String render(Row row) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < row.length(); i++) {
      Object value = row.get(i);
      out.append(value instanceof byte[] bytes ? Arrays.toString(bytes) : String.valueOf(value)).append('|');
    }
    return out.toString();
  }

  @Test
  void everyTypePassesThroughTheDataFrameHelperUnchanged() {
    Dataset<Row> df = everyType();
    Dataset<Row> out = AsyncUdf.<Serializable>dataFrame(
            (ctx, rows) -> CompletableFuture.completedFuture(rows), SCHEMA)
        .maxChunkSize(2)
        .apply(df);

    assertThat(out.schema()).isEqualTo(SCHEMA);
    assertThat(rendered(out)).isEqualTo(rendered(df));
  }

  @Test
  void everyTypePassesThroughAStructColumnAndTheOtherColumnsAreUntouched() {
    Dataset<Row> df = everyType();
    Dataset<Row> out = AsyncUdf.<Serializable>structToStruct(
            (ctx, rows) -> CompletableFuture.completedFuture(rows), SCHEMA)
        .withColumn(df, "copy", struct(Arrays.stream(SCHEMA.fieldNames()).map(n -> col(n)).toArray(org.apache.spark.sql.Column[]::new)));

    assertThat(rendered(out.drop("copy"))).isEqualTo(rendered(df));
    assertThat(rendered(out.select("copy.*"))).isEqualTo(rendered(df));
  }

  @Test
  void topLevelArraysAndMapsArriveAsJavaCollections() {
    Dataset<Row> df = everyType();
    Dataset<Row> out = AsyncUdf.<Object, String, Serializable>scalarToScalar(
            AsyncChunkFunction.perRow((ctx, tags) -> CompletableFuture.completedFuture(
                tags == null ? null : (tags instanceof List<?> list ? "list" + list.size() : tags.getClass().getName()))),
            DataTypes.StringType)
        .withColumn(df, "kind", col("tags"));
    assertThat(out.orderBy("id").select("kind").as(org.apache.spark.sql.Encoders.STRING()).collectAsList())
        .containsExactly("list2", null, "list0");

    Dataset<Row> maps = AsyncUdf.<Map<String, Double>, List<String>, Serializable>scalarToScalar(
            AsyncChunkFunction.perRow((ctx, scores) -> CompletableFuture.completedFuture(
                scores == null ? null : List.copyOf(scores.keySet()))),
            DataTypes.createArrayType(DataTypes.StringType))
        .withColumn(df, "keys", col("scores"));
    assertThat(maps.orderBy("id").collectAsList().get(0).getList(SCHEMA.size())).containsExactly("x");
  }

  @Test
  void decimalsTimestampsAndBinaryComeBackAsOutputs() {
    Dataset<Row> df = everyType().filter("id = 1");
    Row row = AsyncUdf.<Serializable>structToStruct(
            AsyncChunkFunction.perRow((ctx, in) -> CompletableFuture.completedFuture(
                RowFactory.create(in.getDecimal(0).add(BigDecimal.ONE), in.getTimestamp(1), in.<byte[]>getAs(2)))),
            new StructType().add("p", DataTypes.createDecimalType(38, 10)).add("t", DataTypes.TimestampType)
                .add("b", DataTypes.BinaryType))
        .withColumn(df, "o", struct(col("price"), col("seen"), col("payload")))
        .select("o.*").first();

    assertThat(row.getDecimal(0)).isEqualByComparingTo("12345678901234567891.0123456789");
    assertThat(row.getTimestamp(1)).isEqualTo(Timestamp.valueOf("2024-02-29 23:59:59.123456"));
    assertThat(row.<byte[]>getAs(2)).containsExactly(0, 1, 2, 255);
  }
}
