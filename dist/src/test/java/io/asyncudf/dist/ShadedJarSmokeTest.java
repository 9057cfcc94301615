package io.asyncudf.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code ShadedJarSmokeJob} in a fresh JVM whose classpath is Spark (with its own, unrelocated
 * Netty and Jackson) plus the shaded jar and nothing else, as on a cluster after
 * {@code spark-submit --jars}. The job is compiled here against that same classpath, the way users
 * compile against the shaded artifact: its public API names relocated Jackson types
 * ({@code HttpResponse.json()} returns {@code io.asyncudf.shaded.com.fasterxml.jackson.databind.JsonNode}).
 */
class ShadedJarSmokeTest {

  private static final String STORE_PASSWORD = "smoke-secret";

  @TempDir
  Path work;

  @Test
  void sparkJobRunsWithOnlySparkAndTheShadedJar() throws Exception {
    String classpath = System.getProperty("asyncudf.shadedJar") + File.pathSeparator
        + Files.readString(Path.of(System.getProperty("asyncudf.sparkClasspathFile"))).trim();
    Path classes = compileJob(classpath);
    Path keyStore = localhostKeyStore();
    Path log = work.resolve("job.log");

    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(Arrays.asList(System.getProperty("asyncudf.sparkJavaOptions").trim().split("\\s+")));
    command.addAll(List.of("-Xmx1g", "-cp", classes + File.pathSeparator + classpath,
        "io.asyncudf.dist.ShadedJarSmokeJob", keyStore.toString(), STORE_PASSWORD));
    Process job = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean finished = job.waitFor(5, TimeUnit.MINUTES);
    if (!finished) {
      job.destroyForcibly().waitFor();
    }

    String output = Files.readString(log);
    String tail = output.lines().skip(Math.max(0, output.lines().count() - 80)).collect(Collectors.joining("\n"));
    assertThat(finished).as("job still running after 5 minutes:%n%s", tail).isTrue();
    assertThat(job.exitValue()).as("job failed:%n%s", tail).isZero();
    assertThat(output.lines()).as(tail).contains("OK 1000");
  }

  private Path compileJob(String classpath) throws IOException {
    Path classes = Files.createDirectories(work.resolve("classes"));
    List<String> arguments = new ArrayList<>(List.of("--release", "17", "-proc:none", "-cp", classpath, "-d", classes.toString()));
    try (Stream<Path> files = Files.walk(Path.of(System.getProperty("asyncudf.smokeJobSources")))) {
      files.filter(file -> file.toString().endsWith(".java")).forEach(file -> arguments.add(file.toString()));
    }
    ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
    int status = ToolProvider.getSystemJavaCompiler().run(null, diagnostics, diagnostics, arguments.toArray(String[]::new));
    assertThat(status).as("the job does not compile against the shaded jar:%n%s", diagnostics).isZero();
    return classes;
  }

  /** A PKCS12 store with a self-signed certificate for {@code localhost}, made by the JDK's keytool. */
  private Path localhostKeyStore() throws Exception {
    Path store = work.resolve("localhost.p12");
    Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "localhost", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
        "-dname", "CN=localhost", "-ext", "SAN=dns:localhost", "-storetype", "PKCS12",
        "-keystore", store.toString(), "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD)
        .redirectErrorStream(true).start();
    String output = new String(keytool.getInputStream().readAllBytes());
    assertThat(keytool.waitFor()).as(output).isZero();
    return store;
  }
}
