package io.asyncudf.it.notebooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.asyncudf.it.fhir.FhirTestServer;
import io.asyncudf.it.opensearch.OpenSearchTestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Executes every notebook in {@code notebooks/} top to bottom with papermill, on PySpark 4.1 with the
 * wheel built from this build's shaded jar. The FHIR and OpenSearch notebooks get the URLs of the real
 * servers started here; the others start their own service. A notebook asserts its key facts in a
 * cell, so a broken notebook fails here. Executed copies go to {@code target/notebooks/}.
 */
class NotebooksTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path NOTEBOOKS = ROOT.resolve("notebooks");
  private static final Path PYTHON = ROOT.resolve("python");
  private static final Path EXECUTED = Path.of("target", "notebooks").toAbsolutePath();
  private static final long TIMEOUT_SECONDS = 300;

  private static FhirTestServer fhir;
  private static OpenSearchTestServer openSearch;

  @BeforeAll
  static void start() throws Exception {
    // the python module builds after this one: build its wheel here and install it (and the demo) into its venvs
    run(List.of("bash", PYTHON.resolve("build-wheel.sh").toString(), System.getProperty("asyncudf.projectVersion")),
        PYTHON, Path.of("target", "build-wheel.log"));
    run(List.of("bash", PYTHON.resolve("install-wheel.sh").toString()), PYTHON, Path.of("target", "install-wheel.log"));
    fhir = FhirTestServer.start();
    openSearch = OpenSearchTestServer.start();
    Files.createDirectories(EXECUTED);
  }

  @AfterAll
  static void stop() {
    if (openSearch != null) {
      openSearch.close();
    }
    if (fhir != null) {
      fhir.close();
    }
  }

  static Stream<String> notebooks() throws IOException {
    try (Stream<Path> files = Files.list(NOTEBOOKS)) {
      return files.map(file -> file.getFileName().toString()).filter(name -> name.endsWith(".ipynb")).sorted()
          .toList().stream();
    }
  }

  @Test
  void thereAreTheFiveNotebooks() throws IOException {
    assertThat(notebooks()).containsExactly("01-quick-start.ipynb", "02-fhir.ipynb", "03-opensearch.ipynb",
        "04-failures.ipynb", "05-performance.ipynb");
  }

  @ParameterizedTest
  @MethodSource("notebooks")
  void isCommittedWithoutOutputs(String notebook) throws IOException {
    JsonNode cells = new ObjectMapper().readTree(NOTEBOOKS.resolve(notebook).toFile()).path("cells");
    assertThat(cells.size()).isGreaterThan(3);
    for (JsonNode cell : cells) {
      if (cell.path("cell_type").asText().equals("code")) {
        assertThat(cell.path("outputs")).as("outputs of a cell of %s", notebook).isEmpty();
        assertThat(cell.path("execution_count").isNull()).as("execution count of a cell of %s", notebook).isTrue();
      }
    }
  }

  @ParameterizedTest
  @MethodSource("notebooks")
  void runsTopToBottom(String notebook) throws Exception {
    List<String> command = new ArrayList<>(List.of(PYTHON.resolve(".venv-4.1/bin/papermill").toString(), "-k", "python3",
        "--cwd", EXECUTED.toString(), NOTEBOOKS.resolve(notebook).toString(), EXECUTED.resolve(notebook).toString(),
        "-p", "fhir_url", fhir.baseUrl(), "-p", "opensearch_url", openSearch.baseUrl()));
    run(command, NOTEBOOKS, EXECUTED.resolve(notebook + ".log"));
  }

  private static void run(List<String> command, Path directory, Path log) throws Exception {
    Files.createDirectories(log.toAbsolutePath().getParent());
    ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().put("JDK_JAVA_OPTIONS", System.getProperty("asyncudf.testJvmArgs", ""));
    Process process = builder.start();
    boolean ended = process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    if (!ended) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
    String output = Files.readString(log);
    assertThat(ended).as("%s still running after %d s:%n%s", command, TIMEOUT_SECONDS, tail(output)).isTrue();
    assertThat(process.exitValue()).as("%s failed:%n%s", command, tail(output)).isZero();
  }

  private static String tail(String output) {
    return output.length() <= 6000 ? output : output.substring(output.length() - 6000);
  }
}
