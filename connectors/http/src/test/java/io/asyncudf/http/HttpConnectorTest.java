package io.asyncudf.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncudf.connector.Secret;
import java.net.ConnectException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpConnectorTest {

  private final MockWebServer server = new MockWebServer();
  private final List<HttpConnector> connectors = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    server.start(0);
  }

  @AfterEach
  void stop() {
    connectors.forEach(HttpConnector::close);
    server.close();
  }

  private HttpClientConfig.Builder config() {
    return HttpClientConfig.builder()
        .baseUrl(server.url("/api/").toString())
        .retry(HttpRetrySettings.defaults().withBackoff(Duration.ofMillis(5), Duration.ofMillis(20)));
  }

  private HttpConnector connector(HttpClientConfig config) {
    HttpConnector connector = HttpConnector.create(config);
    connectors.add(connector);
    return connector;
  }

  private static HttpResponse await(java.util.concurrent.CompletionStage<HttpResponse> stage) throws Exception {
    return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static Throwable failureOf(java.util.concurrent.CompletionStage<HttpResponse> stage) {
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> stage.toCompletableFuture().get(30, TimeUnit.SECONDS));
    return e.getCause();
  }

  private static MockResponse status(int code) {
    return new MockResponse.Builder().code(code).body("status " + code).build();
  }

  private static MockResponse ok(String body) {
    return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json; charset=utf-8").body(body).build();
  }

  private void dispatch(Function<RecordedRequest, MockResponse> answer) {
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return answer.apply(request);
      }
    });
  }

  @Test
  void sendDirectCompletesAnAnswerOnTheNetworkThreadThatReadItAndAFailureUnwrappedOnACallbackThread() throws Exception {
    java.util.concurrent.CountDownLatch chained = new java.util.concurrent.CountDownLatch(1);
    dispatch(request -> {
      try {
        chained.await(10, TimeUnit.SECONDS); // the continuation is attached before the answer leaves
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return request.getTarget().endsWith("missing") ? status(404) : ok("{\"score\": 42}");
    });
    HttpConnector http = connector(config().retry(HttpRetrySettings.none()).build());

    CompletableFuture<String> thread = http.sendDirect(null, HttpRequest.get("scores?id=7"))
        .thenApply(response -> response.json().get("score").asInt() + "@" + Thread.currentThread().getName()
            + "@" + io.asyncudf.internal.connector.AsyncUdfThreads.onNetworkThread())
        .toCompletableFuture();
    chained.countDown();

    assertThat(thread.get(10, TimeUnit.SECONDS)).startsWith("42@asyncudf-http-").endsWith("@true");
    assertThat(http.sendDirect(null, HttpRequest.get("missing"))
        .handle((response, failure) -> failure.getClass().getSimpleName() + "@"
            + io.asyncudf.internal.connector.AsyncUdfThreads.onNetworkThread())
        .toCompletableFuture().get(10, TimeUnit.SECONDS))
        .as("a failure, even one with an answer, continues on a callback thread").isEqualTo("HttpStatusException@false");
  }

  @Test
  void sendsRelativeRequestsWithHeadersAndCompletesOffTheNetworkThreads() throws Exception {
    server.enqueue(ok("{\"score\": 42}"));
    HttpConnector http = connector(config().header("X-Team", "data").secretHeader("X-Api-Key", Secret.of("k-123")).build());

    CompletableFuture<String> thread = http.send(HttpRequest.get("scores?id=7").header("Accept", "application/json"))
        .thenApply(response -> response.json().get("score").asInt() + "@" + Thread.currentThread().getName())
        .toCompletableFuture();

    assertThat(thread.get(10, TimeUnit.SECONDS)).startsWith("42@asyncudf-connector-callback-");
    RecordedRequest recorded = server.takeRequest();
    assertThat(recorded.getTarget()).isEqualTo("/api/scores?id=7");
    assertThat(recorded.getHeaders().get("X-Team")).isEqualTo("data");
    assertThat(recorded.getHeaders().get("X-Api-Key")).isEqualTo("k-123");
    assertThat(recorded.getHeaders().get("User-Agent")).isEqualTo("spark-async-udf");
  }

  @Test
  void retriesUnavailableAndReportsEveryRetryToTheChunk() throws Exception {
    server.enqueue(status(503));
    server.enqueue(status(502));
    server.enqueue(ok("{}"));
    HttpConnector http = connector(config().build());
    RecordingContext chunk = new RecordingContext();

    HttpResponse response = await(http.send(chunk, HttpRequest.get("x")));

    assertThat(response.status()).isEqualTo(200);
    assertThat(server.getRequestCount()).isEqualTo(3);
    assertThat(chunk.retries).extracting(RecordingContext.Retry::failedAttempt).containsExactly(1, 2);
    assertThat(chunk.retries.get(0).request()).isEqualTo("GET " + server.url("/api/x"));
    assertThat(chunk.retries.get(0).failure()).isInstanceOf(HttpStatusException.class).hasMessageContaining("HTTP 503");
    assertThat(http.metrics().attempts()).isEqualTo(3);
    assertThat(http.metrics().retries()).isEqualTo(2);
    assertThat(http.metrics().failures()).isZero();
  }

  @Test
  void givesUpAfterMaxAttemptsWithTheStatusBodyAndRequest() {
    dispatch(request -> new MockResponse.Builder().code(503).body("{\"error\":\"overloaded\"}").build());
    HttpConnector http = connector(config().build());

    Throwable failure = failureOf(http.send(HttpRequest.get("items/9")));

    assertThat(failure).isInstanceOf(HttpStatusException.class)
        .hasMessage("HTTP 503 from GET " + server.url("/api/items/9") + " (attempt 4): {\"error\":\"overloaded\"}");
    assertThat(((HttpStatusException) failure).status()).isEqualTo(503);
    assertThat(server.getRequestCount()).isEqualTo(4);
    assertThat(http.metrics().failures()).isEqualTo(1);
  }

  @Test
  void clientErrorsAreNotRetried() {
    server.enqueue(status(404));
    HttpConnector http = connector(config().build());

    Throwable failure = failureOf(http.send(HttpRequest.get("missing")));

    assertThat(((HttpStatusException) failure).status()).isEqualTo(404);
    assertThat(((HttpStatusException) failure).attempt()).isEqualTo(1);
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void honoursRetryAfterInSecondsAndAsHttpDate() throws Exception {
    server.enqueue(new MockResponse.Builder().code(429).addHeader("Retry-After", "1").build());
    String inFourSeconds = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now().plusSeconds(4));
    server.enqueue(new MockResponse.Builder().code(503).addHeader("Retry-After", inFourSeconds).build());
    server.enqueue(ok("{}"));
    HttpConnector http = connector(config().build());
    RecordingContext chunk = new RecordingContext();

    long start = System.nanoTime();
    await(http.send(chunk, HttpRequest.get("x")));

    // the date has one-second resolution and is read after the first one-second wait
    assertThat(chunk.retries.get(0).delay()).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    assertThat(chunk.retries.get(1).delay()).isGreaterThan(Duration.ofMillis(1500));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(2500));
  }

  @Test
  void aRetryAfterBeyondTheCapEndsTheRetries() {
    server.enqueue(new MockResponse.Builder().code(429).addHeader("Retry-After", "3600").build());
    HttpConnector http = connector(config().build());

    Throwable failure = failureOf(http.send(HttpRequest.get("x")));

    assertThat(((HttpStatusException) failure).retryAfter()).contains(Duration.ofHours(1));
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void survivesA429StormWithEveryRequestAnsweredOnce() throws Exception {
    AtomicInteger seen = new AtomicInteger();
    dispatch(request -> seen.incrementAndGet() <= 60
        ? new MockResponse.Builder().code(429).addHeader("Retry-After", "0").build()
        : ok("{\"id\":\"" + request.getUrl().queryParameter("id") + "\"}"));
    HttpConnector http = connector(config().retry(HttpRetrySettings.defaults().withMaxAttempts(20)
        .withBackoff(Duration.ofMillis(5), Duration.ofMillis(50))).build());

    List<CompletableFuture<String>> ids = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      ids.add(http.send(HttpRequest.get("item?id=" + i)).thenApply(r -> r.json().get("id").asText()).toCompletableFuture());
    }

    for (int i = 0; i < 30; i++) {
      assertThat(ids.get(i).get(30, TimeUnit.SECONDS)).isEqualTo(String.valueOf(i));
    }
    assertThat(server.getRequestCount()).isEqualTo(90);
    assertThat(http.metrics().retries()).isEqualTo(60);
  }

  @Test
  void postIsRetriedOnlyWhenDeclaredIdempotentOrRateLimited() throws Exception {
    HttpConnector http = connector(config().build());
    server.enqueue(status(503));
    Throwable failure = failureOf(http.send(HttpRequest.postJson("orders", "{}")));
    assertThat(((HttpStatusException) failure).status()).isEqualTo(503);
    assertThat(server.getRequestCount()).isEqualTo(1);

    server.enqueue(status(503));
    server.enqueue(ok("{}"));
    assertThat(await(http.send(HttpRequest.postJson("orders", "{}").idempotent(true))).status()).isEqualTo(200);

    server.enqueue(status(429));
    server.enqueue(ok("{}"));
    assertThat(await(http.send(HttpRequest.postJson("orders", "{}"))).status()).isEqualTo(200);
    assertThat(server.getRequestCount()).isEqualTo(5);
  }

  @Test
  void retriesConnectionResets() throws Exception {
    server.enqueue(new MockResponse.Builder().onRequestStart(new SocketEffect.CloseSocket()).build());
    server.enqueue(new MockResponse.Builder().onResponseBody(new SocketEffect.CloseSocket()).body("{\"partial\": tr").build());
    server.enqueue(ok("{\"ok\":true}"));
    HttpConnector http = connector(config().build());
    RecordingContext chunk = new RecordingContext();

    assertThat(await(http.send(chunk, HttpRequest.get("x"))).json().get("ok").asBoolean()).isTrue();
    assertThat(chunk.retries).hasSize(2);
  }

  @Test
  void aStalledResponseTimesOutAndIsRetried() throws Exception {
    server.enqueue(new MockResponse.Builder().code(200).headersDelay(5, TimeUnit.SECONDS).body("late").build());
    server.enqueue(ok("{\"fresh\":1}"));
    HttpConnector http = connector(config().requestTimeout(Duration.ofMillis(500)).build());
    RecordingContext chunk = new RecordingContext();

    assertThat(await(http.send(chunk, HttpRequest.get("x"))).json().get("fresh").asInt()).isEqualTo(1);
    assertThat(chunk.retries.get(0).failure()).isInstanceOf(TimeoutException.class);
  }

  @Test
  void aStallOnEveryAttemptFailsWithTheTimeout() {
    dispatch(request -> new MockResponse.Builder().code(200).headersDelay(3, TimeUnit.SECONDS).build());
    HttpConnector http = connector(config().retry(HttpRetrySettings.none()).build());

    Throwable failure = failureOf(http.send(HttpRequest.get("x").timeout(Duration.ofMillis(300))));

    assertThat(failure).isInstanceOf(TimeoutException.class);
  }

  @Test
  void bodiesAboveTheCapFailNamingTheLimit() {
    server.enqueue(ok("x".repeat(5000)));
    server.enqueue(new MockResponse.Builder().code(200).chunkedBody("y".repeat(5000), 512).build());
    HttpConnector http = connector(config().maxResponseBytes(4096).build());

    assertThat(failureOf(http.send(HttpRequest.get("declared")))).isInstanceOf(ResponseTooLargeException.class)
        .hasMessageContaining("maxResponseBytes=4096").hasMessageContaining("GET " + server.url("/api/declared"));
    assertThat(failureOf(http.send(HttpRequest.get("chunked")))).isInstanceOf(ResponseTooLargeException.class)
        .hasMessageContaining("maxResponseBytes=4096");
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void aDeclaredLengthWithoutABodyIsNoBodyAboveTheCap() {
    server.enqueue(new MockResponse.Builder().code(200).setHeader("Content-Length", "5000").build());
    server.enqueue(new MockResponse.Builder().code(304).setHeader("Content-Length", "5000").build());
    HttpConnector http = connector(config().maxResponseBytes(4096).retry(HttpRetrySettings.none()).build());

    assertThat(http.send(HttpRequest.of("HEAD", "large-file")).toCompletableFuture().join().status())
        .as("a HEAD's Content-Length is the GET's").isEqualTo(200);
    assertThat(failureOf(http.send(HttpRequest.get("cached").header("If-None-Match", "\"v1\""))))
        .isInstanceOf(HttpStatusException.class).hasMessageContaining("304");
  }

  @Test
  void malformedJsonNamesTheRequest() {
    server.enqueue(ok("{\"truncated\": [1, 2"));
    HttpConnector http = connector(config().build());

    CompletableFuture<Object> parsed = http.send(HttpRequest.get("bad")).thenApply(r -> (Object) r.json()).toCompletableFuture();

    assertThatThrownBy(() -> parsed.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(MalformedResponseException.class)
        .hasMessageContaining("GET " + server.url("/api/bad"));
  }

  @Test
  void connectionRefusedIsRetriedThenReported() {
    int closedPort = server.getPort();
    server.close();
    HttpConnector http = connector(config().baseUrl("http://127.0.0.1:" + closedPort + "/").build());
    RecordingContext chunk = new RecordingContext();

    assertThat(failureOf(http.send(chunk, HttpRequest.postJson("x", "{}")))).isInstanceOf(ConnectException.class);
    assertThat(chunk.retries).hasSize(3);
  }

  @Test
  void resolvesHostNamesWithTheNonBlockingResolver() throws Exception {
    server.enqueue(ok("{}"));
    HttpConnector http = connector(config().baseUrl("http://localhost:" + server.getPort() + "/").build());

    assertThat(await(http.send(HttpRequest.get("by-name"))).status()).isEqualTo(200);
  }

  @Test
  void capsRequestsInFlightPerClient() throws Exception {
    AtomicInteger now = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    dispatch(request -> {
      peak.accumulateAndGet(now.incrementAndGet(), Math::max);
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      now.decrementAndGet();
      return ok("{}");
    });
    HttpConnector http = connector(config().maxConnections(10).maxInFlight(3).build());

    List<CompletableFuture<HttpResponse>> all = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      all.add(http.send(HttpRequest.get("slow")).toCompletableFuture());
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

    assertThat(peak.get()).isEqualTo(3);
    assertThat(http.metrics().peakInFlight()).isEqualTo(3);
    assertThat(http.metrics().inFlight()).isZero();
  }

  @Test
  void thousandsOfRequestsQueuedBehindFewSlotsAllComplete() throws Exception {
    dispatch(request -> ok("{}"));
    HttpConnector http = connector(config().maxConnections(4).build());

    List<CompletableFuture<HttpResponse>> all = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      all.add(http.send(HttpRequest.get("fast?i=" + i)).toCompletableFuture());
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

    assertThat(http.metrics().attempts()).isEqualTo(1_000);
    assertThat(http.metrics().peakInFlight()).isEqualTo(4);
    assertThat(http.metrics().inFlight()).isZero();
  }

  @Test
  void limitsTheRequestRate() throws Exception {
    dispatch(request -> ok("{}"));
    HttpConnector http = connector(config().requestsPerSecond(20).build());

    long start = System.nanoTime();
    List<CompletableFuture<HttpResponse>> all = new ArrayList<>();
    for (int i = 0; i < 21; i++) {
      all.add(http.send(HttpRequest.get("r")).toCompletableFuture());
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(900));
  }

  /**
   * Requests that queue for a slot while the service stalls take their rate permits when they get the slot:
   * when the service recovers they go out at the rate, not all together.
   */
  @Test
  void requestsQueuedBehindAStallGoOutAtTheRateWhenTheServiceRecovers() throws Exception {
    java.util.concurrent.atomic.AtomicInteger seen = new java.util.concurrent.atomic.AtomicInteger();
    List<Long> arrivals = java.util.Collections.synchronizedList(new ArrayList<>());
    dispatch(request -> {
      if (seen.getAndIncrement() < 2) {
        return new MockResponse.Builder().code(200).body("{}").headersDelay(1, TimeUnit.SECONDS).build();
      }
      arrivals.add(System.nanoTime());
      return ok("{}");
    });
    HttpConnector http = connector(config().maxInFlight(2).requestsPerSecond(10).build());

    List<CompletableFuture<HttpResponse>> all = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      all.add(http.send(HttpRequest.get("r" + i)).toCompletableFuture());
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

    long first = arrivals.get(0);
    long burst = arrivals.stream().filter(at -> at - first < TimeUnit.MILLISECONDS.toNanos(300)).count();
    assertThat(arrivals).hasSize(10);
    assertThat(burst).as("requests in the 300 ms after the stall, at 10 per second (8 went out at once before)")
        .isLessThanOrEqualTo(4);
  }

  @Test
  void cancellingTheFutureCancelsTheRequest() throws Exception {
    server.enqueue(new MockResponse.Builder().code(200).headersDelay(10, TimeUnit.SECONDS).build());
    HttpConnector http = connector(config().build());

    CompletableFuture<HttpResponse> call = http.send(HttpRequest.get("slow")).toCompletableFuture();
    server.takeRequest(5, TimeUnit.SECONDS);
    call.cancel(true);

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (http.metrics().inFlight() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(http.metrics().inFlight()).isZero();
  }

  @Test
  void sharedClientsAreOnePerConfiguration() {
    HttpClientConfig config = config().build();
    HttpConnector first = HttpConnector.shared(config);

    assertThat(HttpConnector.shared(config().build())).isSameAs(first);
    assertThat(HttpConnector.shared(config().maxInFlight(7).build())).isNotSameAs(first);
    HttpConnector.closeShared();
    assertThat(HttpConnector.shared(config)).isNotSameAs(first);
    HttpConnector.closeShared();
  }

  /** A driver whose main method returns must exit although shared clients stay open until shutdown. */
  @Test
  void connectorThreadsNeverKeepTheJvmAlive() throws Exception {
    server.enqueue(ok("{}"));
    HttpConnector http = connector(config().requestTimeout(Duration.ofSeconds(5)).build());
    http.send(HttpRequest.get("ping")).toCompletableFuture().get(10, TimeUnit.SECONDS);

    assertThat(Thread.getAllStackTraces().keySet())
        .filteredOn(thread -> thread.getName().startsWith("asyncudf"))
        .extracting(Thread::getName)
        .anyMatch(name -> name.startsWith("asyncudf-http-timer"));
    assertThat(Thread.getAllStackTraces().keySet())
        .filteredOn(thread -> thread.getName().startsWith("asyncudf") && !thread.isDaemon())
        .extracting(Thread::getName)
        .isEmpty();
  }

  @Test
  void invalidConfigurationNamesTheOption() {
    assertThatThrownBy(() -> HttpClientConfig.builder().maxInFlight(0).build()).hasMessageContaining("maxInFlight");
    assertThatThrownBy(() -> HttpClientConfig.builder().maxConnections(4).maxInFlight(8).build())
        .hasMessageContaining("maxInFlight (8) must not exceed maxConnections (4)");
    assertThatThrownBy(() -> HttpClientConfig.builder().baseUrl("ftp://x").build()).hasMessageContaining("baseUrl");
    assertThatThrownBy(() -> HttpClientConfig.builder().requestTimeout(Duration.ofSeconds(-1)).build())
        .hasMessageContaining("requestTimeout");
    assertThatThrownBy(() -> HttpClientConfig.builder().retry(HttpRetrySettings.defaults().withMaxAttempts(0)).build())
        .hasMessageContaining("maxAttempts");
    assertThatThrownBy(() -> HttpConnector.create(HttpClientConfig.builder().build()).send(HttpRequest.get("relative")))
        .hasMessageContaining("no baseUrl");
  }
}
