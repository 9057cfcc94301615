package io.asyncudf.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.asyncudf.internal.connector.AsyncUdfThreads;
import io.asyncudf.internal.connector.Futures;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The access token of one client, shared by every task of the executor JVM. Concurrent callers
 * share one fetch; a token is refreshed {@code refreshBefore} ahead of its expiry (or at half its
 * lifetime when that is sooner) and when a request using it gets 401. The grant builds each token
 * request on a callback thread: it may sign a JWT or read a key, and a refresh may start on a network
 * thread (a 401 answer) or while other callers wait for this cache's lock.
 */
final class TokenCache {

  private static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(5);

  private record Token(String value, Instant refreshAt) {}

  private final HttpAuth.OAuth2 auth;
  private final Function<HttpRequest, CompletableFuture<HttpResponse>> transport;
  private final Clock clock;
  private final Executor grants;
  private Token current;
  private CompletableFuture<Token> fetching;
  private long fetches;

  TokenCache(HttpAuth.OAuth2 auth, Function<HttpRequest, CompletableFuture<HttpResponse>> transport) {
    this(auth, transport, Clock.systemUTC(), AsyncUdfThreads.callbacks());
  }

  /**
   * @param clock when tokens were fetched and when they are due for a refresh
   * @param grants where the grant builds each token request
   */
  TokenCache(HttpAuth.OAuth2 auth, Function<HttpRequest, CompletableFuture<HttpResponse>> transport, Clock clock,
      Executor grants) {
    this.auth = auth;
    this.transport = transport;
    this.clock = clock;
    this.grants = grants;
  }

  /**
   * The current token, or the fetch every caller waits for. A fetch that fails (even at once, as a
   * grant that cannot build its request does) fails every caller waiting on it with its
   * {@link AuthenticationException}; the next call starts a new fetch.
   */
  synchronized CompletableFuture<String> token() {
    if (current != null && clock.instant().isBefore(current.refreshAt)) {
      return CompletableFuture.completedFuture(current.value);
    }
    CompletableFuture<Token> fetch = fetching;
    if (fetch == null) {
      fetches++;
      fetch = fetch();
      fetching = fetch;
      CompletableFuture<Token> started = fetch;
      started.whenComplete((token, failure) -> {
        synchronized (this) {
          if (fetching == started) {
            fetching = null;
          }
          if (token != null) {
            current = token;
          }
        }
      });
    }
    return fetch.thenApply(Token::value);
  }

  /** Forgets {@code rejected} (if it is still the cached token) so the next request fetches a new one. */
  synchronized void invalidate(String rejected) {
    if (current != null && current.value.equals(rejected)) {
      current = null;
    }
  }

  synchronized long fetches() {
    return fetches;
  }

  private CompletableFuture<Token> fetch() {
    return CompletableFuture.supplyAsync(this::tokenRequest, grants).thenCompose(request -> {
      Instant requested = clock.instant();
      return transport.apply(request)
          .handle((response, failure) -> {
            if (failure != null) {
              throw new CompletionException(new AuthenticationException(
                  "token request to " + Redaction.url(auth.tokenUrl()) + " failed: " + Futures.unwrap(failure).getMessage(), null));
            }
            return parse(response, requested);
          });
    });
  }

  private HttpRequest tokenRequest() {
    try {
      String form = auth.grant().formParameters(auth.tokenUrl()).entrySet().stream()
          .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
          .collect(Collectors.joining("&"));
      return HttpRequest.post(auth.tokenUrl(), "application/x-www-form-urlencoded", form.getBytes(StandardCharsets.UTF_8))
          .header("Accept", "application/json")
          .idempotent(true);
    } catch (Exception e) {
      throw new CompletionException(new AuthenticationException(
          "cannot build the token request for " + Redaction.url(auth.tokenUrl()) + ": " + e.getMessage(), null));
    }
  }

  private Token parse(HttpResponse response, Instant requested) {
    JsonNode body;
    try {
      body = response.json();
    } catch (MalformedResponseException e) {
      throw new CompletionException(new AuthenticationException(e.getMessage(), null));
    }
    String value = body.path("access_token").asText("");
    if (value.isEmpty()) {
      throw new CompletionException(new AuthenticationException(
          "token response from " + Redaction.url(auth.tokenUrl()) + " has no access_token", null));
    }
    Duration lifetime = body.hasNonNull("expires_in") ? Duration.ofSeconds(body.get("expires_in").asLong()) : DEFAULT_LIFETIME;
    Duration early = auth.refreshBefore().compareTo(lifetime.dividedBy(2)) < 0 ? auth.refreshBefore() : lifetime.dividedBy(2);
    return new Token(value, requested.plus(lifetime).minus(early));
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
