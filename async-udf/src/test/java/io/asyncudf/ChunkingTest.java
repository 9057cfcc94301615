package io.asyncudf;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.Serializable;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;

class ChunkingTest {

  @Test
  void a23000RowPartitionIsCut230ChunksOf100WhateverItsUpstreamBatching() {
    // seven uneven upstream partitions coalesced into one: rows arrive in runs of odd sizes
    Dataset<Row> df = LocalSpark.session().range(0, 23_000, 1, 7).toDF("id").coalesce(1);
    CollectingListener listener = new CollectingListener();

    Dataset<Row> out = AsyncUdf.<Long, Long, Serializable>scalarToScalar(
            (ctx, ids) -> CompletableFuture.completedFuture(ids.stream().map(id -> ctx.firstRowIndex()).toList()),
            DataTypes.LongType)
        .maxChunkSize(100)
        .listener(listener)
        .withColumn(df, "first_row_of_chunk", col("id"));

    assertThat(out.collectAsList()).hasSize(23_000);
    List<ChunkEvent> chunks = listener.chunkEvents("success").stream()
        .sorted(Comparator.comparing(e -> e.partition().chunkIndex()))
        .toList();
    assertThat(chunks).hasSize(230);
    for (int i = 0; i < 230; i++) {
      assertThat(chunks.get(i).partition().chunkIndex()).isEqualTo(i);
      assertThat(chunks.get(i).partition().chunkSize()).isEqualTo(100);
      assertThat(chunks.get(i).partition().chunkFirstRow()).isEqualTo(i * 100L);
    }
  }

  @Test
  void onlyTheLastChunkOfAPartitionIsShort() {
    Dataset<Row> df = LocalSpark.session().range(0, 1_050, 1, 1).toDF("id");
    CollectingListener listener = new CollectingListener();

    Dataset<Row> out = AsyncUdf.<Long, Integer, Serializable>scalarToScalar(
            (ctx, ids) -> CompletableFuture.completedFuture(ids.stream().map(id -> ctx.size()).toList()),
            DataTypes.IntegerType)
        .maxChunkSize(100)
        .maxConcurrentChunks(3)
        .listener(listener)
        .withColumn(df, "chunk_size", col("id"));

    List<Row> rows = out.collectAsList();
    assertThat(rows.subList(0, 1000)).allSatisfy(r -> assertThat(r.getInt(1)).isEqualTo(100));
    assertThat(rows.subList(1000, 1050)).allSatisfy(r -> assertThat(r.getInt(1)).isEqualTo(50));
    assertThat(listener.partitionEnds()).singleElement().satisfies(end -> {
      assertThat(end.inputRows()).isEqualTo(1050);
      assertThat(end.chunks()).isEqualTo(11);
    });
  }
}
