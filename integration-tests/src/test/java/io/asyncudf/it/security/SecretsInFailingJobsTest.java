package io.asyncudf.it.security;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import io.asyncudf.AsyncChunkFunction;
import io.asyncudf.AsyncUdf;
import io.asyncudf.ColumnUdf;
import io.asyncudf.RetryPolicy;
import io.asyncudf.bridge.OpenSearchChunkFunctions;
import io.asyncudf.connector.Secret;
import io.asyncudf.fhir.FhirClient;
import io.asyncudf.fhir.SmartBackendGrant;
import io.asyncudf.http.ClientSecretGrant;
import io.asyncudf.http.HttpAuth;
import io.asyncudf.http.HttpClientConfig;
import io.asyncudf.http.HttpConnector;
import io.asyncudf.http.HttpRequest;
import io.asyncudf.http.HttpResponse;
import io.asyncudf.http.HttpRetrySettings;
import io.asyncudf.opensearch.OpenSearchConfig;
import io.asyncudf.opensearch.OpenSearchConnector;
import java.io.Serializable;
import java.net.InetAddress;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mockwebserver3.MockWebServer;
import org.apache.logging.log4j.Level;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Authenticated Spark jobs against a service that fails every fifth row, with every kind of
 * credential the connectors take: nothing secret may show in the logs (ours, the HTTP stacks' at
 * TRACE, Spark's at INFO), the exceptions, the error structs, {@code toString()} or what Spark's UI
 * and event log show.
 */
class SecretsInFailingJobsTest {

  private static final String USER = "etl";
  private static final String PASSWORD = "pw-Hunter2-7f3a9c";
  private static final String BEARER = "bt-9d8c7b6a5f4e0d";
  private static final String CLIENT_SECRET = "cs-1a2b3c4d5e6f7a";
  private static final String OAUTH_TOKEN = "at-oauth-55aa66bb";
  private static final String SMART_TOKEN = "at-smart-77cc88dd";
  private static final String SEARCH_USER = "search";
  private static final String SEARCH_PASSWORD = "os-pw-3e4f5a6b";
  private static final String QUERY_SECRET = "qk-0f9e8d7c6b";
  private static final String API_KEY = "ak-6c5d4e3f2a1b";
  private static final int ROWS = 100;

  private static final AuthenticatedService SERVICE = new AuthenticatedService(
      Set.of(AuthenticatedService.basic(USER, PASSWORD), "Bearer " + BEARER, "Bearer " + OAUTH_TOKEN,
          "Bearer " + SMART_TOKEN, AuthenticatedService.basic(SEARCH_USER, SEARCH_PASSWORD)),
      CLIENT_SECRET, OAUTH_TOKEN, SMART_TOKEN);

  private static MockWebServer server;
  private static SparkSession spark;

  @BeforeAll
  static void start() throws Exception {
    server = new MockWebServer();
    server.setDispatcher(SERVICE);
    server.start(InetAddress.getLoopbackAddress(), 0);
    spark = SparkSession.builder().master("local[2]").appName("secrets").config("spark.ui.enabled", "false").getOrCreate();
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
    HttpConnector.closeShared();
    OpenSearchConnector.closeShared();
    if (server != null) {
      server.close();
    }
  }

  @Test
  void noSecretShowsInLogsExceptionsErrorStructsToStringOrTheSparkUi() throws Exception {
    String base = server.url("/").toString();
    String privateKeyPem = privateKeyPem();
    HttpRetrySettings quickRetries = HttpRetrySettings.defaults().withMaxAttempts(2)
        .withBackoff(Duration.ofMillis(5), Duration.ofMillis(20));
    Map<String, HttpClientConfig> httpClients = new LinkedHashMap<>();
    httpClients.put("basic", http(base, HttpAuth.basic(USER, Secret.of(PASSWORD)), quickRetries).toBuilder()
        .secretHeader("X-Api-Key", Secret.of(API_KEY)).build());
    httpClients.put("bearer", http(base, HttpAuth.bearer(Secret.of(BEARER)), quickRetries));
    httpClients.put("oauth2", http(base, HttpAuth.oauth2(base + "oauth/token",
        new ClientSecretGrant("spark-etl", Secret.of(CLIENT_SECRET), null)), quickRetries));
    HttpClientConfig smart = http(base + "fhir/", HttpAuth.oauth2(base + "smart/token",
        SmartBackendGrant.of("spark-etl", Secret.of(privateKeyPem), "RS384", "key-1", "system/Patient.rs")), quickRetries);
    OpenSearchConfig search = OpenSearchConfig.builder(base.substring(0, base.length() - 1))
        .basicAuth(SEARCH_USER, Secret.of(SEARCH_PASSWORD))
        .retries(2, Duration.ofMillis(5), Duration.ofMillis(20))
        .build();

    List<String> texts = new ArrayList<>();
    UiVisibleText ui = new UiVisibleText();
    spark.sparkContext().addSparkListener(ui);
    Map<String, Level> levels = new LinkedHashMap<>();
    for (String name : List.of("io.asyncudf", "io.netty", "org.apache.hc", "org.opensearch",
        "com.nimbusds", "mockwebserver3", "okhttp3")) {
      levels.put(name, Level.TRACE);
    }
    // the README's rule: these print headers or URLs verbatim at DEBUG (and the connectors warn when they do)
    for (String name : List.of("org.asynchttpclient", "org.apache.hc.client5.http.headers",
        "org.apache.hc.client5.http.wire")) {
      levels.put(name, Level.INFO);
    }
    try (CapturedLogs logs = new CapturedLogs(levels)) {
      httpClients.forEach((name, config) -> texts.addAll(job(name, score(config), col("id"), ROWS / 5)));
      texts.addAll(job("smart", patient(smart), col("id"), ROWS / 5));
      texts.addAll(job("opensearch", OpenSearchChunkFunctions.lookupByIds(search, "docs"), col("id").cast("string"), ROWS));
      spark.sparkContext().listenerBus().waitUntilEmpty();
      texts.add(logs.text());
      assertThat(logs.linesFrom("org.apache.hc")).isPositive();
      assertThat(logs.linesFrom("org.apache.spark")).isPositive();
    }
    texts.add(ui.text());
    for (HttpClientConfig config : httpClients.values()) {
      texts.add(config.toString());
      texts.add(config.auth().toString());
      texts.add(HttpConnector.shared(config).toString());
    }
    texts.add(smart.toString());
    texts.add(FhirClient.shared(smart).toString());
    texts.add(search.toString());
    texts.add(OpenSearchConnector.shared(search).toString());

    String everything = String.join("\n", texts);
    assertThat(SERVICE.rejected).as("every request authenticated").hasValue(0);
    assertThat(SERVICE.tokenRequests.get()).as("both token endpoints used").isGreaterThanOrEqualTo(2);
    assertThat(everything).as("the failures themselves are visible")
        .contains("HTTP 503", "api_key=****", "Lost task", "cluster unavailable");
    assertThat(everything).doesNotContain(PASSWORD, BEARER, CLIENT_SECRET, OAUTH_TOKEN, SMART_TOKEN, SEARCH_PASSWORD,
        QUERY_SECRET, API_KEY, basicCredentials(USER, PASSWORD), basicCredentials(SEARCH_USER, SEARCH_PASSWORD));
    for (String keyLine : privateKeyPem.split("\n")) {
      if (!keyLine.startsWith("-----")) {
        assertThat(everything).doesNotContain(keyLine);
      }
    }
  }

  /**
   * Runs {@code fn} over {@code ROWS} ids, one per chunk, with an error column, then without one (which fails the
   * job), and returns every text a user would see of both: the plan, the output rows, the failure.
   */
  private static <I> List<String> job(String name, AsyncChunkFunction<I, String, Serializable> fn, Column input,
      int failingRows) {
    List<String> texts = new ArrayList<>();
    ColumnUdf<I, String, Serializable> udf = AsyncUdf.<I, String, Serializable>scalarToScalar(fn, DataTypes.StringType)
        .maxChunkSize(1)
        .retry(RetryPolicy.attempts(2).backoff(Duration.ofMillis(5), Duration.ofMillis(20)));
    Dataset<Row> ids = spark.range(0, ROWS, 1, 2).toDF();

    Dataset<Row> recorded = udf.errorColumn("error").withColumn(ids, "result", input);
    List<Row> rows = recorded.collectAsList();
    assertThat(rows).as(name).hasSize(ROWS);
    assertThat(rows.stream().filter(row -> !row.isNullAt(2))).as(name + ": rows with an error").hasSize(failingRows);
    assertThat(rows.stream().filter(row -> row.isNullAt(2)))
        .as(name + ": the other rows were answered").allSatisfy(row -> assertThat(row.isNullAt(1)).isFalse());
    rows.forEach(row -> texts.add(row.toString()));
    texts.add(recorded.queryExecution().toString());
    texts.add(udf.toString());

    Throwable failure = catchThrowable(() -> udf.withColumn(ids, "result", input).collect());
    assertThat(failure).as(name + " without an error column").isNotNull();
    texts.add(Texts.stackTrace(failure));
    return texts;
  }

  private static AsyncChunkFunction<Long, String, Serializable> score(HttpClientConfig config) {
    return AsyncChunkFunction.perRow((context, id) -> HttpConnector.shared(config)
        .send(context, HttpRequest.get("score/" + id + "?api_key=" + QUERY_SECRET))
        .thenApply(HttpResponse::bodyAsString));
  }

  private static AsyncChunkFunction<Long, String, Serializable> patient(HttpClientConfig config) {
    return AsyncChunkFunction.perRow((context, id) -> FhirClient.shared(config)
        .read(context, "Patient", String.valueOf(id))
        .thenApply(found -> found.map(JsonNode::toString).orElse(null)));
  }

  private static HttpClientConfig http(String baseUrl, HttpAuth auth, HttpRetrySettings retry) {
    return HttpClientConfig.builder().baseUrl(baseUrl).auth(auth).retry(retry).build();
  }

  private static String basicCredentials(String user, String password) {
    return AuthenticatedService.basic(user, password).substring("Basic ".length());
  }

  private static String privateKeyPem() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(generator.generateKeyPair().getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
  }
}
