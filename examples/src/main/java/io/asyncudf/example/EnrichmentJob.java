package io.asyncudf.example;

import static org.apache.spark.sql.functions.col;

import io.asyncudf.AsyncUdf;
import io.asyncudf.ChunkContext;
import io.asyncudf.ColumnUdf;
import io.asyncudf.RetryPolicy;
import io.asyncudf.RowFailure;
import io.asyncudf.http.HttpClientConfig;
import io.asyncudf.http.HttpConnector;
import io.asyncudf.http.HttpConnectorMetrics;
import io.asyncudf.http.HttpRequest;
import io.asyncudf.http.HttpResponse;
import io.asyncudf.http.HttpStatusException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The example job: enriches patient-like records with a risk score from an HTTP service, many
 * requests in flight per task, and compares that with a plain blocking UDF on a sample of the rows.
 * Without {@code --service} it starts a local score service itself that answers after
 * {@code --latency-ms} and injects a few faults ({@link LatencyService.Faults#example()}): 503s,
 * which the connector retries, and ids that always fail, which end in the error column. It checks
 * that every input row came out exactly once and prints a short summary.
 *
 * <pre>
 * EnrichmentJob [--rows N] [--partitions N] [--chunk-size N] [--concurrency N] [--latency-ms N]
 *               [--service URL] [--master URL] [--output DIR] [--blocking-sample N]
 * </pre>
 */
public final class EnrichmentJob {

  private EnrichmentJob() {}

  public static void main(String[] args) throws Exception {
    JobArguments arguments = JobArguments.parse(args);
    LatencyService localService = arguments.service() == null
        ? LatencyService.start(arguments.latencyMillis(), LatencyService.Faults.example())
        : null;
    URI service = localService == null ? URI.create(arguments.service()) : localService.baseUri();
    SparkSession.Builder builder = SparkSession.builder().appName("spark-async-udf example")
        .config("spark.ui.enabled", "false");
    if (arguments.master() != null) {
      builder.master(arguments.master());
    }
    SparkSession spark = builder.getOrCreate();
    try {
      run(spark, arguments, service, localService);
    } finally {
      spark.stop();
      if (localService != null) {
        localService.close();
      }
    }
  }

  private static void run(SparkSession spark, JobArguments arguments, URI service, LatencyService localService) {
    long warmUpRows = warmUpRows(arguments.rows());
    long warmUpStart = System.nanoTime();
    if (warmUpRows > 0) {
      enrich(patients(spark, warmUpRows, arguments.partitions()), service, arguments.chunkSize(),
          arguments.concurrency()).localCheckpoint();
    }
    double warmUpSeconds = secondsSince(warmUpStart);

    RequestCounts before = RequestCounts.of(spark, service, localService);
    long start = System.nanoTime();
    Dataset<Row> enriched = enrich(patients(spark, arguments.rows(), arguments.partitions()), service,
        arguments.chunkSize(), arguments.concurrency());
    Dataset<Row> result = arguments.output() == null ? enriched.localCheckpoint() : written(enriched, arguments.output());
    double seconds = secondsSince(start);
    RequestCounts requests = RequestCounts.of(spark, service, localService).since(before);

    long rows = result.count();
    long distinctIds = result.select("id").distinct().count();
    boolean exactlyOnce = rows == arguments.rows() && distinctIds == rows;
    List<Row> failed = result.filter(col("risk_error").isNotNull()).orderBy("id").select("risk_error").collectAsList();

    int sample = (int) Math.min(arguments.blockingSample(), arguments.rows());
    double blockingSeconds = sample == 0 ? 0 : blockingRun(spark, service, sample, arguments.partitions());

    String library = String.format(Locale.ROOT, "library (HttpConnector, %d chunks x %d rows in flight per task):",
        arguments.concurrency(), arguments.chunkSize());
    String blocking = String.format(Locale.ROOT, "plain blocking UDF (same service, sample of %,d rows):", sample);
    String rate = "  %-" + Math.max(library.length(), blocking.length()) + "s %,8.0f rows/s   (%.1f s)";
    List<String> summary = new ArrayList<>();
    summary.add(String.format(Locale.ROOT, "spark-async-udf example: %,d rows, %d partitions, %s", arguments.rows(),
        arguments.partitions(), describe(service, localService)));
    summary.add(String.format(Locale.ROOT, rate, library, rows / seconds, seconds));
    if (sample > 0) {
      summary.add(String.format(Locale.ROOT, rate, blocking, sample / blockingSeconds, blockingSeconds));
      summary.add(String.format(Locale.ROOT, "  -> %.0f x faster", (rows / seconds) / (sample / blockingSeconds)));
    }
    summary.add("  " + requests + "failed rows (in error column): " + failed.size());
    summary.add(String.format(Locale.ROOT, "  every row came out exactly once: %s (%,d rows in, %,d out, %,d distinct ids)",
        exactlyOnce ? "yes" : "NO", arguments.rows(), rows, distinctIds));
    if (!failed.isEmpty()) {
      summary.add("  sample error: " + fields(failed.get(0).getStruct(0)));
    }
    if (warmUpRows > 0) {
      summary.add(String.format(Locale.ROOT, "  (timed after a warm-up run of %,d rows: Spark's first job, JIT and the"
          + " client's connections, %.1f s)", warmUpRows, warmUpSeconds));
    }
    summary.forEach(System.out::println);
    if (!exactlyOnce) {
      throw new IllegalStateException("expected each of " + arguments.rows() + " rows exactly once, got " + rows
          + " rows with " + distinctIds + " distinct ids");
    }
  }

  /** The rows of the untimed warm-up run: a tenth of the job, at most 2,000. */
  static long warmUpRows(long rows) {
    return Math.min(2_000, rows / 10);
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

  /** The score service's client configuration; equal configurations share one client per JVM. */
  public static HttpClientConfig scoreService(URI service) {
    return HttpClientConfig.builder().baseUrl(service.toString()).maxConnections(512).maxConnectionsPerHost(512)
        .build();
  }

  /**
   * The risk score UDF: one non-blocking request per id through the executor's shared HTTP client;
   * only its serializable configuration travels with the function. The connector retries 503s; an id
   * the service keeps refusing (400, 500) fails its own row, not its whole chunk.
   */
  public static ColumnUdf<Long, Double, HttpClientConfig> riskScore(URI service, int chunkSize, int concurrency) {
    return AsyncUdf.scalarToScalar(Encoders.LONG(), Encoders.DOUBLE(), EnrichmentJob::scores)
        .parameters(scoreService(service))
        .maxChunkSize(chunkSize)
        .maxConcurrentChunks(concurrency)
        .timeout(Duration.ofSeconds(60))
        .retry(RetryPolicy.attempts(3).backoff(Duration.ofMillis(200), Duration.ofSeconds(2)));
  }

  /**
   * Adds {@code risk_score} from the service; a row that failed gets a null score and the error struct in
   * {@code risk_error}. The driver shows a progress line while it runs.
   */
  public static Dataset<Row> enrich(Dataset<Row> patients, URI service, int chunkSize, int concurrency) {
    return riskScore(service, chunkSize, concurrency)
        .named("risk_score")
        .progress(true)
        .errorColumn("risk_error")
        .withColumn(patients, "risk_score", col("id"));
  }

  /**
   * One chunk: a request per id, all in flight at once. A status error fails its row only; any other
   * failure (a timeout, connection resets after the connector's retries) fails the chunk, which the
   * {@code RetryPolicy} runs again.
   */
  private static CompletionStage<List<Double>> scores(ChunkContext<HttpClientConfig> ctx, List<Long> ids) {
    HttpConnector connector = HttpConnector.shared(ctx.parameters());
    List<CompletableFuture<HttpResponse>> calls = new ArrayList<>(ids.size());
    for (Long id : ids) {
      calls.add(connector.send(ctx, HttpRequest.get("score?id=" + id)).toCompletableFuture());
    }
    return CompletableFuture.allOf(calls.stream().map(call -> call.exceptionally(failure -> null))
            .toArray(CompletableFuture<?>[]::new))
        .thenApply(allDone -> {
          List<Double> scores = new ArrayList<>(calls.size());
          for (CompletableFuture<HttpResponse> call : calls) {
            Throwable failure = call.handle((response, error) -> error).join();
            if (failure == null) {
              scores.add(call.join().json().get("score").asDouble());
            } else if (unwrapped(failure) instanceof HttpStatusException status) {
              RowFailure.addTo(scores, status);
            } else {
              throw new CompletionException(unwrapped(failure));
            }
          }
          return scores;
        });
  }

  private static Throwable unwrapped(Throwable failure) {
    return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
  }

  /** Scores {@code sample} rows with {@link BlockingScoreUdf}; returns the seconds it took. */
  private static double blockingRun(SparkSession spark, URI service, int sample, int partitions) {
    long start = System.nanoTime();
    patients(spark, sample, partitions).withColumn("risk_score", BlockingScoreUdf.create(service).apply(col("id")))
        .localCheckpoint();
    return secondsSince(start);
  }

  /**
   * Requests in flight at peak and request retries. In local mode they come from the connector this
   * JVM's tasks share; on a cluster the clients live in the executors, so they come from the local
   * service's own counts (503s it answered, each retried by the connector), if the job started one.
   */
  private record RequestCounts(String source, int peakInFlight, long retries) {

    static RequestCounts of(SparkSession spark, URI service, LatencyService localService) {
      if (spark.sparkContext().isLocal()) {
        HttpConnectorMetrics metrics = HttpConnector.shared(scoreService(service)).metrics();
        return new RequestCounts("connector", metrics.peakInFlight(), metrics.retries());
      }
      if (localService != null) {
        return new RequestCounts("service", localService.peakInFlight(), localService.unavailableAnswers());
      }
      return new RequestCounts("none", 0, 0);
    }

    RequestCounts since(RequestCounts before) {
      return new RequestCounts(source, peakInFlight, retries - before.retries);
    }

    @Override
    public String toString() {
      return switch (source) {
        case "connector" -> String.format(Locale.ROOT, "requests in flight at peak: %d   request retries: %d   ",
            peakInFlight, retries);
        case "service" -> String.format(Locale.ROOT,
            "requests in flight at peak (at the service): %d   503s answered (retried): %d   ", peakInFlight, retries);
        default -> "";
      };
    }
  }

  private static String describe(URI service, LatencyService localService) {
    if (localService == null) {
      return "score service " + service;
    }
    LatencyService.Faults faults = localService.faults();
    return String.format(Locale.ROOT, "service latency %d ms (%.0f%% of requests answer 503, %d ids always fail)",
        localService.latencyMillis(), faults.unavailableRate() * 100,
        faults.badRequestIds().size() + faults.serverErrorIds().size());
  }

  /** A struct as {@code {name=value, ...}}. */
  private static String fields(Row struct) {
    String[] names = struct.schema().fieldNames();
    return IntStream.range(0, names.length).mapToObj(i -> names[i] + "=" + struct.get(i))
        .collect(Collectors.joining(", ", "{", "}"));
  }

  private static double secondsSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
