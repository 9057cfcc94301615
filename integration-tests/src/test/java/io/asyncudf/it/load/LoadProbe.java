package io.asyncudf.it.load;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.asyncudf.AsyncChunkFunction;
import io.asyncudf.AsyncUdf;
import io.asyncudf.http.HttpClientConfig;
import io.asyncudf.http.HttpConnector;
import io.asyncudf.http.HttpRequest;
import io.asyncudf.it.LiveHeap;
import java.io.Serializable;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/**
 * Scores N rows through {@code scalarToScalar} and the shared HTTP connector against a running
 * {@code BenchService}, on {@code local[2]} with 8 partitions, and prints what the load test checks:
 * rows out, rows scored, whether every id came out exactly once, rows whose score differs from the service's formula, how many
 * HTTP clients (event-loop groups) this executor JVM made, the connector's peak in flight, the live heap and the seconds.
 *
 * <p>Arguments: service base URL, rows, maxConnections.
 */
public final class LoadProbe {

  private static final Pattern CLIENT_THREAD = Pattern.compile("asyncudf-http-(\\d+)-\\d+");

  private LoadProbe() {}

  public static void main(String[] args) {
    String baseUrl = args[0];
    long rows = Long.parseLong(args[1]);
    int maxConnections = Integer.parseInt(args[2]);
    HttpClientConfig config = HttpClientConfig.builder().baseUrl(baseUrl).maxConnections(maxConnections).build();
    LiveHeap liveHeap = LiveHeap.watch();
    SparkSession spark = SparkSession.builder().master("local[2]").appName("load-probe")
        .config("spark.ui.enabled", "false").getOrCreate();
    long start = System.nanoTime();
    try {
      Row result = AsyncUdf.<Long, Double, Serializable>scalarToScalar(
              AsyncChunkFunction.perRow((ctx, id) -> HttpConnector.shared(config)
                  .send(ctx, HttpRequest.get("score?id=" + id))
                  .thenApply(response -> response.json().get("score").asDouble())),
              DataTypes.DoubleType)
          .maxChunkSize(100)
          .maxConcurrentChunks(8)
          .withColumn(spark.range(0, rows, 1, 8).toDF("id"), "score", col("id"))
          // LatencyService.scoreOf, in SQL
          .agg(count(col("id")), count(col("score")), sum(col("id")), sum(col("id").multiply(col("id"))),
              count(when(col("score").notEqual(expr("(id * 7919 % 1000) / 1000D")), true)))
          .first();
      double seconds = (System.nanoTime() - start) / 1e9;
      // ids 0..n-1 each exactly once: count, sum and sum of squares all match (a drop and a duplicate cannot hide)
      boolean eachIdOnce = result.getLong(0) == rows && result.getLong(2) == rows * (rows - 1) / 2
          && result.getLong(3) == (rows - 1) * rows * (2 * rows - 1) / 6;
      System.out.println("ROWS=" + result.getLong(0) + " SCORED=" + result.getLong(1) + " EACH_ID_ONCE=" + (eachIdOnce ? 1 : 0)
          + " WRONG_SCORES=" + result.getLong(4) + " HTTP_CLIENTS=" + httpClientsInThisJvm()
          + " PEAK_IN_FLIGHT=" + HttpConnector.shared(config).metrics().peakInFlight()
          + " LIVE_HEAP_MB=" + (liveHeap.maxAfterGc() >> 20) + " SECONDS=" + seconds);
    } finally {
      spark.stop();
    }
  }

  /** Event-loop groups of HTTP clients alive in this JVM: each client has its own. */
  private static int httpClientsInThisJvm() {
    Set<String> groups = Thread.getAllStackTraces().keySet().stream()
        .map(thread -> CLIENT_THREAD.matcher(thread.getName()))
        .filter(Matcher::matches)
        .map(matcher -> matcher.group(1))
        .collect(Collectors.toSet());
    return groups.size();
  }
}
