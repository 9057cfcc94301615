package io.asyncudf;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/**
 * A job of about ten seconds with {@code progress(true)}, for {@link ProgressLineTerminalTest} to run
 * in a terminal: 4 partitions of 1,000 rows, chunks of 10 taking 60 ms each; chunk 7 of every 50 fails
 * for good and chunk 3 of every 40 fails once. Writes what it counted itself to the file it is given.
 */
public final class ProgressDemo {

  static final long ROWS = 4_000;
  static final AtomicLong RETRIES = new AtomicLong();

  private ProgressDemo() {}

  public static void main(String[] args) throws IOException {
    SparkSession spark = SparkSession.builder().master("local[2]").appName("progress demo")
        .config("spark.ui.enabled", "false").getOrCreate();
    spark.sparkContext().setLogLevel("ERROR");
    AsyncChunkFunction<Long, Long, Serializable> slow = (ctx, ids) -> {
      if (ctx.chunkIndex() % 50 == 7 || (ctx.chunkIndex() % 40 == 3 && ctx.attempt() == 1)) {
        return CompletableFuture.failedFuture(new IOException("chunk " + ctx.chunkIndex() + " failed"));
      }
      return CompletableFuture.supplyAsync(() -> ids, CompletableFuture.delayedExecutor(60, TimeUnit.MILLISECONDS));
    };
    Dataset<Row> out = AsyncUdf.scalarToScalar(slow, DataTypes.LongType)
        .named("progress_demo")
        .maxChunkSize(10)
        .maxConcurrentChunks(2)
        .retry(RetryPolicy.attempts(2).retryOn(IOException.class))
        .errorColumn("error")
        .listener(new AsyncUdfListener() {
          @Override
          public void onChunkRetry(ChunkEvent event) {
            RETRIES.incrementAndGet();
          }
        })
        .progress(true)
        .withColumn(spark.range(0, ROWS, 1, 4).toDF("id"), "same", col("id"));
    long failed = out.filter(col("error").isNotNull()).count();
    Files.writeString(Path.of(args[0]), "rows=" + ROWS + " failed=" + failed + " retries=" + RETRIES.get() + "\n");
    spark.stop();
  }
}
