package io.asyncudf.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.Collections;
import java.util.Objects;

/**
 * Which server certificates to trust. The default trusts the JVM's CA certificates and verifies
 * host names. Trusted certificates are read when the settings are built (on the driver) and travel
 * inside the configuration, so executors need no copy of the file.
 */
public final class TlsSettings implements Serializable {

  private static final long serialVersionUID = 1L;
  private static final TlsSettings DEFAULT = new TlsSettings(null, false);

  private final String trustedCertificatesPem;
  private final boolean insecureTrustAllCertificates;

  private TlsSettings(String trustedCertificatesPem, boolean insecureTrustAllCertificates) {
    this.trustedCertificatesPem = trustedCertificatesPem;
    this.insecureTrustAllCertificates = insecureTrustAllCertificates;
  }

  /** The JVM's default trust store, certificate and host name verification on. */
  public static TlsSettings systemDefault() {
    return DEFAULT;
  }

  /** Trusts exactly the certificates in this PEM text (one or more {@code BEGIN CERTIFICATE} blocks). */
  public static TlsSettings trustedCertificates(String pem) {
    if (pem == null || !pem.contains("BEGIN CERTIFICATE")) {
      throw new IllegalArgumentException("trustedCertificates needs PEM text with at least one certificate");
    }
    return new TlsSettings(pem, false);
  }

  /** Trusts exactly the certificates of a JKS or PKCS12 trust store file. */
  public static TlsSettings trustStore(Path file, Secret password) {
    try (InputStream in = Files.newInputStream(file)) {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(in, password == null ? null : password.reveal().toCharArray());
      StringBuilder pem = new StringBuilder();
      Base64.Encoder base64 = Base64.getMimeEncoder(64, new byte[] {'\n'});
      for (String alias : Collections.list(store.aliases())) {
        Certificate certificate = store.getCertificate(alias);
        if (certificate != null) {
          pem.append("-----BEGIN CERTIFICATE-----\n")
              .append(base64.encodeToString(certificate.getEncoded()))
              .append("\n-----END CERTIFICATE-----\n");
        }
      }
      return trustedCertificates(pem.toString());
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot read trust store " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * INSECURE: accepts any server certificate and any host name, so anyone on the network path can
   * read and change the traffic. For local testing only; a warning is logged once per client.
   */
  public static TlsSettings insecureTrustAllCertificates() {
    return new TlsSettings(null, true);
  }

  String trustedCertificatesPem() {
    return trustedCertificatesPem;
  }

  boolean isInsecure() {
    return insecureTrustAllCertificates;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof TlsSettings tls
        && insecureTrustAllCertificates == tls.insecureTrustAllCertificates
        && Objects.equals(trustedCertificatesPem, tls.trustedCertificatesPem);
  }

  @Override
  public int hashCode() {
    return Objects.hash(trustedCertificatesPem, insecureTrustAllCertificates);
  }

  @Override
  public String toString() {
    if (insecureTrustAllCertificates) {
      return "TlsSettings[INSECURE trust-all]";
    }
    return trustedCertificatesPem == null ? "TlsSettings[system default]" : "TlsSettings[custom trusted certificates]";
  }
}
