package io.asyncudf.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.udf;

import com.fasterxml.jackson.databind.JsonNode;
import io.asyncudf.AsyncChunkFunction;
import io.asyncudf.AsyncUdf;
import io.asyncudf.example.LatencyService;
import io.asyncudf.http.HttpClientConfig;
import io.asyncudf.http.HttpConnector;
import io.asyncudf.http.HttpRequest;
import io.asyncudf.http.HttpResponse;
import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.stream.Collectors;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.asynchttpclient.AsyncHttpClient;
import org.asynchttpclient.Dsl;

/**
 * The {@code bench} command: scenarios on a local SparkSession ({@code local[2]}, 4 partitions)
 * against {@link BenchService} in its own JVM, printed as one table. Ideal rows/s follow Little's
 * law: tasks running × rows in flight per task / latency (the service has no concurrency cap).
 */
public final class Benchmark {

  static final int TASKS = 2;
  static final int PARTITIONS = 4;
  private static final long CONNECTOR_ROWS = 40_000;
  private static final long CONNECTOR_LATENCY_MS = 20;
  private static final int CONNECTOR_ROUNDS = Integer.getInteger("bench.rounds", 3);
  /**
   * Unreported full rounds of every route before the connector and SQL rounds: on two cores the JIT
   * compiler otherwise takes up to 50 µs of CPU per row in the first rounds, and the bench measures it.
   */
  /** {@code -Dbench.threads=true}: after each run, its CPU per row by group of threads of this JVM. */
  private static final boolean THREADS = Boolean.getBoolean("bench.threads");
  private static final int WARM_UP_ROUNDS = Integer.getInteger("bench.warmUpRounds", 2);
  /** Keys of the big journal the journal scenario answers all rows from. */
  private static final long JOURNAL_KEYS = Long.getLong("bench.journalKeys", 10_000_000);
  /** Rows of each adaptive-limit run, and the requests the service serves at a time in it. */
  private static final long ADAPTIVE_ROWS = Long.getLong("bench.adaptiveRows", 20_000);
  private static final int ADAPTIVE_CAPACITY = Integer.getInteger("bench.adaptiveCapacity", 64);
  /** Rows of each churn run: the bar is no failed row in 100,000. */
  private static final long CHURN_ROWS = 100_000;
  /** Requests in a thousand the tail scenario's service answers after ten times the latency. */
  private static final int SLOW_PER_MILLE = 10;
  /** Rows per chunk of the connector-cost runs: 256 in flight per task as 32 chunks of 8 (less head-of-line wait than 8 of 32). */
  private static final int CONNECTOR_CHUNK = Integer.getInteger("bench.connectorChunk", 8);
  private static final long PASS_ROWS = Long.getLong("bench.passRows", 2_000_000);
  private static final StructType SCORED = new StructType().add("id", DataTypes.LongType).add("score", DataTypes.DoubleType);

  private final SparkSession spark;
  private final BenchServer server;
  private final BenchOptions options;
  private final String service;

  private Benchmark(SparkSession spark, BenchServer server, BenchOptions options) {
    this.spark = spark;
    this.server = server;
    this.options = options;
    this.service = server.baseUri().toString();
  }

  public static void main(String[] args) throws Exception {
    BenchOptions options = BenchOptions.parse(args);
    if (options.scenarios().equals(java.util.Set.of("leases"))) {
      LeaseScenario.run(System.out); // needs neither Spark nor the service
      return;
    }
    SparkSession spark = SparkSession.builder().master("local[" + TASKS + "]").appName("spark-async-udf bench")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.extensions", "io.asyncudf.sql.AsyncUdfExtensions")
        .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    List<BenchResult> results = new ArrayList<>();
    try (BenchServer server = BenchServer.start(2)) {
      Benchmark bench = new Benchmark(spark, server, options);
      bench.library(5_000, 64, 5);  // warm-up: JIT, class loading, connection pools; not reported
      if (options.runs("naive")) {
        results.add(bench.naiveUdf(options.naiveRows()));
      }
      for (int window : options.windows()) {
        if (options.runs("pool")) {
          results.add(bench.threadPool(options.rows(), window));
        }
        if (options.runs("library")) {
          results.add(bench.library(options.rows(), window, options.latencyMillis()));
        }
      }
      if (options.runs("batch")) {
        results.add(bench.batch(options.batchRows(), 100, 8));
      }
      if (options.runs("overhead")) {
        results.add(bench.library(options.overheadRows(), 256, 0).named(BenchReport.LIBRARY_AT_ZERO));
        results.add(bench.rawClient(options.overheadRows(), TASKS * 256, 0));
      }
      if (options.runs("connector")) {
        // the connector's cost, side by side and interleaved (the report takes medians): engine + raw client,
        // engine + connector, raw client alone; each warmed up first, unreported
        for (int round = 0; round < WARM_UP_ROUNDS; round++) {
          bench.engineWithRawClient(CONNECTOR_ROWS, 256, CONNECTOR_LATENCY_MS, CONNECTOR_CHUNK);
          bench.library(CONNECTOR_ROWS, 256, CONNECTOR_LATENCY_MS, CONNECTOR_CHUNK);
          bench.libraryDirect(CONNECTOR_ROWS, 256, CONNECTOR_LATENCY_MS, CONNECTOR_CHUNK);
          bench.rawClient(CONNECTOR_ROWS, TASKS * 256, CONNECTOR_LATENCY_MS);
        }
        for (int round = 0; round < CONNECTOR_ROUNDS; round++) {
          results.add(bench.engineWithRawClient(CONNECTOR_ROWS, 256, CONNECTOR_LATENCY_MS, CONNECTOR_CHUNK));
          results.add(bench.library(CONNECTOR_ROWS, 256, CONNECTOR_LATENCY_MS, CONNECTOR_CHUNK)
              .named(BenchReport.ENGINE_CONNECTOR));
          results.add(bench.libraryDirect(CONNECTOR_ROWS, 256, CONNECTOR_LATENCY_MS, CONNECTOR_CHUNK));
          results.add(bench.rawClient(CONNECTOR_ROWS, TASKS * 256, CONNECTOR_LATENCY_MS).named(BenchReport.RAW_LOOP));
          results.add(bench.sparkAlone(CONNECTOR_ROWS));
        }
      }
      if (options.runs("sql")) {
        // SELECT async_http_request(...) against the Java helper on the same connector and the raw client, interleaved
        for (int round = 0; round < WARM_UP_ROUNDS; round++) {
          bench.sqlFunction(CONNECTOR_ROWS, 256, CONNECTOR_LATENCY_MS, CONNECTOR_CHUNK, SqlParse.FROM_JSON);
          bench.sqlFunction(CONNECTOR_ROWS, 256, CONNECTOR_LATENCY_MS, CONNECTOR_CHUNK, SqlParse.GET_JSON_OBJECT);
          bench.library(CONNECTOR_ROWS, 256, CONNECTOR_LATENCY_MS, CONNECTOR_CHUNK);
          bench.javaText(CONNECTOR_ROWS, 256, CONNECTOR_LATENCY_MS, CONNECTOR_CHUNK);
          bench.rawClient(CONNECTOR_ROWS, TASKS * 256, CONNECTOR_LATENCY_MS);
        }
        for (int round = 0; round < CONNECTOR_ROUNDS; round++) {
          results.add(bench.sqlFunction(CONNECTOR_ROWS, 256, CONNECTOR_LATENCY_MS, CONNECTOR_CHUNK, SqlParse.FROM_JSON));
          results.add(bench.sqlFunction(CONNECTOR_ROWS, 256, CONNECTOR_LATENCY_MS, CONNECTOR_CHUNK,
              SqlParse.GET_JSON_OBJECT));
          results.add(bench.library(CONNECTOR_ROWS, 256, CONNECTOR_LATENCY_MS, CONNECTOR_CHUNK)
              .named(BenchReport.SQL_JAVA));
          results.add(bench.javaText(CONNECTOR_ROWS, 256, CONNECTOR_LATENCY_MS, CONNECTOR_CHUNK));
          results.add(bench.rawClient(CONNECTOR_ROWS, TASKS * 256, CONNECTOR_LATENCY_MS).named(BenchReport.SQL_RAW));
          results.add(bench.sparkAlone(CONNECTOR_ROWS));
        }
      }
      if (options.runs("churn")) {
        // the same Java helper against the service keeping its connections and closing them after 1-8 answers
        bench.library(CONNECTOR_ROWS / 4, 256, CONNECTOR_LATENCY_MS, CONNECTOR_CHUNK);
        long resendsBefore = HttpConnector.shared(bench.clientFor(256)).resends();
        long retriesBefore = HttpConnector.shared(bench.clientFor(256)).metrics().retries();
        for (int round = 0; round < CONNECTOR_ROUNDS; round++) {
          results.add(bench.library(CHURN_ROWS, 256, CONNECTOR_LATENCY_MS, CONNECTOR_CHUNK, false)
              .named(BenchReport.KEEP_ALIVE));
          results.add(bench.library(CHURN_ROWS, 256, CONNECTOR_LATENCY_MS, CONNECTOR_CHUNK, true)
              .named(BenchReport.CHURN));
        }
        System.out.printf("churn: %,d requests re-sent on a fresh connection, %,d retries, over %d runs of %,d rows%n",
            HttpConnector.shared(bench.clientFor(256)).resends() - resendsBefore,
            HttpConnector.shared(bench.clientFor(256)).metrics().retries() - retriesBefore, 2 * CONNECTOR_ROUNDS,
            CHURN_ROWS);
      }
      if (options.runs("tail")) {
        // the Java helper against the service answering 1 request in 100 after ten times the latency, and without
        for (int round = 0; round < CONNECTOR_ROUNDS; round++) {
          results.add(bench.library(CONNECTOR_ROWS, 256, CONNECTOR_LATENCY_MS, CONNECTOR_CHUNK).named(BenchReport.UNIFORM));
          results.add(bench.library(CONNECTOR_ROWS, 256, CONNECTOR_LATENCY_MS, CONNECTOR_CHUNK, bench.clientFor(256),
              () -> bench.server.reset(CONNECTOR_LATENCY_MS, false, 0, SLOW_PER_MILLE)).named(BenchReport.SLOW_TAIL));
        }
      }
      if (options.runs("journal")) {
        results.addAll(bench.journal(CONNECTOR_ROWS, 256, CONNECTOR_LATENCY_MS, CONNECTOR_CHUNK, JOURNAL_KEYS));
      }
      if (options.runs("passes")) {
        // what the operator itself costs per call, with answers that need no I/O: 0, 1 and 2 calls per row
        for (int round = 0; round < WARM_UP_ROUNDS + CONNECTOR_ROUNDS; round++) {
          for (int calls = 0; calls <= 2; calls++) {
            BenchResult result = bench.instantCalls(PASS_ROWS, calls);
            if (round >= WARM_UP_ROUNDS) {
              results.add(result);
            }
          }
        }
      }
      if (options.runs("adaptive")) {
        results.addAll(bench.adaptive(ADAPTIVE_ROWS, 256, CONNECTOR_LATENCY_MS, CONNECTOR_CHUNK, ADAPTIVE_CAPACITY));
      }
      if (options.runs("servers")) {
        results.addAll(ServerScenarios.run(spark, options));
      }
    } finally {
      RawClient.close();
      spark.stop();
    }
    if (options.runs("memory")) {
      for (long rows : options.memoryRows()) {
        results.add(MemoryScenario.run(rows, 32, 8));
      }
    }
    BenchReport report = new BenchReport(results, options);
    report.print(System.out);
    report.writeChart(options.chart());
    if (options.runs("leases")) {
      LeaseScenario.run(System.out);
    }
  }

  /** Scenario 1: a plain Spark UDF, one blocking call per row. */
  private BenchResult naiveUdf(long rows) throws Exception {
    String base = service;
    var naive = udf((UDF1<Long, Double>) id -> Baselines.blockingScore(base, id), DataTypes.DoubleType);
    return measure("naive UDF (blocking call per row)", rows, 1, options.latencyMillis(),
        () -> scored(ids(rows).withColumn("score", naive.apply(col("id"))), rows));
  }

  /** Scenario 2: mapPartitions with a pool of {@code window} threads per task and a sliding window. */
  private BenchResult threadPool(long rows, int window) throws Exception {
    String base = service;
    Dataset<Row> out = ids(rows).mapPartitions(
        (MapPartitionsFunction<Row, Row>) input -> Baselines.slidingWindow(input, base, window), Encoders.row(SCORED));
    return measure("thread pool + sliding window", rows, window, options.latencyMillis(), () -> scored(out, rows));
  }

  /** Scenario 3: scalarToScalar + perRow + the HTTP connector, {@code window} rows in flight per task. */
  BenchResult library(long rows, int window, long latencyMillis) throws Exception {
    return library(rows, window, latencyMillis, Math.max(1, window / 8));
  }

  private BenchResult library(long rows, int window, long latencyMillis, int chunkSize) throws Exception {
    return library(rows, window, latencyMillis, chunkSize, false);
  }

  private BenchResult library(long rows, int window, long latencyMillis, int chunkSize, boolean churn)
      throws Exception {
    return library(rows, window, latencyMillis, chunkSize, clientFor(window),
        () -> server.reset(latencyMillis, churn));
  }

  /**
   * The adaptive in-flight limit against the service serving {@code capacity} requests at a time (slower in
   * proportion beyond, 429 beyond twice that), beside the best static limit ({@code maxInFlight = capacity})
   * and with a fresh client for each run, so the adaptive one starts from its initial limit.
   */
  private List<BenchResult> adaptive(long rows, int window, long latencyMillis, int chunkSize, int capacity)
      throws Exception {
    HttpClientConfig adaptive = clientFor(window).toBuilder().adaptiveInFlight().build();
    HttpClientConfig bestStatic = clientFor(window).toBuilder().maxInFlight(capacity).build();
    List<BenchResult> runs = new ArrayList<>();
    long tooMany = 0;
    long requests = 0;
    List<Integer> limits = new ArrayList<>();
    for (int round = 0; round < CONNECTOR_ROUNDS; round++) {
      HttpConnector.closeShared();
      runs.add(library(rows, window, latencyMillis, chunkSize, adaptive, () -> server.reset(latencyMillis, false, capacity))
          .named(BenchReport.ADAPTIVE));
      BenchServer.Stats stats = server.stats();
      tooMany += stats.tooMany();
      requests += stats.requests();
      limits.add(HttpConnector.shared(adaptive).inFlightLimit());
      runs.add(library(rows, window, latencyMillis, chunkSize, bestStatic,
          () -> server.reset(latencyMillis, false, capacity)).named(BenchReport.BEST_STATIC));
    }
    System.out.printf("adaptive: %,d of %,d answers were 429 (%.2f%%, target < 1%%); the limit ended at %s "
        + "(capacity %d, target within 25%%)%n", tooMany, requests, 100.0 * tooMany / requests, limits, capacity);
    return runs;
  }

  @FunctionalInterface
  private interface Reset {
    void run() throws Exception;
  }

  private BenchResult library(long rows, int window, long latencyMillis, int chunkSize, HttpClientConfig client,
      Reset reset) throws Exception {
    return library(rows, window, latencyMillis, chunkSize, client, reset, null);
  }

  /**
   * The journal: the Java helper without one, with an empty one (every row called and journaled), the same
   * again (every row answered from it), and all hits against a journal of {@code bigKeys} keys, which it
   * writes first (the service's own scores, in the journal's format).
   */
  private List<BenchResult> journal(long rows, int window, long latencyMillis, int chunkSize, long bigKeys)
      throws Exception {
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("bench-journal");
    String big = dir.resolve("big").toString();
    List<BenchResult> runs = new ArrayList<>();
    for (int round = 0; round < CONNECTOR_ROUNDS; round++) {
      String small = dir.resolve("small-" + round).toString(); // empty at first
      runs.add(library(rows, window, latencyMillis, chunkSize, clientFor(window), () -> server.reset(latencyMillis), null)
          .named(BenchReport.JOURNAL_NONE));
      runs.add(library(rows, window, latencyMillis, chunkSize, clientFor(window), () -> server.reset(latencyMillis), small)
          .named(BenchReport.JOURNAL_EMPTY));
      long called = server.stats().requests();
      runs.add(library(rows, window, latencyMillis, chunkSize, clientFor(window), () -> server.reset(latencyMillis), small)
          .named(BenchReport.JOURNAL_HITS));
      System.out.printf("journal: round %d: the first journaled run sent %,d requests, the all-hits run %,d%n", round,
          called, server.stats().requests());
    }
    long start = System.nanoTime();
    spark.udf().register("bench_score", (UDF1<Long, Double>) io.asyncudf.example.LatencyService::scoreOf,
        DataTypes.DoubleType);
    spark.range(0, bigKeys, 1, 8)
        .selectExpr("concat_ws('\\t', cast(unix_millis(current_timestamp()) AS STRING),"
            + " sha2(to_json(named_struct('v', id)), 256), to_json(named_struct('v', bench_score(id)))) AS payload")
        .selectExpr("concat_ws('\\t', cast(crc32(cast(payload AS BINARY)) AS STRING), payload) AS line")
        .write().text(big);
    try (var files = java.nio.file.Files.list(java.nio.file.Path.of(big))) {
      for (java.nio.file.Path file : files.filter(f -> f.getFileName().toString().startsWith("part-")).toList()) {
        java.nio.file.Files.move(file, file.resolveSibling(file.getFileName() + ".journal"));
      }
    }
    System.out.printf("journal: wrote %,d keys in %.1f s%n", bigKeys, (System.nanoTime() - start) / 1e9);
    runs.add(library(bigKeys, window, latencyMillis, chunkSize, clientFor(window), () -> server.reset(latencyMillis), big)
        .named(BenchReport.JOURNAL_BIG));
    System.out.printf("journal: the all-hits run over %,d journaled keys sent %,d requests%n", bigKeys,
        server.stats().requests());
    return runs;
  }

  private BenchResult library(long rows, int window, long latencyMillis, int chunkSize, HttpClientConfig client,
      Reset reset, String journal) throws Exception {
    Dataset<Row> out = scoredByConnector(rows, window, chunkSize, client, journal, false);
    return measure("library: scalarToScalar + perRow + HTTP", rows, window, latencyMillis, reset,
        () -> scored(out, rows));
  }

  /**
   * The Java helper's score per row through the shared connector: {@link HttpConnector#send}, or with
   * {@code direct} {@link HttpConnector#sendDirect} (the parse runs on the network thread, as the raw client's does).
   */
  private Dataset<Row> scoredByConnector(long rows, int window, int chunkSize, HttpClientConfig client, String journal,
      boolean direct) {
    return AsyncUdf.<Long, Double, HttpClientConfig>scalarToScalar(
            AsyncChunkFunction.perRow((ctx, id) -> {
              HttpConnector http = HttpConnector.shared(ctx.parameters());
              HttpRequest request = HttpRequest.get("score?id=" + id);
              return (direct ? http.sendDirect(ctx, request) : http.send(ctx, request))
                  .thenApply(response -> response.json().get("score").asDouble());
            }),
            DataTypes.DoubleType)
        .parameters(client)
        .journal(journal)
        .maxChunkSize(chunkSize)
        .maxConcurrentChunks(window / chunkSize)
        .timeout(Duration.ofSeconds(60))
        .withColumn(ids(rows), "score", col("id"));
  }

  /**
   * The Java helper returning each answer's text, the score read from it in SQL with {@code get_json_object}: the
   * same parse as the SQL route's, and like {@code async_http_request} with {@link HttpConnector#sendDirect} (the
   * text is taken on the network thread), so that beside it the two differ only in what the call stages and returns.
   */
  private BenchResult javaText(long rows, int window, long latencyMillis, int chunkSize) throws Exception {
    Dataset<Row> out = AsyncUdf.<Long, String, HttpClientConfig>scalarToScalar(
            AsyncChunkFunction.perRow((ctx, id) -> HttpConnector.shared(ctx.parameters())
                .sendDirect(ctx, HttpRequest.get("score?id=" + id)).thenApply(HttpResponse::bodyAsString)),
            DataTypes.StringType)
        .parameters(clientFor(window))
        .maxChunkSize(chunkSize)
        .maxConcurrentChunks(window / chunkSize)
        .timeout(Duration.ofSeconds(60))
        .withColumn(ids(rows), "text", col("id"))
        .selectExpr("id", SqlParse.GET_JSON_OBJECT.expression.replace("r.text", "text") + " AS score");
    return measure(BenchReport.SQL_JAVA_GET_JSON, rows, window, latencyMillis, () -> scored(out, rows));
  }

  /** How the SQL scenario reads the score from the response text. */
  enum SqlParse {
    FROM_JSON(BenchReport.SQL_FUNCTION_FROM_JSON, "from_json(r.text, 'score DOUBLE').score"),
    GET_JSON_OBJECT(BenchReport.SQL_FUNCTION, "CAST(get_json_object(r.text, '$.score') AS DOUBLE)");

    final String scenario;
    final String expression;

    SqlParse(String scenario, String expression) {
      this.scenario = scenario;
      this.expression = expression;
    }
  }

  /**
   * The SQL path: {@code async_http_request} over a named connection configured like {@link #clientFor}, the
   * score parsed from the response text in SQL; {@code window} requests in flight per task.
   */
  private BenchResult sqlFunction(long rows, int window, long latencyMillis, int chunkSize, SqlParse parse)
      throws Exception {
    int connections = TASKS * window;
    spark.conf().set("spark.asyncudf.connection.bench.url", service);
    spark.conf().set("spark.asyncudf.connection.bench.maxConnections", String.valueOf(connections));
    spark.conf().set("spark.asyncudf.connection.bench.requestTimeout", "30s");
    ids(rows).createOrReplaceTempView("bench_ids");
    Dataset<Row> out = spark.sql("""
        SELECT id, %s AS score
        FROM (SELECT id, async_http_request('bench', 'GET', concat('score?id=', id), NULL, NULL, NULL,
                map('maxChunkSize', '%d', 'maxConcurrentChunks', '%d', 'timeout', '60s')) AS r
              FROM bench_ids)
        """.formatted(parse.expression, chunkSize, window / chunkSize));
    return measure(parse.scenario, rows, window, latencyMillis, () -> scored(out, rows));
  }

  /**
   * {@code calls} independent calls per row of a function whose answers are there at once (no I/O), summed:
   * each call is an operator of its own, so beside 0 and 1 calls this shows what the operator costs per
   * row and what one more operator adds (the most that evaluating both calls in one operator could save).
   */
  BenchResult instantCalls(long rows, int calls) throws Exception {
    var instant = AsyncUdf.<Long, Long, Serializable>scalarToScalar(
            AsyncChunkFunction.perRow((ctx, id) -> CompletableFuture.completedFuture(id)),
            DataTypes.LongType)
        .maxChunkSize(CONNECTOR_CHUNK)
        .maxConcurrentChunks(256 / CONNECTOR_CHUNK);
    Column total = col("id").multiply(0);
    for (int call = 0; call < calls; call++) {
      total = total.plus(instant.apply(col("id").plus(call)));
    }
    Dataset<Row> out = ids(rows).select(total.as("total"));
    long expected = calls * (rows * (rows - 1) / 2) + rows * (calls * (calls - 1L) / 2);
    return measure(BenchReport.passes(calls), rows, 256, 0, () -> {
      Row totals = out.agg(count(col("total")), sum(col("total"))).first();
      if (totals.getLong(1) != expected) {
        throw new IllegalStateException("totals add up to " + totals.getLong(1) + ", not " + expected);
      }
      return totals.getLong(0);
    });
  }

  /** Scenario 4: dataFrame, one POST of {@code chunkSize} ids per chunk (a batch API). */
  private BenchResult batch(long rows, int chunkSize, int chunksInFlight) throws Exception {
    Dataset<Row> out = AsyncUdf.<HttpClientConfig>dataFrame((ctx, inputs) -> {
          String ids = inputs.stream().map(row -> Long.toString(row.getLong(0))).collect(Collectors.joining(",", "[", "]"));
          return HttpConnector.shared(ctx.parameters()).send(ctx, HttpRequest.postJson("batch", ids))
              .thenApply(response -> {
                JsonNode scores = response.json();
                List<Row> scored = new ArrayList<>(inputs.size());
                for (int i = 0; i < inputs.size(); i++) {
                  scored.add(RowFactory.create(inputs.get(i).getLong(0), scores.get(i).asDouble()));
                }
                return scored;
              });
        }, SCORED)
        .parameters(clientFor(chunksInFlight))
        .maxChunkSize(chunkSize)
        .maxConcurrentChunks(chunksInFlight)
        .timeout(Duration.ofSeconds(60))
        .apply(ids(rows));
    return measure("library: dataFrame, 1 POST per 100 rows", rows, chunkSize * chunksInFlight,
        options.latencyMillis(), () -> scored(out, rows));
  }

  /**
   * The connector route with {@link HttpConnector#sendDirect}: continuations on the network thread, as
   * the raw client's are, so that beside {@link #engineWithRawClient} it shows the connector's own cost.
   */
  private BenchResult libraryDirect(long rows, int window, long latencyMillis, int chunkSize) throws Exception {
    Dataset<Row> out = scoredByConnector(rows, window, chunkSize, clientFor(window), null, true);
    return measure(BenchReport.ENGINE_CONNECTOR_DIRECT, rows, window, latencyMillis, () -> scored(out, rows));
  }

  /** The engine (scalarToScalar + perRow) with one raw AsyncHttpClient call per row instead of the connector. */
  private BenchResult engineWithRawClient(long rows, int window, long latencyMillis, int chunkSize) throws Exception {
    String base = service;
    Dataset<Row> out = AsyncUdf.<Long, Double, Serializable>scalarToScalar(
            AsyncChunkFunction.perRow((ctx, id) -> RawClient.shared(TASKS * window)
                .prepareGet(base + "score?id=" + id).execute().toCompletableFuture()
                .thenApply(response -> RawClient.score(response.getResponseBodyAsBytes()))),
            DataTypes.DoubleType)
        .maxChunkSize(chunkSize)
        .maxConcurrentChunks(window / chunkSize)
        .timeout(Duration.ofSeconds(60))
        .withColumn(ids(rows), "score", col("id"));
    return measure(BenchReport.ENGINE_RAW, rows, window, latencyMillis, () -> scored(out, rows));
  }

  /** Scenario 5's reference: AsyncHttpClient alone, no Spark, {@code window} requests in flight. */
  private BenchResult rawClient(long rows, int window, long latencyMillis) throws Exception {
    return measure(BenchReport.RAW, rows, window, latencyMillis, () -> {
      DoubleAdder sum = new DoubleAdder();
      AtomicLong answered = new AtomicLong();
      Semaphore permits = new Semaphore(window);
      try (AsyncHttpClient client = Dsl.asyncHttpClient(Dsl.config().setMaxConnections(window)
          .setMaxConnectionsPerHost(window).setKeepAlive(true).setMaxRequestRetry(0))) {
        for (long id = 0; id < rows; id++) {
          permits.acquire();
          client.prepareGet(service + "score?id=" + id).execute().toCompletableFuture().whenComplete((response, failure) -> {
            try {
              if (failure == null && response.getStatusCode() == 200) {
                sum.add(RawClient.score(response.getResponseBodyAsBytes()));
                answered.incrementAndGet();
              }
            } catch (java.io.UncheckedIOException e) {
              // counted as unanswered
            } finally {
              permits.release();
            }
          });
        }
        permits.acquire(window);
      }
      checkSum(sum.sum(), rows, "raw client");
      return answered.get();
    });
  }

  /**
   * The connector and SQL rounds' action over the same rows with no call: what Spark itself costs per
   * action, which the raw loop does not pay.
   */
  private BenchResult sparkAlone(long rows) throws Exception {
    return measure(BenchReport.SPARK_ALONE, rows, 0, 0, () -> {
      Row totals = ids(rows).agg(count(col("id")), sum(col("id"))).first();
      if (totals.getLong(1) != rows * (rows - 1) / 2) {
        throw new IllegalStateException("ids add up to " + totals.getLong(1));
      }
      return totals.getLong(0);
    });
  }

  HttpClientConfig clientFor(int requestsPerTask) {
    int connections = TASKS * requestsPerTask;
    return HttpClientConfig.builder().baseUrl(service).maxConnections(connections).maxConnectionsPerHost(connections)
        .requestTimeout(Duration.ofSeconds(30)).build();
  }

  private Dataset<Row> ids(long rows) {
    return spark.range(0, rows, 1, PARTITIONS).toDF("id");
  }

  /** Rows that got a score, after checking the scores add up to what the service computes. */
  private static long scored(Dataset<Row> out, long rows) {
    Row totals = out.agg(count(col("score")), sum(col("score"))).first();
    checkSum(totals.getDouble(1), rows, "scores");
    return totals.getLong(0);
  }

  private static void checkSum(double actual, long rows, String what) {
    double expected = 0;
    for (long id = 0; id < rows; id++) {
      expected += LatencyService.scoreOf(id);
    }
    if (Math.abs(actual - expected) > 1e-6 * Math.max(1, expected)) {
      throw new IllegalStateException(what + " add up to " + actual + ", expected " + expected);
    }
  }

  @FunctionalInterface
  private interface Job {
    long run() throws Exception;
  }

  private BenchResult measure(String scenario, long rows, int window, long latencyMillis, Job job) throws Exception {
    return measure(scenario, rows, window, latencyMillis, () -> server.reset(latencyMillis), job);
  }

  private BenchResult measure(String scenario, long rows, int window, long latencyMillis, Reset reset, Job job)
      throws Exception {
    reset.run();
    System.gc();
    ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    long cpuStart = processCpuNanos();
    Map<String, ThreadCpu.Usage> threadsBefore = ThreadCpu.snapshot();
    long start = System.nanoTime();
    long scored = job.run();
    double seconds = (System.nanoTime() - start) / 1e9;
    long cpu = processCpuNanos() - cpuStart;
    Map<String, ThreadCpu.Usage> threadsAfter = ThreadCpu.snapshot();
    if (THREADS) {
      System.out.print(ThreadCpu.since(threadsBefore, threadsAfter, rows));
    }
    if (scored != rows) {
      throw new IllegalStateException(scenario + ": " + scored + " of " + rows + " rows scored");
    }
    double ideal = latencyMillis == 0 ? Double.NaN : TASKS * (double) window / (latencyMillis / 1000.0);
    BenchServer.Stats stats = server.stats();
    BenchResult result = new BenchResult(scenario, rows, window, latencyMillis, seconds, ideal, stats.peakInFlight(),
        stats.busyNanos() / 1e9 / seconds, peakHeapMb(), cpu / 1e3 / rows,
        ThreadCpu.jitNanos(threadsBefore, threadsAfter) / 1e3 / rows);
    System.out.println(result.line());
    return result;
  }

  static long peakHeapMb() {
    return ManagementFactory.getMemoryPoolMXBeans().stream().filter(pool -> pool.getType() == MemoryType.HEAP)
        .mapToLong(pool -> pool.getPeakUsage().getUsed()).sum() >> 20;
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }
}
