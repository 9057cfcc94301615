package io.asyncudf.it;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;

import io.asyncudf.AsyncChunkFunction;
import io.asyncudf.AsyncUdf;
import java.io.IOException;
import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryType;
import java.util.concurrent.CompletableFuture;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/**
 * Pushes one partition of N rows through scalarToScalar and prints the checksum, seconds, peak
 * heap and the largest heap left after any garbage collection (the live set). Run in its own JVM
 * with a small -Xmx by {@link StreamingMemoryTest} and the bench command.
 *
 * <p>Arguments: rows [chunk size, default 100] [chunks in flight, default 256].
 */
public final class StreamingMemoryProbe {

  /** Completes every row on another thread (not the task thread), like a network client would. */
  static final java.util.concurrent.ExecutorService COMPLETIONS = java.util.concurrent.Executors.newFixedThreadPool(2, r -> {
    Thread thread = new Thread(r, "probe-completions");
    thread.setDaemon(true);
    return thread;
  });

  private StreamingMemoryProbe() {}

  /**
   * Runs the probe in a new JVM with the given heap limit ({@code -Xmx512m}) and returns its output;
   * fails if the JVM does not finish within 10 minutes or exits with a non-zero status.
   */
  public static String runInNewJvm(String xmx, long rows, int chunkSize, int chunksInFlight)
      throws IOException, InterruptedException {
    return ChildJvm.run(xmx, StreamingMemoryProbe.class, Long.toString(rows), Integer.toString(chunkSize),
        Integer.toString(chunksInFlight));
  }

  public static void main(String[] args) {
    long rows = Long.parseLong(args[0]);
    int chunkSize = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    int chunksInFlight = args.length > 2 ? Integer.parseInt(args[2]) : 256;
    LiveHeap liveHeap = LiveHeap.watch();
    SparkSession spark = SparkSession.builder().master("local[1]").appName("memory-probe")
        .config("spark.ui.enabled", "false").getOrCreate();
    long start = System.nanoTime();
    try {
      Row result = AsyncUdf.<Long, Long, Serializable>scalarToScalar(
              AsyncChunkFunction.perRow((ctx, id) -> CompletableFuture.supplyAsync(() -> id * 2, COMPLETIONS)), DataTypes.LongType)
          .maxChunkSize(chunkSize)
          .maxConcurrentChunks(chunksInFlight)
          .withColumn(spark.range(0, rows, 1, 1).toDF("id"), "doubled", col("id"))
          .agg(sum(col("doubled")), org.apache.spark.sql.functions.count(col("doubled")))
          .first();
      double seconds = (System.nanoTime() - start) / 1e9;
      long peak = ManagementFactory.getMemoryPoolMXBeans().stream()
          .filter(pool -> pool.getType() == MemoryType.HEAP)
          .mapToLong(pool -> pool.getPeakUsage().getUsed())
          .sum();
      System.out.println("ROWS=" + result.getLong(1) + " SUM=" + result.getLong(0) + " PEAK_HEAP_MB=" + (peak >> 20)
          + " LIVE_HEAP_MB=" + (liveHeap.maxAfterGc() >> 20) + " SECONDS=" + seconds);
    } finally {
      spark.stop();
    }
  }

}
