package io.asyncudf.example;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Calls the score service without blocking, with the JDK's HTTP client: one client per executor
 * JVM, created on first use and shared by every task. (The library's own HTTP connector, with
 * retries and rate limits, is a separate module.)
 */
final class ScoreClient {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5))
      .version(HttpClient.Version.HTTP_1_1)
      .build();

  private ScoreClient() {}

  static CompletableFuture<Double> score(URI base, long id) {
    HttpRequest request = HttpRequest.newBuilder(base.resolve("/score?id=" + id)).timeout(Duration.ofSeconds(30)).build();
    return CLIENT.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(response -> {
      if (response.statusCode() != 200) {
        throw new IllegalStateException("score service answered " + response.statusCode() + " for id " + id);
      }
      try {
        JsonNode body = JSON.readTree(response.body());
        return body.get("score").asDouble();
      } catch (IOException e) {
        throw new UncheckedIOException("malformed score for id " + id, e);
      }
    });
  }
}
