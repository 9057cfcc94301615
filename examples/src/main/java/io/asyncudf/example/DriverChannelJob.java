package io.asyncudf.example;

import static org.apache.spark.sql.functions.col;

import io.asyncudf.AsyncChunkFunction;
import io.asyncudf.AsyncUdf;
import io.asyncudf.AsyncUdfListener;
import io.asyncudf.ChunkEvent;
import io.asyncudf.DriverCallback;
import io.asyncudf.http.HttpClientConfig;
import io.asyncudf.http.HttpConnector;
import io.asyncudf.http.HttpRequest;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/**
 * The driver channel on a cluster, in four parts, each printing a {@code RESULT} line:
 * <ol>
 *   <li>every chunk asks a {@link DriverCallback} on the driver for a token and a driver listener
 *       counts the chunks of each executor;
 *   <li>{@code budget}: requests to the service under a job-wide budget of 200 requests/s;
 *   <li>{@code local}: the same with only a per-executor limit of 200 requests/s;
 *   <li>{@code pause}: the job-wide budget again, while the service answers one request with 429 and
 *       {@code Retry-After: 2}.
 * </ol>
 * Requests carry the executor id, so the service can tell the executors apart.
 *
 * <pre>{@code spark-submit --class io.asyncudf.example.DriverChannelJob examples.jar --service http://host:port/ [--callbacks-only]}</pre>
 */
public final class DriverChannelJob {

  /** What a chunk reports to the driver. */
  record ChunkCall(String executor, int partition, int chunk) implements Serializable {}

  /** Rows of each timed part: about 15 s at the rates it is limited to (a 10 s window is measured). */
  public static final int BUDGET_ROWS = 3_000;
  public static final int LOCAL_ROWS = 5_800;
  public static final int PAUSE_ROWS = 2_000;
  public static final double BUDGET = 200;

  private DriverChannelJob() {}

  public static void main(String[] args) {
    String service = args.length >= 2 && args[0].equals("--service") ? args[1] : null;
    boolean callbacksOnly = args.length == 3 && args[2].equals("--callbacks-only");
    if (service == null || (args.length == 3 && !callbacksOnly) || args.length > 3) {
      System.err.println("usage: DriverChannelJob --service URL [--callbacks-only]");
      System.exit(2);
    }
    SparkSession spark = SparkSession.builder().appName("spark-async-udf driver channel").getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    try {
      callbacksAndDriverListener(spark);
      if (callbacksOnly) {
        return;
      }
      HttpClientConfig base = HttpClientConfig.builder().baseUrl(service).build();
      requests(spark, "budget", BUDGET_ROWS, base.toBuilder().clusterRequestsPerSecond(BUDGET).build());
      requests(spark, "local", LOCAL_ROWS, base.toBuilder().requestsPerSecond(BUDGET).build());
      requests(spark, "pause", PAUSE_ROWS, base.toBuilder().clusterRequestsPerSecond(BUDGET).build());
    } finally {
      spark.stop();
    }
  }

  private static void callbacksAndDriverListener(SparkSession spark) {
    Map<String, Integer> callsByExecutor = new ConcurrentHashMap<>();
    Map<String, Integer> chunksByExecutor = new ConcurrentHashMap<>();
    DriverCallback<ChunkCall, String> tokens = call -> {
      callsByExecutor.merge(call.executor(), 1, Integer::sum);
      return "token-" + call.partition() + "-" + call.chunk();
    };
    AsyncUdfListener chunkCounter = new AsyncUdfListener() {
      @Override
      public void onChunkSuccess(ChunkEvent event) {
        chunksByExecutor.merge(event.partition().executorId(), 1, Integer::sum);
      }
    };
    AsyncChunkFunction<Long, String, Serializable> tagged = (ctx, ids) -> ctx.<ChunkCall, String>callDriver(
            new ChunkCall(ctx.partitionInformation().executorId(), ctx.partitionIndex(), ctx.chunkIndex()))
        .thenApply(token -> ids.stream().map(id -> token + ":" + id).toList());

    List<Row> rows = AsyncUdf.scalarToScalar(tagged, DataTypes.StringType)
        .maxChunkSize(50)
        .callback(tokens)
        .driverListener(chunkCounter)
        .withColumn(spark.range(0, 2_000, 1, 4).toDF("id"), "tagged", col("id"))
        .collectAsList();

    boolean outputsRight = rows.size() == 2_000 && rows.stream().allMatch(row -> {
      long id = row.getLong(0);
      return row.getString(1).equals("token-" + id / 500 + "-" + (id % 500) / 50 + ":" + id);
    });
    System.out.println("RESULT callbacks calls=" + sum(callsByExecutor) + " byExecutor=" + new TreeMap<>(callsByExecutor)
        + " listenerChunks=" + sum(chunksByExecutor) + " listenerByExecutor=" + new TreeMap<>(chunksByExecutor)
        + " outputsRight=" + outputsRight);
  }

  private static void requests(SparkSession spark, String part, int rows, HttpClientConfig config) {
    AsyncChunkFunction<Long, Integer, HttpClientConfig> call = AsyncChunkFunction.perRow((ctx, id) ->
        HttpConnector.shared(ctx.parameters())
            .send(ctx, HttpRequest.get(part + "?id=" + id + "&executor=" + ctx.partitionInformation().executorId()))
            .thenApply(response -> response.status()));
    long started = System.nanoTime();
    List<Row> failed = AsyncUdf.scalarToScalar(call, DataTypes.IntegerType)
        .parameters(config)
        .maxChunkSize(50)
        .maxConcurrentChunks(8)
        .errorColumn("error")
        .withColumn(spark.range(0, rows, 1, 4).toDF("id"), "status", col("id"))
        .filter(col("error").isNotNull())
        .select(col("error.message"))
        .collectAsList();
    System.out.printf("RESULT %s rows=%d failed=%d seconds=%.1f%n", part, rows, failed.size(),
        (System.nanoTime() - started) / 1e9);
    failed.stream().map(row -> row.getString(0)).distinct().limit(3).forEach(message -> System.out.println("  " + message));
  }

  private static int sum(Map<String, Integer> counts) {
    return counts.values().stream().mapToInt(Integer::intValue).sum();
  }
}
