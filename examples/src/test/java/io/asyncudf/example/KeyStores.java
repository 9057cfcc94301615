package io.asyncudf.example;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

/** Key stores for test servers, made by the JDK's keytool. */
final class KeyStores {

  private KeyStores() {}

  /** A PKCS12 store in {@code dir} with a self-signed certificate for {@code localhost}. */
  static Path localhost(Path dir, String password) throws Exception {
    Path store = dir.resolve("localhost.p12");
    Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "localhost", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
        "-dname", "CN=localhost", "-ext", "SAN=dns:localhost", "-storetype", "PKCS12",
        "-keystore", store.toString(), "-storepass", password, "-keypass", password)
        .redirectErrorStream(true).start();
    String output = new String(keytool.getInputStream().readAllBytes());
    assertThat(keytool.waitFor()).as(output).isZero();
    return store;
  }
}
