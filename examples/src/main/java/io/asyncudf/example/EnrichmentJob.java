package io.asyncudf.example;

import static org.apache.spark.sql.functions.col;

import io.asyncudf.AsyncChunkFunction;
import io.asyncudf.AsyncUdf;
import io.asyncudf.RetryPolicy;
import io.asyncudf.http.HttpClientConfig;
import io.asyncudf.http.HttpConnector;
import io.asyncudf.http.HttpRequest;
import java.net.URI;
import java.time.Duration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/**
 * The example job: enriches patient-like records with a risk score from an HTTP service, many
 * requests in flight per task. Without {@code --service} it starts a local score service itself.
 *
 * <pre>
 * EnrichmentJob [--rows N] [--partitions N] [--chunk-size N] [--concurrency N] [--latency-ms N]
 *               [--service URL] [--master URL] [--output DIR]
 * </pre>
 */
public final class EnrichmentJob {

  private EnrichmentJob() {}

  public static void main(String[] args) throws Exception {
    JobArguments arguments = JobArguments.parse(args);
    LatencyService localService = arguments.service() == null ? LatencyService.start(arguments.latencyMillis()) : null;
    URI service = localService == null ? URI.create(arguments.service()) : localService.baseUri();
    SparkSession.Builder builder = SparkSession.builder().appName("spark-async-udf example")
        .config("spark.ui.enabled", "false");
    if (arguments.master() != null) {
      builder.master(arguments.master());
    }
    SparkSession spark = builder.getOrCreate();
    try {
      long start = System.nanoTime();
      Dataset<Row> enriched = enrich(patients(spark, arguments.rows(), arguments.partitions()), service,
          arguments.chunkSize(), arguments.concurrency());
      Dataset<Row> result = arguments.output() == null ? enriched.localCheckpoint() : written(enriched, arguments.output());
      double seconds = (System.nanoTime() - start) / 1e9;
      long rows = result.count();
      long failed = result.filter(col("risk_error").isNotNull()).count();
      System.out.printf("enriched %d rows (%d failed) in %.2f s (%.0f rows/s) with %d partitions, chunks of %d, %d chunks in flight per task%n",
          rows, failed, seconds, rows / seconds, arguments.partitions(), arguments.chunkSize(), arguments.concurrency());
      if (localService != null) {
        System.out.printf("score service: %d requests, peak %d in flight, %d ms latency%n",
            localService.requests(), localService.peakInFlight(), arguments.latencyMillis());
      }
      result.show(5, false);
    } finally {
      spark.stop();
      if (localService != null) {
        localService.close();
      }
    }
  }

  /** Writes the enriched rows to {@code output} as Parquet and returns what was written. */
  private static Dataset<Row> written(Dataset<Row> enriched, String output) {
    enriched.write().mode("overwrite").parquet(output);
    return enriched.sparkSession().read().parquet(output);
  }

  /** Patient-like records: id, name, birth year. */
  public static Dataset<Row> patients(SparkSession spark, long rows, int partitions) {
    return spark.range(0, rows, 1, partitions)
        .selectExpr("id", "concat('patient-', id) AS name", "CAST(1930 + id % 90 AS INT) AS birth_year");
  }

  /**
   * Adds {@code risk_score} from the service, one non-blocking request per row through the
   * executor's shared HTTP client; only its serializable configuration travels with the function.
   */
  public static Dataset<Row> enrich(Dataset<Row> patients, URI service, int chunkSize, int concurrency) {
    HttpClientConfig scoreService = HttpClientConfig.builder().baseUrl(service.toString()).maxConnections(256).build();
    return AsyncUdf.<Long, Double, HttpClientConfig>scalarToScalar(
            AsyncChunkFunction.perRow((ctx, id) -> HttpConnector.shared(ctx.parameters())
                .send(ctx, HttpRequest.get("score?id=" + id))
                .thenApply(response -> response.json().get("score").asDouble())),
            DataTypes.DoubleType)
        .parameters(scoreService)
        .maxChunkSize(chunkSize)
        .maxConcurrentChunks(concurrency)
        .timeout(Duration.ofSeconds(60))
        .retry(RetryPolicy.attempts(3).backoff(Duration.ofMillis(200), Duration.ofSeconds(2)))
        .errorColumn("risk_error")
        .withColumn(patients, "risk_score", col("id"));
  }
}
