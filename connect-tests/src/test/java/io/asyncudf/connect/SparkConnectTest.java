package io.asyncudf.connect;

import static org.apache.spark.sql.functions.call_function;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncudf.AsyncChunkFunction;
import io.asyncudf.AsyncUdf;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Spark Connect end to end: a Connect server in its own JVM started with the extension, the JVM
 * Connect client here, a local HTTP service both the SQL functions and the conf-registered function
 * call. Every row is checked.
 */
class SparkConnectTest {

  private static final AtomicInteger ITEM_REQUESTS = new AtomicInteger();
  private static final AtomicInteger SCORE_REQUESTS = new AtomicInteger();

  private static final MockWebServer service = new MockWebServer();
  private static ConnectServer server;
  private static SparkSession spark;

  @BeforeAll
  static void start() throws Exception {
    service.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        String path = request.getUrl().encodedPath();
        if (path.startsWith("/items/")) {
          ITEM_REQUESTS.incrementAndGet();
          return ok("item-" + path.substring("/items/".length()) + " " + request.getHeaders().get("X-Trace"));
        }
        SCORE_REQUESTS.incrementAndGet();
        return ok("{\"score\": " + Long.parseLong(request.getUrl().queryParameter("id")) / 10.0 + "}");
      }
    });
    service.start(java.net.InetAddress.getLoopbackAddress(), 0);
    String url = "http://127.0.0.1:" + service.getPort() + "/";
    server = ConnectServer.start(Map.of(
        "spark.sql.extensions", "io.asyncudf.sql.AsyncUdfExtensions",
        "spark.asyncudf.connection.local.url", url,
        "spark.asyncudf.connection.local.maxConnections", "64",
        "spark.asyncudf.functions.risk_score.factory", "io.asyncudf.example.RiskScoreFunction",
        "spark.asyncudf.functions.risk_score.url", url,
        "spark.asyncudf.functions.risk_rows.factory", "io.asyncudf.example.RiskScoreRows",
        "spark.asyncudf.functions.risk_rows.url", url));
    spark = SparkSession.builder().remote(server.url()).getOrCreate();
  }

  private static MockResponse ok(String body) {
    return new MockResponse.Builder().code(200).body(body).build();
  }

  @AfterAll
  static void stop() {
    // no spark.stop(): releasing a Connect session loads Spark ML's ConnectHelper on the server, and Maven
    // Central has no spark-mllib 4.1.2 to put there; stopping the server ends the session
    if (server != null) {
      server.close();
    }
    service.close();
  }

  @Test
  void theConnectorSqlFunctionRunsOnTheServerForEveryRow() {
    int before = ITEM_REQUESTS.get();
    List<Row> rows = spark.sql("""
        SELECT id, r.status_code, r.text, r.error
        FROM (SELECT id, async_http_request('local', 'GET', concat('/items/', id), map('X-Trace', concat('t', id))) AS r
              FROM range(0, 500, 1, 4))
        """).collectAsList();

    assertThat(rows).hasSize(500);
    for (int i = 0; i < rows.size(); i++) {
      Row row = rows.get(i);
      assertThat(row.getLong(0)).isEqualTo(i);
      assertThat(row.isNullAt(1)).as("%s", row).isFalse();
      assertThat(row.getInt(1)).isEqualTo(200);
      assertThat(row.getString(2)).isEqualTo("item-" + i + " t" + i);
      assertThat(row.isNullAt(3)).isTrue();
    }
    assertThat(ITEM_REQUESTS.get() - before).isEqualTo(500);
  }

  @Test
  void aFunctionFromTheConfFactoryRunsFromSqlAndFromCallFunction() {
    List<Row> sql = spark.sql("SELECT id, risk_score(id).value AS score FROM range(0, 200, 1, 2)").collectAsList();
    List<Row> called = spark.range(0, 200, 1, 2)
        .select(col("id"), call_function("risk_score", col("id")).getField("value").as("score"))
        .collectAsList();

    assertThat(sql).hasSize(200);
    for (int i = 0; i < 200; i++) {
      assertThat(sql.get(i).getLong(0)).isEqualTo(i);
      assertThat(sql.get(i).getDouble(1)).isEqualTo(i / 10.0);
    }
    assertThat(called).isEqualTo(sql);
    assertThat(SCORE_REQUESTS.get()).isGreaterThanOrEqualTo(400);
  }

  @Test
  void aTableFunctionFromTheConfFactoryTakesATableArgumentFromTheClient() {
    int before = SCORE_REQUESTS.get();
    spark.range(0, 300, 1, 3).selectExpr("id", "concat('p', id) AS name").createOrReplaceTempView("patients");
    List<Row> rows = spark.sql("SELECT id, risk_score, error FROM risk_rows(TABLE(patients)) ORDER BY risk_score DESC")
        .collectAsList();

    assertThat(rows).hasSize(300);
    for (int i = 0; i < rows.size(); i++) {
      assertThat(rows.get(i).getLong(0)).isEqualTo(299 - i);
      assertThat(rows.get(i).getDouble(1)).isEqualTo((299 - i) / 10.0);
      assertThat(rows.get(i).isNullAt(2)).isTrue();
    }
    assertThat(SCORE_REQUESTS.get() - before).as("one request per row, under ORDER BY too").isEqualTo(300);
  }

  @Test
  void theJavaHelpersFailAtOnceNamingTheRouteThatWorksUnderConnect() {
    var upper = AsyncUdf.scalarToScalar(Encoders.STRING(), Encoders.STRING(),
        AsyncChunkFunction.perRow((ctx, text) -> CompletableFuture.completedFuture(text.toUpperCase())));

    assertThatThrownBy(() -> upper.withColumn(spark.range(3).toDF(), "x", col("id")))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("Spark Connect")
        .hasMessageContaining("spark.asyncudf.functions.<name>.factory")
        .hasMessageContaining("call_function");
    assertThatThrownBy(() -> upper.apply(col("id")))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("call_function");
  }
}
