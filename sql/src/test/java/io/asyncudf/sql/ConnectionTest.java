package io.asyncudf.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncudf.opensearch.OpenSearchConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a named connection's keys become a client's configuration, and how a wrong key is reported. */
class ConnectionTest {

  private static Connection connection(String name, Map<String, String> keys) {
    Map<String, String> conf = new HashMap<>();
    keys.forEach((key, value) -> conf.put(Connection.PREFIX + name + "." + key, value));
    return Connection.named(name, conf, variable -> variable.equals("SVC_SECRET") ? "s3cret" : null);
  }

  private static OpenSearchConfig openSearch(Map<String, String> keys) {
    return connection("search", keys).openSearch();
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

  @Test
  void aCredentialAsAPlainHeaderIsRefusedAndPointsToSecretHeaders() {
    for (String header : new String[] {"Authorization", "X-Api-Key", "x_auth_token", "Cookie"}) {
      assertThatThrownBy(() -> connection("svc", Map.of("url", "https://svc.example", "header." + header, "abc")))
          .as(header)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("connection 'svc': spark.asyncudf.connection.svc.header." + header + " is a credential")
          .hasMessageContaining("spark.asyncudf.connection.svc.secretHeader." + header + "Env")
          .hasMessageNotContaining("abc");
    }
    assertThat(connection("svc", Map.of("url", "https://svc.example", "header.X-Team", "data")).http().defaultHeaders())
        .containsEntry("X-Team", "data");
  }

  @Test
  void authKeysThatGiveNoKindOfAuthAreRefusedRatherThanSendingNone() {
    assertThatThrownBy(() -> connection("svc", Map.of("url", "https://svc.example", "auth.passwordEnv", "SVC_SECRET"))
        .http())
        .hasMessageContaining("connection 'svc': spark.asyncudf.connection.svc.auth.passwordEnv is set, but")
        .hasMessageContaining("auth=basic with auth.user");
    assertThatThrownBy(() -> connection("svc", Map.of("url", "https://svc.example", "auth.clientId", "job",
        "auth.clientSecretEnv", "SVC_SECRET")).http())
        .hasMessageContaining("give it no kind of auth");
    assertThat(connection("svc", Map.of("url", "https://svc.example", "auth", "none", "auth.clientId", "job")).http())
        .as("auth=none said explicitly").isNotNull();
  }

  @Test
  void aDurationWithoutAUnitIsRefusedNotReadAsMilliseconds() {
    assertThatThrownBy(() -> connection("svc", Map.of("url", "https://svc.example", "requestTimeout", "30")).http())
        .hasMessageContaining("spark.asyncudf.connection.svc.requestTimeout needs a unit, such as 30s or 500ms, was '30'");
    assertThat(connection("svc", Map.of("url", "https://svc.example", "requestTimeout", "30s")).http().requestTimeout())
        .isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void aValueTheClientRefusesIsReportedWithTheConnectionAndItsKey() {
    assertThatThrownBy(() -> connection("svc", Map.of("url", "svc.example:8080")).http())
        .hasMessageStartingWith("connection 'svc': ")
        .hasMessageContaining("spark.asyncudf.connection.svc.url");
    assertThatThrownBy(() -> connection("svc", Map.of("url", "https://svc.example", "maxResponseBytes", "16 MiB")).http())
        .hasMessageContaining("spark.asyncudf.connection.svc.maxResponseBytes must be a size like 16m");
  }
}
