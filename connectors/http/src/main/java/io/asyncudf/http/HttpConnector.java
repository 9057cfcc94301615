package io.asyncudf.http;

import dev.failsafe.RateLimiter;
import io.asyncudf.connector.RequestScope;
import io.asyncudf.internal.connector.AsyncUdfThreads;
import io.asyncudf.internal.connector.ClusterRateLimit;
import io.asyncudf.internal.connector.Futures;
import io.asyncudf.internal.connector.InFlightLimit;
import io.asyncudf.internal.connector.RequestReports;
import io.asyncudf.internal.connector.RequestRetries;
import io.asyncudf.internal.connector.SharedClients;
import io.asyncudf.internal.connector.TransportLogging;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.asynchttpclient.AsyncHttpClient;
import org.asynchttpclient.ListenableFuture;
import org.asynchttpclient.Request;
import org.asynchttpclient.RequestBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A non-blocking HTTP client for chunk functions. Use {@link #shared(HttpClientConfig)} inside
 * functions: the first call in an executor JVM creates the client, every task of that JVM then
 * shares it (connections, rate limit, in-flight cap, token), and it is closed when the JVM shuts
 * down. Only the serializable {@link HttpClientConfig} should be captured by a function.
 *
 * <p>Promises: {@link #send} never blocks the calling thread and never blocks a network thread; its
 * future completes on a connector callback thread ({@link #sendDirect}'s completes on the network
 * thread with a 2xx answer, for continuations that take microseconds). A request waits without a thread for the rate
 * limit and an in-flight slot, is retried as {@link HttpRetrySettings} says (each retry reported to
 * the {@link RequestScope}, a chunk's {@code ChunkContext}), and fails with
 * {@link HttpStatusException} for a final non-2xx status. The request is registered with the scope,
 * so it ends when the chunk attempt ends; cancelling the returned future ends it too. Credentials
 * (auth and secret headers) go only to the {@code baseUrl}'s origin and the configured
 * {@code credentialOrigins}; a request elsewhere fails with {@link CredentialScopeException}.
 * Messages and logs never contain header values, bodies sent, or secret query values.
 */
public final class HttpConnector implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(HttpConnector.class);
  private static final SharedClients<HttpClientConfig, HttpConnector> SHARED = new SharedClients<>(
      "asyncudf-http-shutdown", config -> new HttpConnector(config, true), connector -> connector.bootstrap.close());

  private final HttpClientConfig config;
  private final boolean shared;
  private final ClientBootstrap bootstrap;
  private final RetryRules rules;
  private final RequestRetries retries;
  private final RateLimiter<Object> rateLimit;
  private final ClusterRateLimit clusterLimit;
  private final InFlightLimit slots;
  private final TokenCache tokens;
  private final String fixedAuthorization;
  private final Set<String> credentialOrigins;

  /**
   * Re-sends of one attempt whose pooled connections the server had closed, at most: one more than the idle
   * connections the pool may hold (each such connection fails at most one request, then is closed), up to 32,
   * so that a request that itself makes the server drop its connection is not sent over and over.
   */
  private final int maxResends;
  private final LongAdder attempts = new LongAdder();
  private final LongAdder resends = new LongAdder();
  private final LongAdder retryCount = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger peakInFlight = new AtomicInteger();

  private HttpConnector(HttpClientConfig config, boolean shared) {
    this(config, shared, System::nanoTime);
  }

  private HttpConnector(HttpClientConfig config, boolean shared, LongSupplier nanoClock) {
    this.config = config;
    this.shared = shared;
    this.bootstrap = new ClientBootstrap(config, nanoClock);
    this.maxResends = Math.min(config.maxInFlight(), 31) + 1;
    this.rules = new RetryRules(config.retry(), retryCount::increment);
    this.retries = new RequestRetries(config.retry().maxAttempts());
    this.rateLimit = config.requestsPerSecond() > 0
        ? RateLimiter.smoothBuilder(rateLimitPeriod(config.requestsPerSecond())).build()
        : null;
    this.clusterLimit = config.clusterRequestsPerSecond() > 0
        ? ClusterRateLimit.create(config.clusterBudgetName(), config.clusterRequestsPerSecond(), config.maxQueueWait())
        : null;
    this.slots = inFlightLimit(config);
    this.tokens = config.auth() instanceof HttpAuth.OAuth2 oauth2
        ? new TokenCache(oauth2, request -> execute(request, RequestScope.none(), false))
        : null;
    this.fixedAuthorization = fixedAuthorization(config.auth());
    Set<String> origins = new LinkedHashSet<>();
    if (config.baseUrl() != null) {
      origins.add(Origins.of(config.baseUrl()));
    }
    origins.addAll(config.credentialOrigins());
    this.credentialOrigins = Set.copyOf(origins);
    if (config.tls().isInsecure()) {
      LOG.warn("TLS certificate and host name verification is DISABLED for HTTP client {} "
          + "(TlsSettings.insecureTrustAllCertificates); never use this in production", describeBase());
    }
    TransportLogging.warnIfDebug("HTTP client " + describeBase(), AsyncHttpClient.class.getPackageName(),
        "request URLs with their query strings and request headers (all but Authorization)");
  }

  /**
   * The client for {@code config} in this JVM, created on first use and shared by every caller with
   * an equal configuration. Closed at JVM shutdown; {@link #close()} on it does nothing.
   */
  public static HttpConnector shared(HttpClientConfig config) {
    return SHARED.get(config);
  }

  /** A client of its own, which the caller must {@link #close()}. */
  public static HttpConnector create(HttpClientConfig config) {
    return new HttpConnector(config, false);
  }

  /** A client of its own whose connection pool reads time from {@code nanoClock} (tests). */
  static HttpConnector create(HttpClientConfig config, LongSupplier nanoClock) {
    return new HttpConnector(config, false, nanoClock);
  }

  /** Closes every shared client of this JVM; later {@link #shared} calls create new ones. */
  public static void closeShared() {
    SHARED.closeAll();
  }

  public HttpClientConfig config() {
    return config;
  }

  /** Sends {@code request} outside any scope; see the class documentation for what the returned future promises. */
  public CompletionStage<HttpResponse> send(HttpRequest request) {
    return send(null, request);
  }

  /**
   * Sends {@code request} for {@code scope} (a chunk's {@code ChunkContext}, or null): its retries are
   * reported there and the request ends when the scope ends.
   *
   * @throws IllegalArgumentException if the URL is relative and the configuration has no {@code baseUrl}
   */
  public CompletionStage<HttpResponse> send(RequestScope scope, HttpRequest request) {
    return send(scope, request, true);
  }

  /**
   * Like {@link #send(RequestScope, HttpRequest)}, except that the returned future completes on the
   * network thread that read a 2xx answer, as gRPC's {@code directExecutor} does (a request that fails,
   * with a non-2xx answer or none, say refused or timed out, still completes on a callback thread):
   * continuations chained on it then run on that thread, before it reads the next answer, and must
   * never block nor take more than microseconds (converting a small answer to a row is fine; parsing a
   * large one is not). Saves the hop of each answer to a callback thread, about 5 µs of CPU per request
   * on two cores. A chunk function may return such stages to the engine: it moves what follows a
   * chunk's outputs (chunk retries, chunk events, the next chunks) off the library's network threads.
   *
   * @throws IllegalArgumentException if the URL is relative and the configuration has no {@code baseUrl}
   */
  public CompletionStage<HttpResponse> sendDirect(RequestScope scope, HttpRequest request) {
    return send(scope, request, false);
  }

  private CompletableFuture<HttpResponse> send(RequestScope scope, HttpRequest request, boolean onCallbacks) {
    if (scope != null && scope.isEnded()) {
      return CompletableFuture.failedFuture(new CancellationException(
          request.method() + " request not sent: its chunk attempt has ended"));
    }
    CompletableFuture<HttpResponse> execution = execute(request, RequestScope.orNone(scope), true);
    execution.whenComplete((response, failure) -> {
      if (failure != null) {
        failures.increment();
      }
    });
    CompletableFuture<HttpResponse> result = onCallbacks ? AsyncUdfThreads.completeOnCallbacks(execution)
        : AsyncUdfThreads.completeOnNetworkOrCallbacks(execution);
    if (scope != null) {
      scope.register(result);
    }
    return result;
  }

  /**
   * Whether {@code url} (absolute, or relative to the {@code baseUrl}) is on an origin this client's
   * credentials may go to: the {@code baseUrl}'s or a configured {@code credentialOrigin}.
   */
  public boolean isCredentialOrigin(String url) {
    return !Origins.isAbsolute(url) ? config.baseUrl() != null : credentialOrigins.contains(Origins.of(url));
  }

  /** The origins credentials may go to, {@code scheme://host:port} each. */
  public Set<String> credentialOrigins() {
    return credentialOrigins;
  }

  /** A snapshot of this client's counters. */
  public HttpConnectorMetrics metrics() {
    return new HttpConnectorMetrics(attempts.sum(), retryCount.sum(), failures.sum(), inFlight.get(), peakInFlight.get(),
        tokens == null ? 0 : tokens.fetches());
  }

  /** Closes a client made by {@link #create}; does nothing for a shared one. */
  @Override
  public void close() {
    if (!shared) {
      bootstrap.close();
    }
  }

  @Override
  public String toString() {
    return "HttpConnector[" + describeBase() + ", " + config.auth().getClass().getSimpleName() + " auth]";
  }

  private CompletableFuture<HttpResponse> execute(HttpRequest request, RequestScope scope, boolean authenticate) {
    String url = absoluteUrl(request.url());
    RequestDescription description = new RequestDescription(request.method(), url);
    boolean credentials = authenticate && config.hasCredentials();
    if (credentials && Origins.isAbsolute(request.url())) {
      String origin;
      try {
        origin = Origins.of(url);
      } catch (IllegalArgumentException e) {
        return CompletableFuture.failedFuture(e);
      }
      if (!credentialOrigins.contains(origin)) {
        return CompletableFuture.failedFuture(new CredentialScopeException(description.get(), origin,
            credentialOrigins.isEmpty() ? "none: no baseUrl and no credentialOrigin" : String.join(", ", credentialOrigins)));
      }
    }
    // the rate permits are taken once the request holds its slot, just before it is sent: taken before, requests
    // that passed the rate while every slot was held (a service stalling) would go out together when it recovers
    return retries.run(scope, description, rules.forRequest(request), attempt -> !authenticate
        // a token request takes no slot (the requests waiting for the token may hold them all) and no budget
        ? rateLimited(description, () -> attempt(request, url, description, attempt, false, scope, () -> {}))
        : slots.runTimed(sending -> clusterLimited(() -> rateLimited(description,
                () -> attempt(request, url, description, attempt, credentials, scope, sending))),
            waited -> RequestReports.of(scope).requestWaited(description.get(), waited, slots.limit())));
  }

  /** Waits for the job-wide budget (token requests are not counted against it). */
  private CompletableFuture<HttpResponse> clusterLimited(Supplier<CompletableFuture<HttpResponse>> attempt) {
    if (clusterLimit == null) {
      return attempt.get();
    }
    return Futures.thenCompose(clusterLimit.acquire(), permitted -> attempt.get());
  }

  private CompletableFuture<HttpResponse> rateLimited(RequestDescription description,
      Supplier<CompletableFuture<HttpResponse>> attempt) {
    if (rateLimit == null) {
      return attempt.get();
    }
    Duration wait = rateLimit.tryReservePermit(config.maxQueueWait());
    if (wait.isNegative()) {
      return CompletableFuture.failedFuture(new RejectedExecutionException("the rate limit of "
          + config.requestsPerSecond() + " requestsPerSecond would hold " + description.get()
          + " longer than maxQueueWait (" + config.maxQueueWait() + ")"));
    }
    return Futures.after(wait, attempt);
  }

  /** @param sending told as the request goes out (after any token fetch): an adaptive limit's round trip starts */
  private CompletableFuture<HttpResponse> attempt(HttpRequest request, String url, RequestDescription description,
      int attempt, boolean credentials, RequestScope scope, Runnable sending) {
    if (!credentials || tokens == null) {
      return exchange(request, url, description, attempt, credentials, credentials ? fixedAuthorization : null, scope,
          sending);
    }
    return Futures.thenCompose(tokens.token(), token -> Futures.exceptionallyCompose(
        exchange(request, url, description, attempt, true, "Bearer " + token, scope, sending),
        failure -> {
          if (failure instanceof HttpStatusException status && status.status() == 401) {
            tokens.invalidate(token);
            return Futures.thenCompose(tokens.token(),
                fresh -> exchange(request, url, description, attempt, true, "Bearer " + fresh, scope, sending));
          }
          return CompletableFuture.failedFuture(failure);
        }));
  }

  private CompletableFuture<HttpResponse> exchange(HttpRequest request, String url, RequestDescription description,
      int attempt, boolean credentials, String authorization, RequestScope scope, Runnable sending) {
    sending.run();
    RequestBuilder builder = new RequestBuilder(request.method()).setUrl(url);
    config.defaultHeaders().forEach(builder::setHeader);
    if (credentials) {
      config.secretHeaders().forEach((name, secret) -> builder.setHeader(name, secret.reveal()));
    }
    request.headers().forEach(builder::setHeader);
    if (authorization != null) {
      builder.setHeader("Authorization", authorization);
    }
    if (request.bodyUnsafe() != null) {
      builder.setBody(request.bodyUnsafe());
    }
    if (request.timeout() != null) {
      builder.setRequestTimeout(request.timeout());
    }
    attempts.increment();
    peakInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
    AtomicReference<ListenableFuture<HttpResponse>> call = new AtomicReference<>();
    AtomicBoolean cancelled = new AtomicBoolean();
    CompletableFuture<HttpResponse> answer;
    try {
      answer = send(builder.build(), description, request.isIdempotent(), maxResends, call, cancelled, scope);
    } catch (RuntimeException e) {
      inFlight.decrementAndGet();
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<HttpResponse> checked = answer.thenApply(response -> {
      if (response.status() / 100 == 2) {
        return response;
      }
      Duration retryAfter = RetryRules.parseRetryAfter(response.header("retry-after"));
      if (clusterLimit != null && retryAfter != null && (response.status() == 429 || response.status() == 503)) {
        // at most what the retry settings would wait: one odd response must not halt the job for a day
        Duration limit = config.retry().maxRetryAfter();
        clusterLimit.pause(retryAfter.compareTo(limit) > 0 ? limit : retryAfter);
      }
      throw new CompletionException(new HttpStatusException(response.status(), description.get(), attempt,
          // decoded on the network thread: only what the exception keeps (a character is at most 4 bytes)
          response.bodyStart(4 * HttpStatusException.BODY_CHARS), retryAfter));
    });
    checked.whenComplete((response, failure) -> {
      inFlight.decrementAndGet();
      if (checked.isCancelled()) {
        cancelled.set(true); // before reading call: a re-send that starts after this sees it and cancels itself
        answer.cancel(true);
        ListenableFuture<HttpResponse> running = call.get();
        if (running != null) {
          running.cancel(true);
        }
      }
    });
    return checked;
  }

  /**
   * Sends {@code built} and gives its answer. An idempotent request whose pooled connection turns out
   * to have been closed by the server before any byte of an answer (keep-alive churn: servers and load
   * balancers close idle or much-used connections without saying so) is sent again at once, on
   * another connection, up to {@code resendsLeft} times: no backoff, not a retry of the retry policy.
   * Counted in {@link #resends()}. Non-idempotent requests are never re-sent here. The re-send belongs to
   * the exchange, not to the retry loop: it keeps the attempt's in-flight slot (sent through the loop,
   * re-sends would queue for a slot). It may land on another pooled connection the server has closed
   * too (the pool may hold idle connections, up to about the requests in flight), so the budget is one
   * more than those, up to 32: each closed one fails at most one request, then is gone.
   */
  private CompletableFuture<HttpResponse> send(Request built, RequestDescription description, boolean idempotent,
      int resendsLeft, AtomicReference<ListenableFuture<HttpResponse>> call, AtomicBoolean cancelled,
      RequestScope scope) {
    BoundedBodyHandler handler = new BoundedBodyHandler(description, config.maxResponseBytes());
    ListenableFuture<HttpResponse> running = bootstrap.client.executeRequest(built, handler);
    call.set(running);
    if (cancelled.get()) {
      running.cancel(true); // the caller cancelled while this (re-)send was starting
    }
    return Futures.exceptionallyCompose(running.toCompletableFuture(), failure -> {
      boolean stale = idempotent && resendsLeft > 0 && handler.failedOnStaleConnection()
          && failure instanceof IOException && !running.isCancelled() && !cancelled.get();
      if (!stale) {
        return CompletableFuture.failedFuture(failure);
      }
      resends.increment();
      RequestReports.of(scope).requestResent(description.get(), failure);
      LOG.debug("re-sending {}: its pooled connection was closed by the server before an answer ({})",
          description.get(), failure.toString());
      return send(built, description, true, resendsLeft - 1, call, cancelled, scope);
    });
  }

  private InFlightLimit inFlightLimit(HttpClientConfig config) {
    if (config.adaptiveInFlight() != null) {
      return new InFlightLimit(config.adaptiveInFlight().newLimit(config.maxInFlight()),
          "all of the adaptive in-flight limit (at most " + config.maxInFlight() + ")", config.maxQueueWait(),
          AsyncUdfThreads.callbacks(), System::nanoTime, HttpConnector::outcome, () -> {});
    }
    if (config.requestsPerSecond() > 0 || config.clusterRequestsPerSecond() > 0) {
      // a request holds its slot while it waits for the rate: slots run out because of the rate, not the pool
      return new InFlightLimit(config.maxInFlight(), config.maxQueueWait());
    }
    return new InFlightLimit(config.maxInFlight(), config.maxQueueWait(), () -> LOG.warn(
        "requests to {} wait for a free slot: all {} of maxInFlight are in use (maxConnections {}, "
            + "maxConnectionsPerHost {}), fewer than the requests the tasks of this executor keep in flight; "
            + "raise maxConnections and maxConnectionsPerHost (maxInFlight follows them) to the tasks per executor x "
            + "maxConcurrentChunks x rows per chunk, "
            + "or lower the window (said once per client)", describeBase(), config.maxInFlight(), config.maxConnections(),
        config.maxConnectionsPerHost()));
  }

  /**
   * What an attempt's end (a failure, or null) says of the service's capacity: a 429 or 503 answer or a
   * timeout, that it is overloaded; a 2xx answer, its round trip; anything else (a fast 404 or 500, a refused
   * connection), nothing: a fast error taken for the idle round trip would drag the limit down.
   */
  static InFlightLimit.Outcome outcome(Throwable failure) {
    if (failure == null) {
      return InFlightLimit.Outcome.ANSWERED;
    }
    if (failure instanceof HttpStatusException status) {
      return status.status() == 429 || status.status() == 503 ? InFlightLimit.Outcome.OVERLOADED
          : InFlightLimit.Outcome.UNMEASURED;
    }
    return failure instanceof TimeoutException ? InFlightLimit.Outcome.OVERLOADED : InFlightLimit.Outcome.UNMEASURED;
  }

  /** Requests in flight allowed now: {@code maxInFlight}, or where an adaptive limit stands. */
  public int inFlightLimit() {
    return slots.limit();
  }

  /** Requests that waited for a free in-flight slot (a pool or {@code maxInFlight} smaller than the work). */
  public long slotWaits() {
    return slots.waits();
  }

  /** Requests re-sent at once because their pooled connection had been closed by the server. */
  public long resends() {
    return resends.sum();
  }

  private String absoluteUrl(String url) {
    if (Origins.isAbsolute(url)) {
      return url;
    }
    if (config.baseUrl() == null) {
      throw new IllegalArgumentException("relative URL " + Redaction.url(url) + " but the HttpClientConfig has no baseUrl");
    }
    String base = config.baseUrl();
    if (base.endsWith("/") && url.startsWith("/")) {
      return base + url.substring(1);
    }
    return base.endsWith("/") || url.startsWith("/") || url.startsWith("?") ? base + url : base + "/" + url;
  }

  private String describeBase() {
    return config.baseUrl() == null ? "(no base URL)" : Redaction.url(URI.create(config.baseUrl()).toString());
  }

  private static String fixedAuthorization(HttpAuth auth) {
    if (auth instanceof HttpAuth.Basic basic) {
      return basic.headerValue();
    }
    if (auth instanceof HttpAuth.Bearer bearer) {
      return "Bearer " + bearer.token().reveal();
    }
    return null;
  }

  private static Duration rateLimitPeriod(double requestsPerSecond) {
    return Duration.ofNanos(Math.max(1, Math.round(1_000_000_000d / requestsPerSecond)));
  }
}
