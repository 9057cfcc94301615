package io.asyncudf.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import io.asyncudf.connector.Secret;
import io.asyncudf.http.HttpAuth;
import io.asyncudf.http.HttpClientConfig;
import io.asyncudf.http.HttpConnector;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SmartBackendGrantTest {

  /** A token endpoint that accepts only a correctly signed, fresh, never-seen assertion from "spark-etl". */
  private static final class TokenEndpoint extends Dispatcher {
    private final JWSVerifier verifier;
    private final String expectedAlgorithm;
    private final Set<String> seenJtis = ConcurrentHashMap.newKeySet();
    volatile String rejection;

    TokenEndpoint(JWSVerifier verifier, String expectedAlgorithm) {
      this.verifier = verifier;
      this.expectedAlgorithm = expectedAlgorithm;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      if (!request.getUrl().encodedPath().equals("/auth/token")) {
        boolean authorized = ("Bearer smart-token-" + seenJtis.size()).equals(request.getHeaders().get("Authorization"));
        return new MockResponse.Builder().code(authorized ? 200 : 401)
            .body("{\"resourceType\":\"Patient\",\"id\":\"1\"}").build();
      }
      try {
        Map<String, String> form = form(request.getBody().string(StandardCharsets.UTF_8));
        SignedJWT jwt = SignedJWT.parse(form.get("client_assertion"));
        String tokenUrl = request.getUrl().toString();
        check(form.get("grant_type").equals("client_credentials"), "grant_type");
        check(form.get("client_assertion_type").equals("urn:ietf:params:oauth:client-assertion-type:jwt-bearer"), "assertion type");
        check(form.get("scope").equals("system/Patient.rs"), "scope");
        check(jwt.verify(verifier), "signature");
        check(jwt.getHeader().getAlgorithm().getName().equals(expectedAlgorithm), "alg");
        check("key-2026".equals(jwt.getHeader().getKeyID()), "kid");
        check("spark-etl".equals(jwt.getJWTClaimsSet().getIssuer()), "iss");
        check("spark-etl".equals(jwt.getJWTClaimsSet().getSubject()), "sub");
        check(jwt.getJWTClaimsSet().getAudience().equals(java.util.List.of(tokenUrl)), "aud");
        Instant expiry = jwt.getJWTClaimsSet().getExpirationTime().toInstant();
        check(expiry.isAfter(Instant.now()) && expiry.isBefore(Instant.now().plus(Duration.ofMinutes(5))), "exp");
        check(seenJtis.add(jwt.getJWTClaimsSet().getJWTID()), "unique jti");
        return new MockResponse.Builder().code(200).body("{\"access_token\":\"smart-token-" + seenJtis.size()
            + "\",\"token_type\":\"bearer\",\"expires_in\":300,\"scope\":\"system/Patient.rs\"}").build();
      } catch (Exception | AssertionError e) {
        rejection = e.getMessage();
        return new MockResponse.Builder().code(400).body("{\"error\":\"invalid_client\"}").build();
      }
    }

    private static void check(boolean condition, String what) {
      if (!condition) {
        throw new AssertionError("bad " + what);
      }
    }

    private static Map<String, String> form(String body) {
      Map<String, String> form = new HashMap<>();
      for (String pair : body.split("&")) {
        String[] kv = pair.split("=", 2);
        form.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
      }
      return form;
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"RS384", "ES384"})
  void signsAFreshAssertionThatTheTokenEndpointAccepts(String algorithm) throws Exception {
    KeyPair keys = keyPair(algorithm);
    JWSVerifier verifier = algorithm.equals("RS384")
        ? new RSASSAVerifier((RSAPublicKey) keys.getPublic())
        : new ECDSAVerifier((ECPublicKey) keys.getPublic());
    TokenEndpoint endpoint = new TokenEndpoint(verifier, algorithm);
    try (MockWebServer server = new MockWebServer()) {
      server.setDispatcher(endpoint);
      server.start(0);
      SmartBackendGrant grant = SmartBackendGrant.of("spark-etl", pem(keys), algorithm, "key-2026", "system/Patient.rs");
      HttpClientConfig config = HttpClientConfig.builder()
          .baseUrl(server.url("/fhir/").toString())
          .auth(HttpAuth.oauth2(server.url("/auth/token").toString(), grant))
          .build();
      try (HttpConnector http = HttpConnector.create(config)) {
        FhirClient fhir = FhirClient.over(http);

        assertThat(fhir.read(null, "Patient", "1").toCompletableFuture().get(20, TimeUnit.SECONDS)).isPresent();
        assertThat(endpoint.rejection).isNull();
        // a second token (new assertion, new jti) after the first is rejected by the server
        endpoint.seenJtis.add("force-new-token");
        assertThat(fhir.read(null, "Patient", "1").toCompletableFuture().get(20, TimeUnit.SECONDS)).isPresent();
        assertThat(endpoint.rejection).isNull();
        assertThat(http.metrics().tokenFetches()).isEqualTo(2);
      }
      assertThat(grant.toString()).doesNotContain(pem(keys).reveal().substring(40, 80));
    }
  }

  @Test
  void rejectsKeysAndSettingsThatCannotWork() throws Exception {
    Secret rsa = pem(keyPair("RS384"));
    assertThatThrownBy(() -> SmartBackendGrant.of("c", rsa, "HS256", "k", "s")).hasMessageContaining("RS384 or ES384");
    assertThatThrownBy(() -> SmartBackendGrant.of("c", rsa, "ES384", "k", "s")).hasMessageContaining("EC private key");
    assertThatThrownBy(() -> new SmartBackendGrant("c", rsa, "RS384", "k", "s", Duration.ofMinutes(10)))
        .hasMessageContaining("at most 5 minutes");
  }

  private static KeyPair keyPair(String algorithm) throws Exception {
    if (algorithm.equals("RS384")) {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    }
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp384r1"));
    return generator.generateKeyPair();
  }

  private static Secret pem(KeyPair keys) {
    return Secret.of("-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(keys.getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n");
  }
}
