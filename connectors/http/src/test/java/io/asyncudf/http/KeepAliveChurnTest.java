package io.asyncudf.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Keep-alive churn: a server that closes pooled connections without saying so. Idempotent requests
 * caught on such a connection are re-sent at once on another, without backoff and without counting
 * as retries; a POST never is.
 */
class KeepAliveChurnTest {

  /** A backoff long enough that a request that went through the retry policy would show in the run time. */
  private static HttpClientConfig.Builder config(ChurningServer server) {
    return HttpClientConfig.builder().baseUrl(server.url()).maxConnections(8).maxConnectionsPerHost(8)
        .retry(HttpRetrySettings.defaults().withBackoff(Duration.ofSeconds(5), Duration.ofSeconds(5)));
  }

  @Test
  void requestsOnConnectionsTheServerClosedAreResentAtOnceAndAreNoRetries() throws Exception {
    try (ChurningServer server = new ChurningServer(); HttpConnector http = HttpConnector.create(config(server).build())) {
      RecordingContext scope = new RecordingContext();
      List<CompletableFuture<HttpResponse>> calls = new ArrayList<>();
      for (int i = 0; i < 2_000; i++) {
        calls.add(http.send(scope, HttpRequest.get("echo/" + i)).toCompletableFuture());
      }
      for (int i = 0; i < calls.size(); i++) {
        assertThat(calls.get(i).get(60, TimeUnit.SECONDS).bodyAsString()).isEqualTo(String.valueOf(i));
      }

      assertThat(server.answered()).isEqualTo(2_000);
      assertThat(server.dropped()).as("requests the server closed its connection on").isGreaterThan(100);
      assertThat(http.resends()).isEqualTo(server.dropped());
      assertThat(scope.resends).as("each re-send reported to the scope as what it is").hasSize(server.dropped());
      assertThat(scope.retries).as("re-sends are not retries: no backoff, no retry event").isEmpty();
      assertThat(http.metrics().retries()).isZero();
    }
  }

  @Test
  void anUnboundedPoolStillResends() throws Exception {
    try (ChurningServer server = new ChurningServer(); HttpConnector http = HttpConnector.create(config(server)
        .maxConnections(Integer.MAX_VALUE).maxConnectionsPerHost(Integer.MAX_VALUE).build())) {
      for (int wave = 0; wave < 250; wave++) { // 8 at a time, so that the pool reuses the connections the server drops
        List<CompletableFuture<HttpResponse>> calls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          calls.add(http.send(null, HttpRequest.get("echo/" + i)).toCompletableFuture());
        }
        for (int i = 0; i < calls.size(); i++) {
          assertThat(calls.get(i).get(60, TimeUnit.SECONDS).bodyAsString()).isEqualTo(String.valueOf(i));
        }
      }

      assertThat(server.dropped()).isGreaterThan(20);
      assertThat(http.resends()).isEqualTo(server.dropped());
      assertThat(http.metrics().retries()).isZero();
    }
  }

  @Test
  void aPooledConnectionCutLongAfterItsRequestWasSentIsNoChurnAndGoesToTheRetryRules() throws Exception {
    Duration cut = BoundedBodyHandler.STALE_WITHIN.plusMillis(500); // as a load balancer cuts a long request
    try (ChurningServer server = new ChurningServer(cut); HttpConnector http = HttpConnector.create(config(server)
        .retry(HttpRetrySettings.none()).build())) {
      assertThat(http.send(null, HttpRequest.get("echo/1")).toCompletableFuture().get(30, TimeUnit.SECONDS).bodyAsString())
          .isEqualTo("1");

      CompletableFuture<HttpResponse> second = http.send(null, HttpRequest.get("echo/2")).toCompletableFuture();
      assertThatThrownBy(() -> second.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(java.io.IOException.class);
      assertThat(server.dropped()).as("the server may have done the work: not sent again").isEqualTo(1);
      assertThat(http.resends()).isZero();
    }
  }

  @Test
  void aPostCaughtOnAClosedConnectionIsNotResent() throws Exception {
    try (ChurningServer server = new ChurningServer(); HttpConnector http = HttpConnector.create(config(server).build())) {
      HttpRequest post = HttpRequest.postJson("echo/1", "{}");
      assertThat(http.send(null, post).toCompletableFuture().get(30, TimeUnit.SECONDS).bodyAsString()).isEqualTo("1");

      CompletableFuture<HttpResponse> second = http.send(null, post).toCompletableFuture();
      assertThatThrownBy(() -> second.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(java.io.IOException.class);
      assertThat(server.dropped()).isEqualTo(1);
      assertThat(http.resends()).isZero();
    }
  }
}
