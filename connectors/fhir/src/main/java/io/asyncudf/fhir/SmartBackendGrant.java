package io.asyncudf.fhir;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.asyncudf.connector.Secret;
import io.asyncudf.http.TokenGrant;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * SMART Backend Services authorization (client-credentials with a signed JWT assertion,
 * {@code private_key_jwt}). Each token request carries a fresh assertion: {@code iss} and
 * {@code sub} the client id, {@code aud} the token URL, a unique {@code jti}, expiry
 * {@code assertionLifetime} ahead (at most 5 minutes, as SMART requires), signed RS384 or ES384 with
 * {@code kid} in the header. Use with {@code HttpAuth.oauth2(tokenUrl, grant)}; the token is then
 * cached per executor and refreshed before expiry. The private key is a {@link Secret} and never
 * shown.
 *
 * @param clientId the registered client id
 * @param privateKeyPem the PKCS#8 private key ({@code -----BEGIN PRIVATE KEY-----}), RSA for RS384, EC P-384 for ES384
 * @param algorithm {@code RS384} or {@code ES384}
 * @param keyId the {@code kid} of the public key in the client's registered JWK Set
 * @param scope requested scopes, e.g. {@code system/Patient.rs}
 * @param assertionLifetime how long each assertion is valid
 */
public record SmartBackendGrant(
    String clientId, Secret privateKeyPem, String algorithm, String keyId, String scope, Duration assertionLifetime)
    implements TokenGrant {

  private static final String ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

  public SmartBackendGrant {
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(privateKeyPem, "privateKeyPem");
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(scope, "scope");
    if (!"RS384".equals(algorithm) && !"ES384".equals(algorithm)) {
      throw new IllegalArgumentException("algorithm must be RS384 or ES384, was " + algorithm);
    }
    if (assertionLifetime == null || assertionLifetime.isNegative() || assertionLifetime.isZero()
        || assertionLifetime.compareTo(Duration.ofMinutes(5)) > 0) {
      throw new IllegalArgumentException("assertionLifetime must be positive and at most 5 minutes, was " + assertionLifetime);
    }
    privateKey(privateKeyPem, algorithm);
  }

  /** A grant with assertions valid for 4 minutes. */
  public static SmartBackendGrant of(String clientId, Secret privateKeyPem, String algorithm, String keyId, String scope) {
    return new SmartBackendGrant(clientId, privateKeyPem, algorithm, keyId, scope, Duration.ofMinutes(4));
  }

  @Override
  public Map<String, String> formParameters(String tokenUrl) throws JOSEException {
    Instant now = Instant.now();
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .issuer(clientId)
        .subject(clientId)
        .audience(tokenUrl)
        .jwtID(UUID.randomUUID().toString())
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plus(assertionLifetime)))
        .build();
    JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.parse(algorithm)).keyID(keyId).type(JOSEObjectType.JWT).build();
    SignedJWT jwt = new SignedJWT(header, claims);
    jwt.sign(signer());
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "client_credentials");
    form.put("scope", scope);
    form.put("client_assertion_type", ASSERTION_TYPE);
    form.put("client_assertion", jwt.serialize());
    return form;
  }

  private JWSSigner signer() throws JOSEException {
    PrivateKey key = privateKey(privateKeyPem, algorithm);
    return "ES384".equals(algorithm) ? new ECDSASigner((ECPrivateKey) key) : new RSASSASigner(key);
  }

  private static PrivateKey privateKey(Secret pem, String algorithm) {
    String base64 = pem.reveal()
        .replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "")
        .replaceAll("\\s", "");
    try {
      byte[] der = Base64.getDecoder().decode(base64);
      return KeyFactory.getInstance("ES384".equals(algorithm) ? "EC" : "RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      throw new IllegalArgumentException("privateKeyPem is not a PKCS#8 " + ("ES384".equals(algorithm) ? "EC" : "RSA")
          + " private key (-----BEGIN PRIVATE KEY-----)", null);
    }
  }
}
