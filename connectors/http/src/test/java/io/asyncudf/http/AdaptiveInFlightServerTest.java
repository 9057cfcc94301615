package io.asyncudf.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The adaptive limit against a real local server that can serve only so many requests at a time. */
class AdaptiveInFlightServerTest {

  @Test
  void findsTheCapacityOfARealServerWithoutA429AndReportsItsWaits() throws Exception {
    int capacity = 32;
    try (CapacityServer server = new CapacityServer(capacity, 20);
        HttpConnector http = HttpConnector.create(HttpClientConfig.builder().baseUrl(server.url())
            .adaptiveInFlight().build())) {
      RecordingContext scope = new RecordingContext();
      Semaphore window = new Semaphore(256); // the tasks keep 256 requests going, 8 times what the server serves
      int requests = 6_000;
      CompletableFuture<?>[] calls = new CompletableFuture<?>[requests];
      for (int i = 0; i < requests; i++) {
        window.acquire();
        calls[i] = http.send(scope, HttpRequest.get("score/" + i)).toCompletableFuture()
            .whenComplete((response, failure) -> window.release());
      }
      CompletableFuture.allOf(calls).get(2, TimeUnit.MINUTES);

      assertThat(server.tooMany()).as("429 answers").isZero();
      assertThat(server.answered()).isEqualTo(requests);
      assertThat(http.inFlightLimit()).as("the settled limit").isBetween(capacity * 3 / 4, capacity * 5 / 4);
      assertThat(scope.waits).as("requests held back by the limit are reported with it").isNotEmpty();
      assertThat(scope.waits).allMatch(limit -> limit >= 1 && limit <= HttpClientConfig.DEFAULT_CONNECTIONS);
    }
  }
}
