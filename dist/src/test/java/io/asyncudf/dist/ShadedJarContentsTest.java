package io.asyncudf.dist;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.apache.hc.core5.util.VersionInfo;
import org.asynchttpclient.config.AsyncHttpClientConfigDefaults;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the shaded jar holds: our classes and relocated third-party classes only, nothing a Spark
 * cluster provides, and service files and string-keyed resources that still match the relocated code
 * that reads them.
 */
class ShadedJarContentsTest {

  private static final String SHADED = "io/asyncudf/shaded/";
  /** Packages of the libraries inside the jar, as they were before relocation. */
  private static final List<String> RELOCATED = List.of("io/netty/", "org/asynchttpclient/", "org/apache/hc/",
      "org/publicsuffix/", "com/fasterxml/jackson/", "jakarta/json/", "org/eclipse/parsson/", "dev/failsafe/",
      "com/nimbusds/", "org/opensearch/", "com/netflix/concurrency/limits/");
  /** Provided by Spark, or deliberately left out (native transports but epoll, JSON-B, annotations, test tools). */
  private static final List<String> FORBIDDEN = List.of("org/apache/spark/", "scala/", "org/apache/arrow/",
      "org/slf4j/", "org/apache/commons/logging/", "javax/annotation/", "jakarta/annotation/", "jakarta/json/bind/",
      "org/eclipse/yasson/", "org/glassfish/", "org/jetbrains/", "kotlin/", "okhttp3/", "mockwebserver3/",
      "io/netty/channel/kqueue/", "io/netty/channel/uring/", "io/netty/internal/tcnative/",
      "io/netty/handler/codec/quic/", "io/netty/resolver/dns/macos/", "org/opensearch/client/json/jsonb/",
      "META-INF/versions/");
  private static final String AHC_DEFAULTS = "org/asynchttpclient/config/ahc-default.properties";

  private static Path jarPath;
  private static JarFile jar;
  private static List<String> names;

  @BeforeAll
  static void open() throws IOException {
    jarPath = Path.of(System.getProperty("asyncudf.shadedJar"));
    jar = new JarFile(jarPath.toFile());
    names = jar.stream().filter(entry -> !entry.isDirectory()).map(JarEntry::getName).toList();
  }

  @AfterAll
  static void close() throws IOException {
    jar.close();
  }

  @Test
  void everyEntryIsUnderOurPackageOrMetaInf() {
    assertThat(names).allSatisfy(name -> assertThat(name).matches("(io/asyncudf/|META-INF/).*"));
  }

  @Test
  void holdsOurModulesAndTheRelocatedLibraries() {
    assertThat(names).contains(
        "io/asyncudf/partition/SparkPartitionInformation.class",
        "io/asyncudf/AsyncUdf.class",
        "io/asyncudf/http/HttpConnector.class",
        "io/asyncudf/fhir/FhirClient.class",
        "io/asyncudf/opensearch/OpenSearchConnector.class",
        SHADED + "io/netty/channel/nio/NioEventLoopGroup.class",
        SHADED + "io/netty/resolver/dns/DnsAddressResolverGroup.class",
        SHADED + "io/netty/channel/unix/UnixChannel.class",
        SHADED + "org/asynchttpclient/DefaultAsyncHttpClient.class",
        SHADED + "org/apache/hc/client5/http/impl/async/CloseableHttpAsyncClient.class",
        SHADED + "org/apache/hc/core5/http2/HttpVersionPolicy.class",
        SHADED + "com/fasterxml/jackson/databind/ObjectMapper.class",
        SHADED + "jakarta/json/spi/JsonProvider.class",
        SHADED + "org/eclipse/parsson/JsonProviderImpl.class",
        SHADED + "dev/failsafe/Failsafe.class",
        SHADED + "com/nimbusds/jose/JWSHeader.class",
        SHADED + "org/opensearch/client/opensearch/OpenSearchAsyncClient.class");
  }

  @Test
  void holdsNothingSparkProvidesOrThatIsLeftOut() {
    assertThat(names).noneMatch(name -> name.endsWith("module-info.class") || name.matches("META-INF/[^/]+\\.(SF|DSA|RSA)"));
    for (String name : names) {
      String unshaded = name.startsWith(SHADED) ? name.substring(SHADED.length()) : name;
      assertThat(FORBIDDEN).as(name).noneMatch(unshaded::startsWith);
    }
  }

  @Test
  void classesReferToRelocatedPackagesOnly() throws IOException {
    List<String> unrelocated = new ArrayList<>();
    for (String name : names) {
      if (name.endsWith(".class")) {
        String bytes = new String(read(name), ISO_8859_1);
        for (String prefix : RELOCATED) {
          for (int at = bytes.indexOf(prefix); at >= 0; at = bytes.indexOf(prefix, at + 1)) {
            if (!bytes.startsWith(SHADED, at - SHADED.length())) {
              unrelocated.add(name + " -> " + prefix);
            }
          }
        }
      }
    }
    assertThat(unrelocated).isEmpty();
  }

  @Test
  void serviceFilesNameRelocatedProvidersThatAreInTheJar() throws IOException {
    List<String> services = names.stream().filter(name -> name.startsWith("META-INF/services/")).toList();
    assertThat(services).contains("META-INF/services/io.asyncudf.shaded.jakarta.json.spi.JsonProvider");
    for (String service : services) {
      String type = service.substring("META-INF/services/".length()).replace('.', '/') + "/";
      assertThat(RELOCATED).as(service).noneMatch(type::startsWith);
      new String(read(service), UTF_8).lines()
          .map(line -> line.replaceAll("#.*", "").trim())
          .filter(line -> !line.isEmpty())
          .forEach(provider -> assertThat(names).as(service).contains(provider.replace('.', '/') + ".class"));
    }
  }

  @Test
  void ahcDefaultsAreReKeyedForTheRelocatedClient() throws IOException {
    Properties original = new Properties();
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(AHC_DEFAULTS)) {
      original.load(in);
    }
    Properties expected = new Properties();
    original.forEach((key, value) -> expected.put("io.asyncudf.shaded." + key, value));
    Properties shaded = new Properties();
    try (InputStream in = jar.getInputStream(jar.getEntry(SHADED + AHC_DEFAULTS))) {
      shaded.load(in);
    }
    assertThat(original).containsKey("org.asynchttpclient.connectTimeout");
    assertThat(shaded).isEqualTo(expected);
  }

  /** The relocated code finds the resources it loads by name: defaults, suffix lists, service files. */
  @Test
  void relocatedLibrariesFindTheirResources() throws Exception {
    ClassLoader previous = Thread.currentThread().getContextClassLoader();
    try (URLClassLoader shaded = new URLClassLoader(new URL[] {jarPath.toUri().toURL()}, getClass().getClassLoader())) {
      Thread.currentThread().setContextClassLoader(shaded);

      try (Closeable client = (Closeable) load(shaded, "org.asynchttpclient.DefaultAsyncHttpClient")
          .getConstructor().newInstance()) {
        Object config = client.getClass().getMethod("getConfig").invoke(client);
        assertThat(config.getClass().getMethod("getConnectTimeout").invoke(config))
            .isEqualTo(AsyncHttpClientConfigDefaults.defaultConnectTimeout());
      }
      assertThat(load(shaded, "org.asynchttpclient.cookie.PublicSuffixList")
          .getMethod("isPublicSuffix", String.class).invoke(null, "co.uk")).isEqualTo(true);
      Object matcher = load(shaded, "org.apache.hc.client5.http.psl.PublicSuffixMatcherLoader").getMethod("getDefault").invoke(null);
      assertThat(matcher.getClass().getMethod("matches", String.class).invoke(matcher, "co.uk")).isEqualTo(true);
      assertThat(load(shaded, "jakarta.json.spi.JsonProvider").getMethod("provider").invoke(null).getClass().getName())
          .isEqualTo("io.asyncudf.shaded.org.eclipse.parsson.JsonProviderImpl");
      assertThat(load(shaded, "org.opensearch.client.transport.Version").getField("VERSION").get(null))
          .hasToString(org.opensearch.client.transport.Version.VERSION.toString());
      Object httpClientVersion = load(shaded, "org.apache.hc.core5.util.VersionInfo")
          .getMethod("loadVersionInfo", String.class, ClassLoader.class)
          .invoke(null, "io.asyncudf.shaded.org.apache.hc.client5", shaded);
      assertThat(httpClientVersion.getClass().getMethod("getRelease").invoke(httpClientVersion))
          .isEqualTo(VersionInfo.loadVersionInfo("org.apache.hc.client5", getClass().getClassLoader()).getRelease());
    } finally {
      Thread.currentThread().setContextClassLoader(previous);
    }
  }

  /** Netty finds a relocated native library by its mangled package prefix: unrenamed, epoll would never load. */
  @Test
  void itsNativeLibrariesAreEpollsRenamedForTheRelocatedPackage() {
    List<String> natives = names.stream().filter(name -> name.startsWith("META-INF/native/")).toList();
    assertThat(natives).containsExactlyInAnyOrder(
        "META-INF/native/libio_asyncudf_shaded_netty_transport_native_epoll_x86_64.so",
        "META-INF/native/libio_asyncudf_shaded_netty_transport_native_epoll_aarch_64.so");
  }

  /** The jar's HTTP connector runs on epoll on Linux (x86-64 and ARM64), loading the jar's own native library. */
  @Test
  void itsConnectorRunsOnEpollOnLinux() throws Exception {
    String arch = System.getProperty("os.arch");
    boolean linux = System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).contains("linux")
        && (arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"));
    // the jar and slf4j, which every Spark cluster has
    URL slf4j = org.slf4j.LoggerFactory.class.getProtectionDomain().getCodeSource().getLocation();
    try (URLClassLoader alone = new URLClassLoader(new URL[] {jarPath.toUri().toURL(), slf4j},
        ClassLoader.getPlatformClassLoader())) {
      Class<?> transport = Class.forName("io.asyncudf.http.Transport", true, alone);
      java.lang.reflect.Method create = transport.getDeclaredMethod("create", int.class, java.util.concurrent.ThreadFactory.class);
      create.setAccessible(true);
      Object made = create.invoke(null, 1, (java.util.concurrent.ThreadFactory) task -> {
        Thread thread = new Thread(task, "shaded-transport-test");
        thread.setDaemon(true);
        return thread;
      });
      java.lang.reflect.Method name = transport.getDeclaredMethod("name");
      java.lang.reflect.Method eventLoop = transport.getDeclaredMethod("eventLoop");
      name.setAccessible(true);
      eventLoop.setAccessible(true);
      Object group = eventLoop.invoke(made);
      try {
        assertThat(name.invoke(made)).isEqualTo(linux ? "epoll" : "nio");
        assertThat(group.getClass().getName()).startsWith(linux ? "io.asyncudf.shaded.io.netty.channel.epoll."
            : "io.asyncudf.shaded.io.netty.channel.nio.");
      } finally { // the loop ends before its class loader closes
        Object ended = group.getClass().getMethod("shutdownGracefully", long.class, long.class,
            java.util.concurrent.TimeUnit.class).invoke(group, 0L, 1L, java.util.concurrent.TimeUnit.SECONDS);
        load(alone, "io.netty.util.concurrent.Future").getMethod("await").invoke(ended);
      }
    }
  }

  private static Class<?> load(ClassLoader loader, String unrelocatedName) throws ClassNotFoundException {
    return Class.forName("io.asyncudf.shaded." + unrelocatedName, true, loader);
  }

  private static byte[] read(String name) throws IOException {
    try (InputStream in = jar.getInputStream(jar.getJarEntry(name))) {
      return in.readAllBytes();
    }
  }
}
