package io.asyncudf.http;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncudf.AsyncChunkFunction;
import io.asyncudf.AsyncUdf;
import io.asyncudf.ColumnUdf;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Requests started for a chunk attempt end when the attempt ends, although the chunk function
 * returns a stage chained on the connector's future with {@code thenApply} (cancelling such a stage
 * does not reach the request): the engine cancels what the connector registered with the attempt's
 * context. Observed at a real server that never answers: its connections close.
 */
class RequestCancellationSparkTest {

  private static final Duration CLOSE_LIMIT = Duration.ofSeconds(1);

  @AfterEach
  void closeClients() {
    HttpConnector.closeShared();
  }

  private static SparkSession spark() {
    return SparkSession.builder().master("local[2]").config("spark.ui.enabled", "false").getOrCreate();
  }

  private static ColumnUdf<Long, Double, HttpClientConfig> stalledScore(StallingServer server) {
    HttpClientConfig config = HttpClientConfig.builder()
        .baseUrl(server.url("/"))
        .requestTimeout(Duration.ofSeconds(60))
        .readTimeout(Duration.ofSeconds(60))
        .build();
    return AsyncUdf.<Long, Double, HttpClientConfig>scalarToScalar(
            AsyncChunkFunction.perRow((ctx, id) -> HttpConnector.shared(ctx.parameters())
                .send(ctx, HttpRequest.get("score?id=" + id))
                .thenApply(response -> response.json().get("score").asDouble())),
            DataTypes.DoubleType)
        .parameters(config)
        .maxChunkSize(5);
  }

  @Test
  void requestsOfTimedOutChunkAttemptsCloseTheirConnectionsWithinASecond() throws Exception {
    try (StallingServer server = new StallingServer()) {
      List<Row> rows = stalledScore(server)
          .timeout(Duration.ofMillis(500))
          .errorColumn("error")
          .withColumn(spark().range(0, 20, 1, 2).toDF(), "score", col("id"))
          .collectAsList();

      assertThat(rows).hasSize(20).allSatisfy(row ->
          assertThat(row.getStruct(2).<String>getAs("exception_class")).isEqualTo("java.util.concurrent.TimeoutException"));
      assertThat(server.acceptedConnections()).isEqualTo(20);
      Duration closed = server.timeUntilAllClosed(CLOSE_LIMIT);
      assertThat(closed).as("%d of 20 connections still open %s after the job returned", server.openConnections(),
          CLOSE_LIMIT).isNotNull();
      assertThat(HttpConnector.shared(stalledScoreConfig(server)).metrics().inFlight()).isZero();
    }
  }

  @Test
  void cancellingTheJobGroupClosesTheConnectionsOfItsRequestsWithinASecond() throws Exception {
    SparkSession spark = spark();
    try (StallingServer server = new StallingServer()) {
      CompletableFuture<Long> job = CompletableFuture.supplyAsync(() -> {
        spark.sparkContext().setJobGroup("stalled-enrichment", "requests that never return", true);
        try {
          return (long) stalledScore(server).withColumn(spark.range(0, 20, 1, 2).toDF(), "score", col("id"))
              .collectAsList().size();
        } finally {
          spark.sparkContext().clearJobGroup();
        }
      });
      server.awaitOpen(20, Duration.ofSeconds(30));

      spark.sparkContext().cancelJobGroup("stalled-enrichment");

      Duration closed = server.timeUntilAllClosed(CLOSE_LIMIT);
      assertThat(closed).as("%d of 20 connections still open %s after the cancel", server.openConnections(), CLOSE_LIMIT)
          .isNotNull();
      assertThatThrownBy(() -> job.get(30, TimeUnit.SECONDS)).hasStackTraceContaining("cancelled");
    }
  }

  private static HttpClientConfig stalledScoreConfig(StallingServer server) {
    return stalledScore(server).options().parameters();
  }
}
