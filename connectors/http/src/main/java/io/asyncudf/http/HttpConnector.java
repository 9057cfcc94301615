package io.asyncudf.http;

import static io.asyncudf.RetryPolicy.unwrap;

import dev.failsafe.Failsafe;
import dev.failsafe.Policy;
import dev.failsafe.RateLimiter;
import dev.failsafe.RetryPolicy;
import io.asyncudf.ChunkContext;
import io.asyncudf.connector.ConnectorThreads;
import io.asyncudf.connector.SharedClients;
import io.asyncudf.connector.TransportLogging;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.asynchttpclient.AsyncHttpClient;
import org.asynchttpclient.ListenableFuture;
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
 * future completes on a connector callback thread. A request waits without a thread for the rate
 * limit and an in-flight slot, is retried as {@link HttpRetrySettings} says (each retry reported to
 * the chunk's listener when a {@link ChunkContext} is given), and fails with
 * {@link HttpStatusException} for a final non-2xx status. Cancelling the returned future cancels the
 * request. Messages and logs never contain header values, bodies sent, or secret query values.
 */
public final class HttpConnector implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(HttpConnector.class);
  private static final SharedClients<HttpClientConfig, HttpConnector> SHARED = new SharedClients<>(
      "asyncudf-http-shutdown", config -> new HttpConnector(config, true), connector -> connector.bootstrap.close());

  private final HttpClientConfig config;
  private final boolean shared;
  private final ClientBootstrap bootstrap;
  private final RetryRules rules;
  private final List<Policy<HttpResponse>> rateLimit;
  private final InFlightLimit slots;
  private final TokenCache tokens;
  private final String fixedAuthorization;
  private final LongAdder attempts = new LongAdder();
  private final LongAdder retries = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger peakInFlight = new AtomicInteger();

  private HttpConnector(HttpClientConfig config, boolean shared) {
    this.config = config;
    this.shared = shared;
    this.bootstrap = new ClientBootstrap(config);
    this.rules = new RetryRules(config.retry());
    List<Policy<HttpResponse>> policies = new ArrayList<>();
    if (config.requestsPerSecond() > 0) {
      policies.add(RateLimiter.<HttpResponse>smoothBuilder(rateLimitPeriod(config.requestsPerSecond()))
          .withMaxWaitTime(config.maxQueueWait())
          .build());
    }
    this.rateLimit = List.copyOf(policies);
    this.slots = new InFlightLimit(config.maxInFlight(), config.maxQueueWait());
    this.tokens = config.auth() instanceof HttpAuth.OAuth2 oauth2
        ? new TokenCache(oauth2, request -> execute(request, null, false))
        : null;
    this.fixedAuthorization = fixedAuthorization(config.auth());
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

  /** Closes every shared client of this JVM; later {@link #shared} calls create new ones. */
  public static void closeShared() {
    SHARED.closeAll();
  }

  public HttpClientConfig config() {
    return config;
  }

  /** Sends {@code request}; see the class documentation for what the returned future promises. */
  public CompletionStage<HttpResponse> send(HttpRequest request) {
    return send(null, request);
  }

  /** Sends {@code request} and reports each of its retries to {@code context}'s listener. */
  public CompletionStage<HttpResponse> send(ChunkContext<?> context, HttpRequest request) {
    CompletableFuture<HttpResponse> execution = execute(request, context, true);
    execution.whenComplete((response, failure) -> {
      if (failure != null) {
        failures.increment();
      }
    });
    return ConnectorThreads.completeOnCallbacks(execution);
  }

  /** A snapshot of this client's counters. */
  public HttpConnectorMetrics metrics() {
    return new HttpConnectorMetrics(attempts.sum(), retries.sum(), failures.sum(), inFlight.get(), peakInFlight.get(),
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

  private CompletableFuture<HttpResponse> execute(HttpRequest request, ChunkContext<?> context, boolean authenticate) {
    String url = absoluteUrl(request.url());
    String description = request.method() + " " + Redaction.url(url);
    RetryPolicy<HttpResponse> retry = RetryPolicy.<HttpResponse>builder()
        .handleIf((response, failure) -> failure != null && rules.isRetryable(request, unwrap(failure)))
        .withMaxAttempts(config.retry().maxAttempts())
        .withDelayFn(execution -> rules.delayAfter(execution.getAttemptCount(), unwrap(execution.getLastException())))
        .onRetryScheduled(event -> {
          retries.increment();
          Throwable cause = unwrap(event.getLastException());
          LOG.debug("retrying {} after attempt {} in {} ms: {}", description, event.getAttemptCount(),
              event.getDelay().toMillis(), cause.toString());
          if (context != null) {
            context.requestRetried(description, event.getAttemptCount(), cause, event.getDelay());
          }
        })
        .build();
    List<Policy<HttpResponse>> policies = new ArrayList<>(rateLimit.size() + 1);
    policies.add(retry);
    policies.addAll(rateLimit);
    return Failsafe.with(policies)
        .with(ConnectorThreads.scheduler())
        .getStageAsync(execution -> {
          Supplier<CompletableFuture<HttpResponse>> once =
              () -> attempt(request, url, description, execution.getAttemptCount() + 1, authenticate);
          // a token request takes no slot: the requests waiting for the token may hold them all
          return authenticate ? slots.run(once) : once.get();
        });
  }

  private CompletableFuture<HttpResponse> attempt(HttpRequest request, String url, String description, int attempt,
      boolean authenticate) {
    if (!authenticate || tokens == null) {
      return exchange(request, url, description, attempt, authenticate ? fixedAuthorization : null);
    }
    return tokens.token().thenCompose(token -> exchange(request, url, description, attempt, "Bearer " + token)
        .exceptionallyCompose(failure -> {
          Throwable cause = unwrap(failure);
          if (cause instanceof HttpStatusException status && status.status() == 401) {
            tokens.invalidate(token);
            return tokens.token().thenCompose(fresh -> exchange(request, url, description, attempt, "Bearer " + fresh));
          }
          return CompletableFuture.failedFuture(cause);
        }));
  }

  private CompletableFuture<HttpResponse> exchange(HttpRequest request, String url, String description, int attempt,
      String authorization) {
    RequestBuilder builder = new RequestBuilder(request.method()).setUrl(url);
    config.defaultHeaders().forEach(builder::setHeader);
    config.secretHeaders().forEach((name, secret) -> builder.setHeader(name, secret.reveal()));
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
    ListenableFuture<HttpResponse> call;
    try {
      call = bootstrap.client.executeRequest(builder.build(), new BoundedBodyHandler(description, config.maxResponseBytes()));
    } catch (RuntimeException e) {
      inFlight.decrementAndGet();
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<HttpResponse> checked = call.toCompletableFuture().thenApply(response -> {
      if (response.status() / 100 == 2) {
        return response;
      }
      throw new CompletionException(new HttpStatusException(response.status(), description, attempt,
          response.bodyAsString(), RetryRules.parseRetryAfter(response.header("retry-after"))));
    });
    checked.whenComplete((response, failure) -> {
      inFlight.decrementAndGet();
      if (checked.isCancelled()) {
        call.cancel(true);
      }
    });
    return checked;
  }

  private String absoluteUrl(String url) {
    if (url.startsWith("http://") || url.startsWith("https://")) {
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
