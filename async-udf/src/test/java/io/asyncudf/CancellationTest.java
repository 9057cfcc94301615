package io.asyncudf;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.Serializable;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;

class CancellationTest {

  /** Futures started by the function; local mode shares this static list with the task threads. */
  private static final List<CompletableFuture<List<Long>>> STARTED = new CopyOnWriteArrayList<>();

  @Test
  void cancellingTheJobCancelsOutstandingChunksAndStartsNoMore() throws Exception {
    Dataset<Row> out = AsyncUdf.<Long, Long, Serializable>scalarToScalar((ctx, ids) -> {
          CompletableFuture<List<Long>> never = new CompletableFuture<>();
          STARTED.add(never);
          return never;
        }, DataTypes.LongType)
        .maxChunkSize(10)
        .maxConcurrentChunks(4)
        .withColumn(LocalSpark.session().range(0, 10_000, 1, 2).toDF("id"), "x", col("id"));

    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread job = new Thread(() -> {
      LocalSpark.session().sparkContext().setJobGroup("cancel-me", "cancellation test", true);
      try {
        out.collectAsList();
      } catch (Throwable t) {
        failure.set(t);
      }
    });
    job.start();
    long deadline = System.currentTimeMillis() + 60_000;
    while (STARTED.size() < 8 && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertThat(STARTED).as("2 tasks x 4 chunks in flight").hasSize(8);

    LocalSpark.session().sparkContext().cancelJobGroup("cancel-me");
    job.join(30_000);

    assertThat(failure.get()).isNotNull().hasMessageContaining("cancel");
    long until = System.currentTimeMillis() + 10_000;
    while (!STARTED.stream().allMatch(CompletableFuture::isCancelled) && System.currentTimeMillis() < until) {
      Thread.sleep(20);
    }
    assertThat(STARTED).hasSize(8).allMatch(CompletableFuture::isCancelled);
  }
}
