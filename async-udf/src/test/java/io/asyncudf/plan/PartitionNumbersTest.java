package io.asyncudf.plan;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.asyncudf.AsyncChunkFunction;
import io.asyncudf.AsyncUdf;
import io.asyncudf.ColumnUdf;
import io.asyncudf.LocalSpark;
import java.io.Serializable;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;

/** The partition a chunk names is the operator's input partition, also where one task computes several. */
class PartitionNumbersTest {

  private final SparkSession spark = LocalSpark.session();

  @Test
  void afterACoalesceEachInputPartitionKeepsItsNumber() {
    ColumnUdf<Long, Long, Serializable> refusesTens = AsyncUdf.<Long, Long, Serializable>scalarToScalar(
            AsyncChunkFunction.perRow((ctx, id) -> id % 10 == 0
                ? CompletableFuture.failedFuture(new IllegalStateException("id " + id + " refused"))
                : CompletableFuture.completedFuture(2 * id)),
            DataTypes.LongType)
        .maxChunkSize(5).errorColumn("error");

    List<Row> failed = spark.range(0, 40, 1, 4).withColumn("s", refusesTens.apply(col("id"))).coalesce(1)
        .filter("s.error IS NOT NULL").collectAsList();

    assertThat(failed).as("the chunks of 5 rows holding ids 0, 10, 20 and 30").hasSize(20)
        .allSatisfy(row -> {
          long id = row.getLong(0);
          Row error = row.getStruct(1).getStruct(1);
          assertThat(error.getInt(3)).as("partition_index of id %d: one task computes the 4 partitions", id)
              .isEqualTo((int) (id / 10));
          assertThat(error.getLong(5)).as("row_index of id %d", id).isEqualTo(id % 10);
        });
  }
}
