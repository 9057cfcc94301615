package io.asyncudf.sql;

import static org.apache.spark.sql.functions.call_function;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The built-in SQL functions over named connections, against a local HTTP server. */
class AsyncSqlFunctionsTest {

  private final MockWebServer server = new MockWebServer();
  private final AtomicInteger unavailable = new AtomicInteger();
  private final java.util.Set<String> flakySeen = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final java.util.Queue<Long> budgetedArrivals = new java.util.concurrent.ConcurrentLinkedQueue<>();
  /** While set, {@code /outage/<even id>} answers 503. */
  private final java.util.concurrent.atomic.AtomicBoolean outage = new java.util.concurrent.atomic.AtomicBoolean();
  private final SparkSession spark = SqlSpark.session();

  @BeforeEach
  void start() throws IOException {
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        String path = request.getUrl().encodedPath();
        if (path.startsWith("/flaky/") && flakySeen.add(path)) {
          unavailable.incrementAndGet();
          return new MockResponse.Builder().code(503).addHeader("Retry-After", "0").body("busy").build();
        }
        if (path.startsWith("/outage/")) {
          long id = Long.parseLong(path.substring("/outage/".length()));
          if (id == 3) {
            return new MockResponse.Builder().code(404).body("no item 3").build();
          }
          if (outage.get() && id % 2 == 0) {
            return new MockResponse.Builder().code(503).body("down").build();
          }
        }
        if (path.startsWith("/budgeted/")) {
          budgetedArrivals.add(System.nanoTime());
        }
        if (path.startsWith("/large/")) { // over the size converted on the network thread
          return new MockResponse.Builder().code(200).body("x".repeat(20_000) + path).build();
        }
        if (path.startsWith("/missing/")) {
          return new MockResponse.Builder().code(404).body("no such thing").build();
        }
        if (path.startsWith("/gone/")) { // a non-2xx answer over the size converted on the network thread
          return new MockResponse.Builder().code(410).body("g".repeat(20_000) + path).build();
        }
        if (path.startsWith("/typed/")) {
          return new MockResponse.Builder().code(200).body(request.getHeaders().get("Content-Type") + " "
              + request.getBody().string(StandardCharsets.UTF_8)).build();
        }
        String echo = request.getMethod() + " " + request.getTarget() + " " + request.getHeaders().get("X-Trace")
            + " " + (request.getBody() == null ? "" : request.getBody().string(StandardCharsets.UTF_8)) + " auth=" + request.getHeaders().get("Authorization");
        return new MockResponse.Builder().code(200).addHeader("X-Echo", "yes").body(echo).build();
      }
    });
    server.start(0);
    spark.conf().set("spark.asyncudf.connection.api.url", server.url("/").toString());
    spark.conf().set("spark.asyncudf.connection.api.retry.initialBackoff", "1ms");
    spark.range(0, 300, 1, 3).selectExpr("id", "concat('name-', id) AS name").createOrReplaceTempView("people");
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
  }

  @Test
  void anOpenSearchConnectionRefusesKeysItsClientCannotHonour() throws Exception {
    spark.conf().set("spark.asyncudf.connection.search.url", "http://127.0.0.1:" + closedPort());
    spark.conf().set("spark.asyncudf.connection.search.header.X-Team", "data");
    try {
      assertThatThrownBy(() -> spark.sql("SELECT opensearch_get('search', 'people', 'd1')").collect())
          .hasMessageContaining("spark.asyncudf.connection.search.header.X-Team does not apply to an OpenSearch "
              + "connection, which takes only auth, auth.password");
    } finally {
      spark.conf().unset("spark.asyncudf.connection.search.url");
      spark.conf().unset("spark.asyncudf.connection.search.header.X-Team");
    }
  }

  @Test
  void asyncHttpRequestSendsEveryRowOnceInOrder() {
    List<Row> rows = spark.sql("""
        SELECT id, r.status_code, r.text, r.headers['x-echo'] AS echo, r.error
        FROM (SELECT id, async_http_request('api', 'POST', concat('/items/', id), map('X-Trace', name),
                                            map('q', 'a b'), concat('{"n":', id, '}')) AS r FROM people)
        """).collectAsList();

    assertThat(rows).hasSize(300);
    for (int i = 0; i < rows.size(); i++) {
      Row row = rows.get(i);
      assertThat(row.getLong(0)).isEqualTo(i);
      assertThat(row.getInt(1)).isEqualTo(200);
      assertThat(row.getString(2)).isEqualTo("POST /items/" + i + "?q=a%20b name-" + i + " {\"n\":" + i + "} auth=null");
      assertThat(row.getString(3)).isEqualTo("yes");
      assertThat(row.isNullAt(4)).isTrue();
    }
    assertThat(server.getRequestCount()).isEqualTo(300);
  }

  @Test
  void largeAndSmallAnswersBothBecomeTheirRowsWhole() {
    List<Row> rows = spark.sql("SELECT id, r.status_code, r.text FROM (SELECT id, async_http_request('api', 'GET', "
        + "concat(IF(id % 2 = 0, 'large/', 'small/'), id)) AS r FROM range(0, 40, 1, 2)) ORDER BY id").collectAsList();

    assertThat(rows).hasSize(40);
    for (Row row : rows) {
      long id = row.getLong(0);
      assertThat(row.getInt(1)).isEqualTo(200);
      if (id % 2 == 0) {
        assertThat(row.getString(2)).hasSize(20_000 + ("/large/" + id).length()).endsWith("/large/" + id);
      } else {
        assertThat(row.getString(2)).startsWith("GET /small/" + id + " ");
      }
    }
  }

  @Test
  void aLargeNon2xxAnswerKeepsItsBodyWhole() {
    List<Row> rows = spark.sql("SELECT id, r.status_code, r.text, r.headers FROM (SELECT id, async_http_request('api',"
        + " 'GET', concat('gone/', id)) AS r FROM range(0, 10, 1, 2)) ORDER BY id").collectAsList();

    assertThat(rows).hasSize(10).allSatisfy(row -> {
      assertThat(row.getInt(1)).isEqualTo(410);
      assertThat(row.getString(2)).hasSize(20_000 + ("/gone/" + row.getLong(0)).length())
          .endsWith("/gone/" + row.getLong(0));
      assertThat(row.isNullAt(3)).as("a non-2xx answer keeps no headers").isTrue();
    });
  }

  @Test
  void aContentTypeHeaderSetsTheBodysTypeAndOneWithoutAValueLeavesTheDefault() {
    List<Row> rows = spark.sql("SELECT r.text FROM (SELECT async_http_request('api', 'POST', '/typed/',"
        + " map('Content-Type', t), NULL, 'hi') AS r FROM VALUES ('text/plain'), (CAST(NULL AS STRING)) AS v(t))")
        .collectAsList();

    assertThat(rows).extracting(row -> row.getString(0))
        .containsExactlyInAnyOrder("text/plain hi", "application/json hi");
  }

  @Test
  void retriesA503WithRetryAfterAndKeepsANon2xxAnswerAsAResult() {
    List<Row> rows = spark.sql("""
        SELECT async_http_request('api', 'GET', concat('/flaky/', id)).status_code AS flaky,
               async_http_request('api', 'GET', concat('/missing/', id)) AS missing
        FROM people WHERE id < 20
        """).collectAsList();

    assertThat(rows).hasSize(20).allSatisfy(row -> {
      assertThat(row.getInt(0)).isEqualTo(200);
      Row missing = row.getStruct(1);
      assertThat(missing.getInt(0)).isEqualTo(404);
      assertThat(missing.getString(1)).isEqualTo("no such thing");
      assertThat(missing.isNullAt(3)).isTrue();
    });
    assertThat(unavailable.get()).isEqualTo(20);
  }

  @Test
  void aRowThatCannotBeSentIsThatRowsErrorOnly() {
    List<Row> rows = spark.sql("""
        SELECT id, r.status_code, r.error.message, r.error.input_json
        FROM (SELECT id, async_http_request('api', 'GET', IF(id = 3, NULL, '/ok')) AS r FROM people WHERE id < 6)
        """).collectAsList();

    assertThat(rows).hasSize(6);
    for (Row row : rows) {
      if (row.getLong(0) == 3) {
        assertThat(row.isNullAt(1)).isTrue();
        assertThat(row.getString(2)).isEqualTo("async_http_request: method and path must not be null");
        assertThat(row.getString(3)).contains("\"method\":\"GET\"");
      } else {
        assertThat(row.getInt(1)).isEqualTo(200);
        assertThat(row.isNullAt(2)).isTrue();
      }
    }
  }

  @Test
  void aServiceThatIsDownGivesEveryRowItsErrorAndFailsNothing() throws IOException {
    spark.conf().set("spark.asyncudf.connection.closed.url", "http://127.0.0.1:" + closedPort() + "/");
    spark.conf().set("spark.asyncudf.connection.closed.retry.maxAttempts", "2");
    spark.conf().set("spark.asyncudf.connection.closed.retry.initialBackoff", "1ms");
    List<Row> rows = spark.sql("""
        SELECT id, r.status_code, r.error.exception_class, r.error.message
        FROM (SELECT id, async_http_request('closed', 'GET', '/ok') AS r FROM people WHERE id < 5)
        """).collectAsList();

    assertThat(rows).extracting(row -> row.getLong(0)).containsExactly(0L, 1L, 2L, 3L, 4L);
    assertThat(rows).allSatisfy(row -> {
      assertThat(row.isNullAt(1)).isTrue();
      assertThat(row.getString(2)).contains("ConnectException");
      assertThat(row.getString(3)).contains("127.0.0.1");
    });
  }

  @Test
  void credentialsGivenPerRowAreMaskedInTheErrorStruct() throws IOException {
    spark.conf().set("spark.asyncudf.connection.down.url", "http://127.0.0.1:" + closedPort() + "/");
    spark.conf().set("spark.asyncudf.connection.down.retry.maxAttempts", "1");
    spark.conf().set("spark.asyncudf.connection.down.maskedHeaders", "X-Tenant, X-Other");
    List<Row> rows = spark.sql("""
        SELECT r.error.input_json, r.error.message
        FROM (SELECT async_http_request('down', 'GET', '/x',
                map('Authorization', 'Bearer sk-live-123', 'X-Api-Key', 'k-456', 'Cookie', 'session=c-789',
                    'X-Trace', 't-1', 'x-tenant', 'tenant-42'),
                map('access_token', 'qt-1', 'page', '2')) AS r FROM people WHERE id < 2)
        """).collectAsList();

    assertThat(rows).hasSize(2).allSatisfy(row -> {
      String json = row.getString(0);
      assertThat(json).contains("\"Authorization\":\"****\"", "\"X-Api-Key\":\"****\"", "\"Cookie\":\"****\"",
          "\"X-Trace\":\"t-1\"", "\"access_token\":\"****\"", "\"page\":\"2\"", "\"x-tenant\":\"****\"");
      assertThat(json + row.getString(1)).doesNotContain("sk-live-123", "k-456", "c-789", "qt-1", "tenant-42");
    });
  }

  @Test
  void aConnectionsJobWideBudgetSpacesItsRequests() {
    spark.conf().set("spark.asyncudf.connection.budgeted.url", server.url("/").toString());
    spark.conf().set("spark.asyncudf.connection.budgeted.clusterRequestsPerSecond", "50");
    try {
      List<Row> rows = spark.sql("SELECT async_http_request('budgeted', 'GET', concat('/budgeted/', id)).status_code"
          + " AS status FROM people WHERE id < 100").collectAsList();

      assertThat(rows).hasSize(100).allSatisfy(row -> assertThat(row.getInt(0)).isEqualTo(200));
      List<Long> arrivals = budgetedArrivals.stream().sorted().toList();
      assertThat(arrivals).hasSize(100);
      // 100 requests at 50/s cannot arrive within less than 99 intervals of 20 ms, whatever the tasks do
      assertThat((arrivals.get(99) - arrivals.get(0)) / 1e9).as("seconds from the first request to the last")
          .isGreaterThan(1.9);
    } finally {
      spark.conf().unset("spark.asyncudf.connection.budgeted.url");
      spark.conf().unset("spark.asyncudf.connection.budgeted.clusterRequestsPerSecond");
    }
  }

  @Test
  void aConnectionWithAnAdaptiveInFlightLimitAnswersEveryRowAndABadValueIsNamed() {
    spark.conf().set("spark.asyncudf.connection.adaptive.url", server.url("/").toString());
    spark.conf().set("spark.asyncudf.connection.adaptive.maxInFlight", "adaptive");
    try {
      List<Row> rows = spark.sql("SELECT async_http_request('adaptive', 'GET', concat('/items/', id)).status_code"
          + " AS status FROM people").collectAsList();
      assertThat(rows).hasSize(300).allSatisfy(row -> assertThat(row.getInt(0)).isEqualTo(200));

      spark.conf().set("spark.asyncudf.connection.adaptive.maxInFlight", "adaptiv");
      assertThatThrownBy(() -> spark.sql("SELECT async_http_request('adaptive', 'GET', '/x') FROM people").collect())
          .hasMessageContaining("spark.asyncudf.connection.adaptive.maxInFlight")
          .hasMessageContaining("must be a whole number or 'adaptive', was 'adaptiv'");
    } finally {
      spark.conf().unset("spark.asyncudf.connection.adaptive.url");
      spark.conf().unset("spark.asyncudf.connection.adaptive.maxInFlight");
    }
  }

  @Test
  void aJournalAnswersARepeatedQueryWithoutARequest(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    String journal = dir.resolve("journal").toString().replace("'", "");
    String query = "SELECT id, r.status_code, r.text FROM (SELECT id, async_http_request('api', 'GET', concat('/items/', id),"
        + " NULL, NULL, NULL, map('journal', '" + journal + "')) AS r FROM people WHERE id < 50) ORDER BY id";
    long before = server.getRequestCount();
    // one operator calls and journals (so that a retried task recovers what its attempt before it journaled), with
    // nothing planned between the two: the optimizer's column pruning once put a projection there
    org.apache.spark.sql.execution.QueryExecution planned = spark.sql(query).queryExecution();
    assertThat(planned.executedPlan().toString()).contains("AsyncEval").doesNotContain("JournalAppend");
    assertThat(planned.explainString(org.apache.spark.sql.execution.FormattedMode$.MODULE$))
        .contains("journal=" + journal);
    List<Row> first = spark.sql(query).collectAsList();
    assertThat(server.getRequestCount() - before).isEqualTo(50);

    List<Row> again = spark.sql(query).collectAsList();
    assertThat(server.getRequestCount() - before).as("the second run asked nothing").isEqualTo(50);
    assertThat(again).isEqualTo(first);
    assertThat(first.get(7).getString(2)).startsWith("GET /items/7 ");
    assertThat(dir.resolve("journal").resolve("async_http_request.api")).isDirectory();

    spark.conf().set("spark.asyncudf.connection.api2.url", server.url("/").toString());
    try {
      spark.sql(query.replace("'api'", "'api2'")).collectAsList();
      assertThat(server.getRequestCount() - before).as("another connection's answers are its own").isEqualTo(100);
    } finally {
      spark.conf().unset("spark.asyncudf.connection.api2.url");
    }

    spark.conf().set("spark.asyncudf.sql.journal", journal);
    try {
      List<Row> fromConf = spark.sql("SELECT id, async_http_request('api', 'GET', concat('/items/', id)).text AS text"
          + " FROM people WHERE id < 60 ORDER BY id").collectAsList();
      assertThat(server.getRequestCount() - before).as("only the 10 new rows").isEqualTo(110);
      assertThat(fromConf.get(55).getString(1)).startsWith("GET /items/55 ");
    } finally {
      spark.conf().unset("spark.asyncudf.sql.journal");
    }
  }

  @Test
  void aJournalKeepsNoAnswerOfAnOutageAndTheRerunCallsOnlyThoseRows(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    String journal = dir.resolve("outage").toString().replace("'", "");
    spark.conf().set("spark.asyncudf.connection.once.url", server.url("/").toString());
    spark.conf().set("spark.asyncudf.connection.once.retry.maxAttempts", "1");
    String query = "SELECT id, r.status_code FROM (SELECT id, async_http_request('once', 'GET', concat('/outage/', id),"
        + " NULL, NULL, NULL, map('journal', '" + journal + "')) AS r FROM people WHERE id < 20) ORDER BY id";
    try {
      outage.set(true);
      long before = server.getRequestCount();
      List<Row> during = spark.sql(query).collectAsList();
      assertThat(during).filteredOn(row -> row.getInt(1) == 503).as("the even ids").hasSize(10);
      assertThat(server.getRequestCount() - before).isEqualTo(20);

      outage.set(false);
      List<Row> after = spark.sql(query).collectAsList();

      assertThat(server.getRequestCount() - before).as("only the rows that got a 503 are called again").isEqualTo(30);
      assertThat(after).extracting(row -> row.getInt(1)).as("each row's status after the outage")
          .containsExactly(200, 200, 200, 404, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200,
              200, 200);
    } finally {
      spark.conf().unset("spark.asyncudf.connection.once.url");
      spark.conf().unset("spark.asyncudf.connection.once.retry.maxAttempts");
    }
  }

  @Test
  void unknownConnectionFailsAtAnalysisNamingIt() {
    assertThatThrownBy(() -> spark.sql("SELECT async_http_request('nope', 'GET', '/') FROM people"))
        .hasMessageContaining("unknown connection 'nope'")
        .hasMessageContaining("spark.asyncudf.connection.nope.url is not set")
        .hasMessageContaining("defined connections: [api, ").hasMessageContaining("vault]");
  }

  @Test
  void optionsComeFromTheSessionAndTheOptionsMap() {
    spark.conf().set("spark.asyncudf.sql.maxConcurrentChunks", "3");
    try {
      var df = spark.sql("SELECT async_http_request('api', 'GET', '/x', NULL, NULL, NULL, map('maxChunkSize', '7')) FROM people");
      df.collectAsList();
      String explain = df.queryExecution().explainString(org.apache.spark.sql.execution.FormattedMode$.MODULE$);
      assertThat(explain).contains("maxChunkSize=7, maxConcurrentChunks=3", "chunks: 45", "number of input rows: 300");
    } finally {
      spark.conf().unset("spark.asyncudf.sql.maxConcurrentChunks");
    }
    assertThatThrownBy(() -> spark.sql("SELECT async_http_request('api', 'GET', '/x', NULL, NULL, NULL, map('chunk', '7'))"))
        .hasMessageContaining("async_http_request: unknown option 'chunk'");
  }

  @Test
  void aFunctionFromAConfFactoryIsCallableFromSqlAndCallFunction() {
    List<Row> sql = spark.sql("SELECT shout(name) FROM people WHERE id < 3").collectAsList();
    List<Row> called = spark.table("people").where("id < 3").select(call_function("shout", col("name"))).collectAsList();

    assertThat(sql).extracting(row -> row.getString(0)).containsExactly("NAME-0!", "NAME-1!", "NAME-2!");
    assertThat(called).isEqualTo(sql);
  }

  @Test
  void basicAuthGoesToTheServerAndTheSecretNeverToTheEventLog() throws Exception {
    List<Row> rows = spark.sql("SELECT async_http_request('vault', 'GET', '/secret').text FROM people WHERE id = 0")
        .collectAsList();

    String basic = Base64.getEncoder().encodeToString(("reader:" + SqlSpark.VAULT_PASSWORD).getBytes(StandardCharsets.UTF_8));
    assertThat(rows.get(0).getString(0)).endsWith("auth=Basic " + basic);
    String log = eventLog();
    assertThat(log).contains("spark.asyncudf.connection.vault.auth.password", "AsyncEval");
    assertThat(log).doesNotContain(SqlSpark.VAULT_PASSWORD).doesNotContain(basic);
  }

  @Test
  void aSessionCannotRepointOrAddCredentialsToAConnection() {
    String vault = spark.conf().get("spark.asyncudf.connection.vault.url");
    try {
      spark.conf().set("spark.asyncudf.connection.vault.url", server.url("/elsewhere/").toString());
      assertThatThrownBy(() -> spark.sql("SELECT async_http_request('vault', 'GET', '/secret')").collect())
          .hasMessageContaining("connection 'vault' has credentials, so spark.asyncudf.connection.vault.url must come "
              + "from the cluster's Spark conf");
    } finally {
      spark.conf().set("spark.asyncudf.connection.vault.url", vault);
    }
    spark.conf().set("spark.asyncudf.connection.thief.url", server.url("/").toString());
    spark.conf().set("spark.asyncudf.connection.thief.auth.tokenEnv", "PATH");
    assertThatThrownBy(() -> spark.sql("SELECT async_http_request('thief', 'GET', '/')").collect())
        .hasMessageContaining("spark.asyncudf.connection.thief.auth.tokenEnv must come from the cluster's Spark conf");
    spark.conf().unset("spark.asyncudf.connection.thief.url");
    spark.conf().unset("spark.asyncudf.connection.thief.auth.tokenEnv");
    assertThat(server.getRequestCount()).isZero();
  }

  private static String eventLog() throws IOException {
    try (Stream<Path> files = Files.walk(SqlSpark.EVENT_LOG)) {
      StringBuilder all = new StringBuilder();
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        all.append(Files.readString(file));
      }
      return all.toString();
    }
  }

  private static int closedPort() throws IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
