package io.asyncudf.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncudf.connector.Secret;
import io.asyncudf.connector.TlsSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpTlsTest {

  private final HeldCertificate selfSigned = new HeldCertificate.Builder()
      .commonName("localhost").addSubjectAlternativeName("localhost").duration(1, TimeUnit.HOURS).build();
  private final MockWebServer server = new MockWebServer();

  @BeforeEach
  void start() throws Exception {
    server.useHttps(new HandshakeCertificates.Builder().heldCertificate(selfSigned).build().sslSocketFactory());
    server.setDispatcher(new mockwebserver3.QueueDispatcher() {
      @Override
      public MockResponse dispatch(mockwebserver3.RecordedRequest request) {
        return new MockResponse.Builder().code(200).body("{\"secure\":true}").build();
      }
    });
    server.start(0);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private int call(TlsSettings tls) throws Exception {
    return call(tls, new RecordingContext());
  }

  private int call(TlsSettings tls, RecordingContext chunk) throws Exception {
    HttpClientConfig config = HttpClientConfig.builder()
        .baseUrl("https://localhost:" + server.getPort() + "/")
        .retry(HttpRetrySettings.defaults().withBackoff(Duration.ofMillis(5), Duration.ofMillis(10)))
        .tls(tls)
        .build();
    try (HttpConnector http = HttpConnector.create(config)) {
      return http.send(chunk, HttpRequest.get("ping")).toCompletableFuture().get(20, TimeUnit.SECONDS).status();
    }
  }

  @Test
  void aSelfSignedServerIsRejectedByDefaultWithoutRetries() {
    RecordingContext chunk = new RecordingContext();
    ExecutionException failure = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> call(TlsSettings.systemDefault(), chunk));

    assertThat(failure.getCause()).hasMessageContaining("PKIX");
    assertThat(RetryRules.isTlsFailure(failure.getCause())).isTrue();
    assertThat(chunk.retries).isEmpty();
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void trustedCertificatesFromPemOrTrustStoreAreAccepted(@TempDir Path dir) throws Exception {
    assertThat(call(TlsSettings.trustedCertificates(selfSigned.certificatePem()))).isEqualTo(200);

    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setCertificateEntry("server", selfSigned.certificate());
    Path file = dir.resolve("trust.p12");
    try (var out = Files.newOutputStream(file)) {
      store.store(out, "changeit".toCharArray());
    }
    assertThat(call(TlsSettings.trustStore(file, Secret.of("changeit")))).isEqualTo(200);
  }

  @Test
  void aTrustedCertificateForAnotherHostNameIsRejected() {
    HeldCertificate otherHost = new HeldCertificate.Builder()
        .commonName("example.org").addSubjectAlternativeName("example.org").duration(1, TimeUnit.HOURS).build();
    server.useHttps(new HandshakeCertificates.Builder().heldCertificate(otherHost).build().sslSocketFactory());

    ExecutionException failure = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> call(TlsSettings.trustedCertificates(otherHost.certificatePem())));

    assertThat(RetryRules.isTlsFailure(failure.getCause())).isTrue();
  }

  @Test
  void theInsecureSwitchAcceptsAnythingAndWarnsOncePerClient() throws Exception {
    HttpClientConfig config = HttpClientConfig.builder()
        .baseUrl("https://localhost:" + server.getPort() + "/")
        .tls(TlsSettings.insecureTrustAllCertificates())
        .build();
    try (LogCapture logs = new LogCapture()) {
      for (int i = 0; i < 5; i++) {
        HttpResponse response = HttpConnector.shared(config).send(HttpRequest.get("ping"))
            .toCompletableFuture().get(20, TimeUnit.SECONDS);
        assertThat(response.status()).isEqualTo(200);
      }
      assertThat(logs.text().split("verification is DISABLED", -1)).hasSize(2);
      assertThat(logs.text()).contains("never use this in production");
    } finally {
      HttpConnector.closeShared();
    }
    assertThat(TlsSettings.insecureTrustAllCertificates().toString()).contains("INSECURE");
  }
}
