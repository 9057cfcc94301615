package io.asyncudf.opensearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import io.asyncudf.connector.TlsSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The OpenSearch transport verifies certificates and host names unless told, insecurely, not to. */
class OpenSearchTlsTest {

  private static final HeldCertificate LOCALHOST = certificate("localhost");

  private final MockWebServer server = new MockWebServer();

  @AfterEach
  void stop() {
    server.close();
  }

  private static HeldCertificate certificate(String host) {
    return new HeldCertificate.Builder().commonName(host).addSubjectAlternativeName(host)
        .duration(1, TimeUnit.HOURS).build();
  }

  private void serve(HeldCertificate certificate) throws Exception {
    server.useHttps(new HandshakeCertificates.Builder().heldCertificate(certificate).build().sslSocketFactory());
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
            .body("{\"docs\":[{\"_id\":\"a\",\"found\":true,\"_source\":{\"v\":1}}]}").build();
      }
    });
    server.start(0);
  }

  private static List<Throwable> causes(Throwable failure) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      chain.add(t);
    }
    return chain;
  }

  private List<Optional<JsonNode>> mget(TlsSettings tls) throws Exception {
    OpenSearchConfig config = OpenSearchConfig.builder("https://localhost:" + server.getPort())
        .tls(tls)
        .retries(1, Duration.ofMillis(5), Duration.ofMillis(10))
        .build();
    try (OpenSearchConnector search = OpenSearchConnector.create(config)) {
      return search.mget(null, "docs", List.of("a")).toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
  }

  @Test
  void aSelfSignedServerIsRejectedByDefault() throws Exception {
    serve(LOCALHOST);

    assertThat(causes(catchThrowable(() -> mget(TlsSettings.systemDefault()))))
        .hasAtLeastOneElementOfType(SSLException.class);
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void aTrustedCertificateIsAccepted() throws Exception {
    serve(LOCALHOST);

    assertThat(mget(TlsSettings.trustedCertificates(LOCALHOST.certificatePem())).get(0)).isPresent();
  }

  @Test
  void aTrustedCertificateForAnotherHostNameIsRejected() throws Exception {
    HeldCertificate otherHost = certificate("example.org");
    serve(otherHost);

    assertThat(causes(catchThrowable(() -> mget(TlsSettings.trustedCertificates(otherHost.certificatePem())))))
        .hasAtLeastOneElementOfType(SSLException.class);
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void theInsecureSwitchAcceptsAnything() throws Exception {
    serve(certificate("example.org"));

    assertThat(mget(TlsSettings.insecureTrustAllCertificates()).get(0)).isPresent();
  }
}
