package io.asyncudf.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncudf.connector.Secret;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** When a token is fetched again, on a clock the test moves: no waiting for real expiry. */
class TokenCacheTest {

  private Instant now = Instant.parse("2026-12-06T12:00:00Z");
  private final Clock clock = new Clock() {
    @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
    @Override public Clock withZone(java.time.ZoneId zone) { return this; }
    @Override public Instant instant() { return now; }
  };
  private final List<CompletableFuture<HttpResponse>> fetches = new ArrayList<>();

  private TokenCache cache(Duration refreshBefore) {
    HttpAuth.OAuth2 auth = (HttpAuth.OAuth2) HttpAuth.oauth2("https://idp.example/token",
        new ClientSecretGrant("spark-job", Secret.of("cs-7f3a9e1d"), "read"), refreshBefore);
    return new TokenCache(auth, request -> {
      CompletableFuture<HttpResponse> answer = new CompletableFuture<>();
      fetches.add(answer);
      return answer;
    }, clock, Runnable::run);
  }

  private void answer(int fetch, String token, long expiresInSeconds) {
    fetches.get(fetch).complete(new HttpResponse(() -> "POST https://idp.example/token", 200,
        Map.of("Content-Type", List.of("application/json")),
        ("{\"access_token\":\"" + token + "\",\"expires_in\":" + expiresInSeconds + "}").getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void callersShareOneFetchAndTheTokenUntilItsRefreshTime() {
    TokenCache cache = cache(Duration.ofSeconds(60));
    CompletableFuture<String> first = cache.token();
    CompletableFuture<String> second = cache.token();
    assertThat(fetches).as("one fetch for both callers").hasSize(1);

    answer(0, "t1", 600);
    assertThat(first.join()).isEqualTo("t1");
    assertThat(second.join()).isEqualTo("t1");

    now = now.plusSeconds(539);
    assertThat(cache.token().join()).as("up to 60 s before expiry").isEqualTo("t1");
    assertThat(fetches).hasSize(1);

    now = now.plusSeconds(1);
    CompletableFuture<String> refreshed = cache.token();
    assertThat(fetches).as("refreshed 60 s ahead of expiry").hasSize(2);
    answer(1, "t2", 600);
    assertThat(refreshed.join()).isEqualTo("t2");
    assertThat(cache.fetches()).isEqualTo(2);
  }

  @Test
  void aShortLivedTokenIsRefreshedAtHalfItsLifetime() {
    TokenCache cache = cache(Duration.ofSeconds(60));
    CompletableFuture<String> first = cache.token();
    answer(0, "t1", 2);
    assertThat(first.join()).isEqualTo("t1");

    now = now.plusMillis(999);
    assertThat(cache.token().join()).isEqualTo("t1");
    now = now.plusMillis(1);
    cache.token();
    assertThat(fetches).as("a 2 s token is refreshed after 1 s, not 60 s before it expires").hasSize(2);
  }

  @Test
  void aRejectedTokenIsFetchedAgainAtOnce() {
    TokenCache cache = cache(Duration.ofSeconds(60));
    CompletableFuture<String> first = cache.token();
    answer(0, "t1", 600);
    first.join();

    cache.invalidate("old-token");
    assertThat(cache.token().join()).as("invalidating another token changes nothing").isEqualTo("t1");
    cache.invalidate("t1");
    cache.token();
    assertThat(fetches).hasSize(2);
  }
}
