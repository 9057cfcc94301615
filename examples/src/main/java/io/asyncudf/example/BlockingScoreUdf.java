package io.asyncudf.example;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * What the library replaces: a plain Spark UDF that calls the score service for each row and
 * waits for the answer, so every running task holds one request at a time. It retries a 503 like
 * the connector does and gives null for any other failure (a plain UDF has no error column).
 */
final class BlockingScoreUdf {

  private static final int ATTEMPTS = 4;
  private static final Duration RETRY_WAIT = Duration.ofMillis(100);

  /** One client per JVM, created where the UDF runs. */
  private static final class Client {
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build();
  }

  private BlockingScoreUdf() {}

  /** The UDF {@code id -> risk score}; only the service's URL travels with it. */
  static UserDefinedFunction create(URI service) {
    String base = service.toString().replaceAll("/+$", "");
    return functions.udf((UDF1<Long, Double>) id -> id == null ? null : score(base, id), DataTypes.DoubleType);
  }

  private static Double score(String base, long id) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/score?id=" + id))
        .timeout(Duration.ofSeconds(60)).build();
    for (int attempt = 1; ; attempt++) {
      HttpResponse<String> response = Client.HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 200) {
        String body = response.body();
        return Double.parseDouble(body.substring(body.indexOf("\"score\":") + 8, body.lastIndexOf('}')));
      }
      if (response.statusCode() != 503 || attempt == ATTEMPTS) {
        return null;
      }
      Thread.sleep(RETRY_WAIT.toMillis());
    }
  }
}
