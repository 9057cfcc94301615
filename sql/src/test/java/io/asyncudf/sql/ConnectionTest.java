package io.asyncudf.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncudf.opensearch.OpenSearchConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a named connection's keys become an OpenSearch client's configuration. */
class ConnectionTest {

  private static OpenSearchConfig openSearch(Map<String, String> keys) {
    Map<String, String> conf = new HashMap<>();
    keys.forEach((key, value) -> conf.put(Connection.PREFIX + "search." + key, value));
    return Connection.named("search", conf, variable -> null).openSearch();
  }

  @Test
  void maxConnectionsAndTheRetryKeysReachTheOpenSearchClient() {
    OpenSearchConfig config = openSearch(Map.of("url", "http://node-a:9200, http://node-b:9200",
        "maxConnections", "12", "retry.maxAttempts", "7", "retry.initialBackoff", "250ms",
        "retry.maxBackoff", "20s", "connectTimeout", "3s", "requestTimeout", "45s"));

    assertThat(config.hosts()).containsExactly("http://node-a:9200", "http://node-b:9200");
    assertThat(config.maxConnections()).isEqualTo(12);
    assertThat(config.maxConnectionsPerHost()).isEqualTo(12);
    assertThat(config.maxAttempts()).isEqualTo(7);
    assertThat(config.initialBackoff()).isEqualTo(Duration.ofMillis(250));
    assertThat(config.maxBackoff()).isEqualTo(Duration.ofSeconds(20));
    assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(config.responseTimeout()).isEqualTo(Duration.ofSeconds(45));
  }

  @Test
  void aRetryKeyGivenAloneKeepsTheClientsDefaultsForTheOthers() {
    OpenSearchConfig defaults = OpenSearchConfig.builder("http://node-a:9200").build();

    OpenSearchConfig config = openSearch(Map.of("url", "http://node-a:9200", "retry.maxBackoff", "30s"));

    assertThat(config.maxBackoff()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.maxAttempts()).isEqualTo(defaults.maxAttempts());
    assertThat(config.initialBackoff()).isEqualTo(defaults.initialBackoff());
    assertThat(config.maxConnections()).isEqualTo(defaults.maxConnections());
  }

  @Test
  void aKeyTheOpenSearchClientCannotHonourIsRefusedByName() {
    assertThatThrownBy(() -> openSearch(Map.of("url", "http://node-a:9200", "maxInFlight", "64")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxInFlight")
        .hasMessageContaining("does not apply to an OpenSearch connection");
  }
}
