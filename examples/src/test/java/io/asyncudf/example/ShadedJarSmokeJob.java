package io.asyncudf.example;

import static org.apache.spark.sql.functions.col;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.asyncudf.AsyncChunkFunction;
import io.asyncudf.AsyncUdf;
import io.asyncudf.connector.Secret;
import io.asyncudf.connector.TlsSettings;
import io.asyncudf.fhir.FhirClient;
import io.asyncudf.fhir.SmartBackendGrant;
import io.asyncudf.http.HttpClientConfig;
import io.asyncudf.http.HttpConnector;
import io.asyncudf.http.HttpRequest;
import io.asyncudf.opensearch.OpenSearchConfig;
import io.asyncudf.opensearch.OpenSearchConnector;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/**
 * A user's Spark job, compiled and run against nothing but Spark and the shaded jar (see
 * {@code ShadedJarSmokeTest}). It scores 1,000 rows through the HTTP connector in a local Spark
 * session, reads a FHIR resource over HTTPS, signs a SMART assertion and opens an OpenSearch client,
 * then prints {@code OK <rows> on Spark <version>}. Any failure ends the JVM with a stack trace and a non-zero status.
 *
 * <p>Arguments: a PKCS12 key store for the HTTPS server (its certificate is for {@code localhost})
 * and its password.
 */
public final class ShadedJarSmokeJob {

  private static final int ROWS = 1_000;

  private ShadedJarSmokeJob() {}

  public static void main(String[] args) throws Exception {
    requireAbsent("org.asynchttpclient.DefaultAsyncHttpClient", "org.apache.hc.core5.http.HttpHost",
        "org.opensearch.client.opensearch.OpenSearchAsyncClient", "com.nimbusds.jose.JWSHeader",
        "dev.failsafe.Failsafe", "jakarta.json.spi.JsonProvider", "org.eclipse.parsson.JsonProviderImpl");
    HttpServer scores = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    scores.createContext("/score", exchange -> {
      long id = Long.parseLong(exchange.getRequestURI().getQuery().substring("id=".length()));
      respond(exchange, "application/json", "{\"score\": " + id * 2 + "}");
    });
    HttpsServer fhir = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    fhir.setHttpsConfigurator(new HttpsConfigurator(serverTls(Path.of(args[0]), args[1].toCharArray())));
    fhir.createContext("/fhir/Patient/7",
        exchange -> respond(exchange, "application/fhir+json", "{\"resourceType\": \"Patient\", \"id\": \"7\"}"));
    scores.start();
    fhir.start();
    SparkSession spark = SparkSession.builder().master("local[2]").appName("shaded jar smoke")
        .config("spark.ui.enabled", "false").getOrCreate();
    try {
      List<Row> rows = scoreRows(spark, "http://localhost:" + scores.getAddress().getPort() + "/");
      for (Row row : rows) {
        require(row.getLong(1) == row.getLong(0) * 2, "wrong score in " + row);
      }
      require(rows.size() == ROWS, "expected " + ROWS + " rows, got " + rows.size());

      HttpClientConfig fhirConfig = HttpClientConfig.builder()
          .baseUrl("https://localhost:" + fhir.getAddress().getPort() + "/fhir/")
          .tls(TlsSettings.trustStore(Path.of(args[0]), Secret.of(args[1])))
          .build();
      var patient = FhirClient.shared(fhirConfig).read(null, "Patient", "7").toCompletableFuture()
          .get(30, TimeUnit.SECONDS).orElseThrow();
      require("7".equals(patient.get("id").asText()), "wrong patient " + patient);

      String assertion = SmartBackendGrant.of("smoke", Secret.of(rsaPrivateKeyPem()), "RS384", "key-1", "system/Patient.rs")
          .formParameters("https://localhost/token").get("client_assertion");
      require(assertion.split("\\.").length == 3, "not a signed JWT: " + assertion);

      try (OpenSearchConnector openSearch = OpenSearchConnector.create(OpenSearchConfig.builder("http://localhost:9200").build())) {
        require(openSearch.client() != null, "no OpenSearch client");
      }
      System.out.println("OK " + rows.size() + " on Spark " + spark.version());
    } finally {
      spark.stop();
      HttpConnector.closeShared();
      scores.stop(0);
      fhir.stop(0);
    }
  }

  private static List<Row> scoreRows(SparkSession spark, String service) {
    HttpClientConfig config = HttpClientConfig.builder().baseUrl(service).build();
    return AsyncUdf.<Long, Long, HttpClientConfig>scalarToScalar(
            AsyncChunkFunction.perRow((ctx, id) -> HttpConnector.shared(ctx.parameters())
                .send(ctx, HttpRequest.get("score?id=" + id))
                .thenApply(response -> response.json().get("score").asLong())),
            DataTypes.LongType)
        .parameters(config)
        .maxChunkSize(50)
        .withColumn(spark.range(0, ROWS, 1, 4).toDF(), "score", col("id"))
        .collectAsList();
  }

  /** Unrelocated copies of the libraries only we use must not be on a Spark classpath. */
  private static void requireAbsent(String... classNames) {
    for (String className : classNames) {
      try {
        Class.forName(className);
        throw new IllegalStateException(className + " is on the classpath unrelocated");
      } catch (ClassNotFoundException expected) {
        // only the relocated copy in the shaded jar may exist
      }
    }
  }

  private static SSLContext serverTls(Path keyStoreFile, char[] password) throws Exception {
    KeyStore keyStore = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keyStoreFile)) {
      keyStore.load(in, password);
    }
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(keyStore, password);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), null, null);
    return context;
  }

  private static String rsaPrivateKeyPem() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    byte[] pkcs8 = generator.generateKeyPair().getPrivate().getEncoded();
    return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(pkcs8) + "\n-----END PRIVATE KEY-----\n";
  }

  private static void respond(HttpExchange exchange, String contentType, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalStateException(message);
    }
  }
}
