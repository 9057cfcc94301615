package io.asyncudf.connector;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Collections;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

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

  /** The trusted certificates as PEM text, or null for the JVM's trust store. */
  public String trustedCertificatesPem() {
    return trustedCertificatesPem;
  }

  /** True when certificate and host name verification are off. */
  public boolean isInsecure() {
    return insecureTrustAllCertificates;
  }

  /**
   * A JDK {@link SSLContext} that trusts what these settings say: the JVM default, exactly the
   * given certificates, or (insecure) anything.
   */
  public SSLContext sslContext() {
    try {
      if (!insecureTrustAllCertificates && trustedCertificatesPem == null) {
        return SSLContext.getDefault();
      }
      TrustManager[] trust = insecureTrustAllCertificates ? new TrustManager[] {new TrustAll()} : trustManagers();
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust, null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build the TLS context: " + e.getMessage(), e);
    }
  }

  private TrustManager[] trustManagers() throws GeneralSecurityException, IOException {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    int index = 0;
    for (Certificate certificate : CertificateFactory.getInstance("X.509")
        .generateCertificates(new ByteArrayInputStream(trustedCertificatesPem.getBytes(StandardCharsets.US_ASCII)))) {
      store.setCertificateEntry("trusted-" + index++, certificate);
    }
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    return factory.getTrustManagers();
  }

  /** Accepts every certificate: only behind {@link #insecureTrustAllCertificates()}. */
  private static final class TrustAll implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
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
