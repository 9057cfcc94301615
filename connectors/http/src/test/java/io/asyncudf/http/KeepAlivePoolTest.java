package io.asyncudf.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Pooled connections and what servers say of them: a connection is not reused past the idle timeout its
 * server announced ({@code Keep-Alive: timeout=N}, less a second), nor after {@code Connection: close}.
 * The pool reads an injected clock, so idle time passes without sleeping.
 */
class KeepAlivePoolTest {

  private final AtomicLong clock = new AtomicLong(1);

  private void idle(Duration duration) {
    clock.addAndGet(duration.toNanos());
  }

  private static void get(HttpConnector http) throws Exception {
    assertThat(http.send(HttpRequest.get("x")).toCompletableFuture().get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
  }

  private HttpConnector client(KeepAliveServer server) {
    return HttpConnector.create(HttpClientConfig.builder().baseUrl(server.url()).build(), clock::get);
  }

  @Test
  void aConnectionIsNotReusedPastTheIdleTimeoutItsServerAnnounced() throws Exception {
    try (KeepAliveServer server = new KeepAliveServer().answering("timeout=3, max=100", null);
        HttpConnector http = client(server)) {
      get(http);
      idle(Duration.ofMillis(1_900));
      get(http);
      assertThat(server.connections()).as("reused within timeout - 1 s").isEqualTo(1);

      idle(Duration.ofMillis(2_100));
      get(http);
      assertThat(server.connections()).as("a new connection once idle for timeout - 1 s").isEqualTo(2);
      assertThat(http.resends()).as("nothing was sent on the old one").isZero();
    }
  }

  @Test
  void withoutAnAnnouncedTimeoutTheConnectionIsReused() throws Exception {
    try (KeepAliveServer server = new KeepAliveServer().answering(null, null); HttpConnector http = client(server)) {
      get(http);
      idle(Duration.ofSeconds(30)); // the pool's own idle timeout runs on real time; the injected clock is the announced one's
      get(http);
      assertThat(server.connections()).isEqualTo(1);
    }
  }

  @Test
  void aConnectionTheServerSaidItWouldCloseIsNotReused() throws Exception {
    try (KeepAliveServer server = new KeepAliveServer().answering(null, "close"); HttpConnector http = client(server)) {
      for (int i = 0; i < 5; i++) {
        get(http);
      }
      assertThat(server.connections()).isEqualTo(5);
      assertThat(http.resends()).isZero();
    }
  }

  @Test
  void theKeepAliveHeaderIsReadLeniently() {
    assertThat(KeepAlivePool.announcedTimeout("timeout=5, max=1000")).isEqualTo(Duration.ofSeconds(5));
    assertThat(KeepAlivePool.announcedTimeout("max=10,Timeout = 2")).isEqualTo(Duration.ofSeconds(2));
    assertThat(KeepAlivePool.announcedTimeout("max=10")).isNull();
    assertThat(KeepAlivePool.announcedTimeout("timeout=soon")).isNull();
    assertThat(KeepAlivePool.announcedTimeout(null)).isNull();
    assertThat(KeepAlivePool.announcedTimeout("timeout=9223372036854775807")).isEqualTo(Duration.ofHours(1));
  }
}
