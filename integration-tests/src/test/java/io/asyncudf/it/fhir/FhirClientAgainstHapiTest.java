package io.asyncudf.it.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.asyncudf.fhir.FhirClient;
import io.asyncudf.fhir.FhirEntry;
import io.asyncudf.fhir.FhirEntryResult;
import io.asyncudf.fhir.FhirException;
import io.asyncudf.fhir.SearchLimits;
import io.asyncudf.fhir.SearchSummary;
import io.asyncudf.http.HttpClientConfig;
import io.asyncudf.http.HttpConnector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every FhirClient call against a real HAPI FHIR server. */
class FhirClientAgainstHapiTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static FhirTestServer server;
  private static HttpConnector http;
  private static FhirClient fhir;

  @BeforeAll
  static void start() {
    server = FhirTestServer.start(20);
    http = HttpConnector.create(HttpClientConfig.builder().baseUrl(server.baseUrl()).build());
    fhir = FhirClient.over(http);
  }

  @AfterAll
  static void stop() {
    http.close();
    server.close();
  }

  @BeforeEach
  void empty() {
    server.clear();
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static JsonNode patient(String id, String mrn) throws Exception {
    return JSON.readTree("{\"resourceType\":\"Patient\"" + (id == null ? "" : ",\"id\":\"" + id + "\"")
        + ",\"identifier\":[{\"system\":\"urn:mrn\",\"value\":\"" + mrn + "\"}],\"name\":[{\"family\":\"F" + mrn + "\"}]}");
  }

  @Test
  void createReadUpdateDelete() throws Exception {
    FhirEntryResult created = await(fhir.create(null, patient(null, "A1")));
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.versionId()).isEqualTo("1");

    JsonNode read = await(fhir.read(null, "Patient", created.resourceId())).orElseThrow();
    assertThat(read.path("identifier").get(0).path("value").asText()).isEqualTo("A1");

    FhirEntryResult updated = await(fhir.update(null, patient(created.resourceId(), "A1-changed")));
    assertThat(updated.status()).isEqualTo(200);
    assertThat(updated.versionId()).isEqualTo("2");

    assertThat(await(fhir.delete(null, "Patient", created.resourceId())).isSuccess()).isTrue();
    assertThat(await(fhir.read(null, "Patient", created.resourceId()))).isEmpty();
  }

  @Test
  void conditionalCreateWritesOnce() throws Exception {
    FhirEntryResult first = await(fhir.conditionalCreate(null, patient(null, "C1"), "identifier=urn:mrn|C1"));
    FhirEntryResult second = await(fhir.conditionalCreate(null, patient(null, "C1"), "identifier=urn:mrn|C1"));

    assertThat(first.status()).isEqualTo(201);
    assertThat(second.status()).isEqualTo(200);
    assertThat(second.resourceId()).isEqualTo(first.resourceId());
    assertThat(server.resourceCount("Patient")).isEqualTo(1);
  }

  @Test
  void aTransactionWithOneBadEntryWritesNothingAndNamesTheEntry() throws Exception {
    List<FhirEntry> entries = List.of(
        FhirEntry.update(patient("t-1", "T1")),
        FhirEntry.delete("Patient", "never-existed"));

    Throwable failure = assertThrows(ExecutionException.class,
        () -> await(fhir.transaction(null, entries))).getCause();

    assertThat(failure).isInstanceOf(FhirException.class).hasMessageContaining("Bundle.entry[1]");
    assertThat(((FhirException) failure).status()).isEqualTo(404);
    assertThat(server.resourceCount("Patient")).isZero();
    assertThat(await(fhir.transaction(null, List.of(FhirEntry.update(patient("t-1", "T1"))))).get(0).status())
        .isEqualTo(201);
  }

  @Test
  void searchPagesThroughTheServersNextLinks() throws Exception {
    List<FhirEntry> entries = new ArrayList<>();
    for (int i = 0; i < 95; i++) {
      entries.add(FhirEntry.update(patient("s-" + i, "S" + i)));
    }
    assertThat(await(fhir.batch(null, entries))).allSatisfy(result -> assertThat(result.status()).isEqualTo(201));
    List<Integer> pageSizes = new ArrayList<>();

    SearchSummary summary = await(fhir.search(null, "Patient", "", SearchLimits.defaults(), page -> pageSizes.add(page.size())));

    assertThat(pageSizes).containsExactly(20, 20, 20, 20, 15);
    assertThat(summary).isEqualTo(new SearchSummary(5, 95, false));
  }

  @Test
  void mergeRunsAsAGenericOperation() throws Exception {
    await(fhir.update(null, patient("m-source", "M1")));
    await(fhir.update(null, patient("m-target", "M2")));
    JsonNode parameters = JSON.readTree("{\"resourceType\":\"Parameters\",\"parameter\":["
        + "{\"name\":\"source-patient\",\"valueReference\":{\"reference\":\"Patient/m-source\"}},"
        + "{\"name\":\"target-patient\",\"valueReference\":{\"reference\":\"Patient/m-target\"}}]}");

    JsonNode result = await(fhir.operation(null, "POST", "Patient/$merge", parameters));

    assertThat(result.path("resourceType").asText()).isEqualTo("Parameters");
    JsonNode source = await(fhir.read(null, "Patient", "m-source")).orElseThrow();
    assertThat(source.path("active").asBoolean()).isFalse();
    assertThat(source.path("link").get(0).path("type").asText()).isEqualTo("replaced-by");
    Throwable unknown = assertThrows(ExecutionException.class, () -> await(fhir.operation(null, "POST", "Patient/$merge",
        JSON.readTree(parameters.toString().replace("m-target", "nobody"))))).getCause();
    assertThat(((FhirException) unknown).status()).isEqualTo(404);
    assertThat(((FhirException) unknown).operationOutcome()).isNotNull();
  }
}
