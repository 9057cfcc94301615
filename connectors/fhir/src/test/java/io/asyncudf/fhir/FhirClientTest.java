package io.asyncudf.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.asyncudf.http.HttpClientConfig;
import io.asyncudf.http.HttpConnector;
import io.asyncudf.http.HttpRetrySettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FhirClientTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final MockWebServer server = new MockWebServer();
  private HttpConnector http;
  private FhirClient fhir;

  @BeforeEach
  void start() throws Exception {
    server.start(0);
    http = HttpConnector.create(HttpClientConfig.builder()
        .baseUrl(server.url("/fhir/").toString())
        .retry(HttpRetrySettings.defaults().withBackoff(Duration.ofMillis(5), Duration.ofMillis(10)))
        .build());
    fhir = FhirClient.over(http);
  }

  @AfterEach
  void stop() {
    http.close();
    server.close();
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private static Throwable failureOf(CompletionStage<?> stage) {
    return assertThrows(ExecutionException.class, () -> stage.toCompletableFuture().get(20, TimeUnit.SECONDS)).getCause();
  }

  private static MockResponse fhirJson(int code, String body) {
    return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/fhir+json").body(body).build();
  }

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text);
  }

  private static String bodyOf(RecordedRequest request) {
    return request.getBody() == null ? "" : request.getBody().string(StandardCharsets.UTF_8);
  }

  @Test
  void readsAResourceAndTreatsMissingAsEmpty() throws Exception {
    server.enqueue(fhirJson(200, "{\"resourceType\":\"Patient\",\"id\":\"7\"}"));
    server.enqueue(fhirJson(404, "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"not-found\"}]}"));

    assertThat(await(fhir.read(null, "Patient", "7"))).get().extracting(p -> p.get("id").asText()).isEqualTo("7");
    assertThat(await(fhir.read(null, "Patient", "8"))).isEqualTo(Optional.empty());
    RecordedRequest first = server.takeRequest();
    assertThat(first.getTarget()).isEqualTo("/fhir/Patient/7");
    assertThat(first.getHeaders().get("Accept")).isEqualTo("application/fhir+json");
  }

  @Test
  void errorsCarryTheOperationOutcomeOrTheRawBody() throws Exception {
    server.enqueue(fhirJson(422, "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"invalid\","
        + "\"diagnostics\":\"birthDate is not a date\",\"expression\":[\"Patient.birthDate\"]}]}"));
    server.enqueue(new MockResponse.Builder().code(400).body("<html>bad gateway config</html>").build());
    JsonNode patient = json("{\"resourceType\":\"Patient\",\"id\":\"p1\",\"birthDate\":\"soon\"}");

    Throwable invalid = failureOf(fhir.update(null, patient));
    Throwable raw = failureOf(fhir.update(null, patient));

    assertThat(invalid).isInstanceOf(FhirException.class)
        .hasMessage("FHIR server answered HTTP 422 to PUT " + server.url("/fhir/Patient/p1")
            + ": error invalid: birthDate is not a date (Patient.birthDate)");
    assertThat(((FhirException) invalid).operationOutcome().path("issue").size()).isEqualTo(1);
    assertThat(raw).isInstanceOf(FhirException.class).hasMessageEndingWith("<html>bad gateway config</html>");
  }

  @Test
  void searchFollowsNextLinksVerbatimOnePageAtATime() throws Exception {
    String page2 = server.url("/fhir?_getpages=a1b2&_getpagesoffset=2&_count=2&_bundletype=searchset").toString();
    String page3 = server.url("/fhir?_getpages=a1b2&_getpagesoffset=4&_count=2&_bundletype=searchset").toString();
    server.enqueue(fhirJson(200, searchset(List.of("1", "2"), page2)));
    server.enqueue(fhirJson(200, searchset(List.of("3", "4"), page3)));
    server.enqueue(fhirJson(200, searchset(List.of("5"), null)));
    List<List<String>> pages = new ArrayList<>();

    SearchSummary summary = await(fhir.search(null, "Patient", "family=Smith&_count=2", SearchLimits.defaults(),
        page -> pages.add(page.stream().map(p -> p.get("id").asText()).toList())));

    assertThat(pages).containsExactly(List.of("1", "2"), List.of("3", "4"), List.of("5"));
    assertThat(summary).isEqualTo(new SearchSummary(3, 5, false));
    assertThat(server.takeRequest().getTarget()).isEqualTo("/fhir/Patient?family=Smith&_count=2");
    assertThat(server.takeRequest().getUrl().toString()).isEqualTo(page2);
    assertThat(server.takeRequest().getUrl().toString()).isEqualTo(page3);
  }

  @Test
  void aNextLinkToAnotherOriginFailsTheSearchNamingBothOriginsAndIsNotFollowed() throws Exception {
    try (MockWebServer other = new MockWebServer();
        HttpConnector authenticated = HttpConnector.create(HttpClientConfig.builder()
            .baseUrl(server.url("/fhir/").toString())
            .auth(io.asyncudf.http.HttpAuth.bearer(io.asyncudf.connector.Secret.of("fhir-bearer-token")))
            .build())) {
      other.start(0);
      server.enqueue(fhirJson(200, searchset(List.of("1", "2"), other.url("/fhir?page=2").toString())));
      List<String> seen = new ArrayList<>();

      Throwable failure = failureOf(FhirClient.over(authenticated).search(null, "Patient", "family=Smith",
          SearchLimits.defaults(), page -> page.forEach(p -> seen.add(p.get("id").asText()))));

      assertThat(failure).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("points to origin http://" + other.getHostName() + ":" + other.getPort())
          .hasMessageContaining("http://" + server.getHostName() + ":" + server.getPort())
          .hasMessageNotContaining("fhir-bearer-token");
      assertThat(seen).containsExactly("1", "2");
      assertThat(other.getRequestCount()).isZero();
      assertThat(server.takeRequest().getHeaders().get("Authorization")).isEqualTo("Bearer fhir-bearer-token");
    }
  }

  @Test
  void searchStopsAtItsLimitsAndSaysSo() throws Exception {
    server.enqueue(fhirJson(200, searchset(List.of("1", "2"), server.url("/fhir?page=2").toString())));
    server.enqueue(fhirJson(200, searchset(List.of("3", "4"), server.url("/fhir?page=3").toString())));

    List<JsonNode> matches = await(fhir.searchAll(null, "Patient", "", new SearchLimits(10, 3)));

    assertThat(matches).extracting(p -> p.get("id").asText()).containsExactly("1", "2", "3");
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void batchMapsEveryEntryResultBackInOrder() throws Exception {
    server.enqueue(fhirJson(200, "{\"resourceType\":\"Bundle\",\"type\":\"batch-response\",\"entry\":["
        + "{\"response\":{\"status\":\"201 Created\",\"location\":\"Patient/a1/_history/1\",\"etag\":\"W/\\\"1\\\"\"}},"
        + "{\"response\":{\"status\":\"400 Bad Request\",\"outcome\":{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"invalid\"}]}}},"
        + "{\"response\":{\"status\":\"200 OK\",\"location\":\"" + server.url("/fhir/Patient/p9/_history/3") + "\"}}]}"));
    List<FhirEntry> entries = List.of(
        FhirEntry.create(json("{\"resourceType\":\"Patient\"}")),
        FhirEntry.create(json("{\"resourceType\":\"Patient\",\"gender\":\"unknown-value\"}")),
        FhirEntry.update(json("{\"resourceType\":\"Patient\",\"id\":\"p9\"}")));

    List<FhirEntryResult> results = await(fhir.batch(null, entries));

    assertThat(results).extracting(FhirEntryResult::status).containsExactly(201, 400, 200);
    assertThat(results.get(0).resourceId()).isEqualTo("a1");
    assertThat(results.get(0).versionId()).isEqualTo("1");
    assertThat(results.get(1).isSuccess()).isFalse();
    assertThat(results.get(1).outcome().path("issue").get(0).path("code").asText()).isEqualTo("invalid");
    assertThat(results.get(2).resourceId()).isEqualTo("p9");
    assertThat(results.get(2).versionId()).isEqualTo("3");
    JsonNode sent = json(bodyOf(server.takeRequest()));
    assertThat(sent.path("type").asText()).isEqualTo("batch");
    assertThat(sent.path("entry").get(2).path("request").path("method").asText()).isEqualTo("PUT");
    assertThat(sent.path("entry").get(2).path("request").path("url").asText()).isEqualTo("Patient/p9");
  }

  @Test
  void aBatchResponseWithTheWrongNumberOfEntriesIsAnError() throws Exception {
    server.enqueue(fhirJson(200, "{\"resourceType\":\"Bundle\",\"type\":\"batch-response\",\"entry\":[]}"));

    Throwable failure = failureOf(fhir.batch(null, List.of(FhirEntry.read("Patient", "1"))));

    assertThat(failure).hasMessageContaining("batch response has 0 entries for 1 sent");
  }

  @Test
  void createsAreNotRetriedButIdempotentWritesAre() throws Exception {
    JsonNode patient = json("{\"resourceType\":\"Patient\",\"id\":\"p2\"}");
    server.enqueue(new MockResponse.Builder().code(503).build());
    assertThat(((FhirException) failureOf(fhir.create(null, patient))).status()).isEqualTo(503);

    server.enqueue(new MockResponse.Builder().code(503).build());
    server.enqueue(fhirJson(200, "{\"resourceType\":\"Patient\",\"id\":\"p2\",\"meta\":{\"versionId\":\"2\"}}"));
    FhirEntryResult updated = await(fhir.update(null, patient));
    assertThat(updated.status()).isEqualTo(200);
    assertThat(updated.resourceId()).isEqualTo("p2");
    assertThat(server.getRequestCount()).isEqualTo(3);
  }

  @Test
  void conditionalCreateSendsIfNoneExist() throws Exception {
    server.enqueue(new MockResponse.Builder().code(201).addHeader("Location", server.url("/fhir/Patient/42/_history/1")).build());

    FhirEntryResult created = await(fhir.conditionalCreate(null,
        json("{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"urn:mrn\",\"value\":\"M1\"}]}"), "identifier=urn:mrn|M1"));

    assertThat(created.status()).isEqualTo(201);
    assertThat(created.resourceId()).isEqualTo("42");
    RecordedRequest request = server.takeRequest();
    assertThat(request.getMethod()).isEqualTo("POST");
    assertThat(request.getHeaders().get("If-None-Exist")).isEqualTo("identifier=urn:mrn|M1");
    assertThat(request.getHeaders().get("Content-Type")).startsWith("application/fhir+json");
  }

  @Test
  void operationsPostParametersAndReturnTheResult() throws Exception {
    server.enqueue(fhirJson(200, "{\"resourceType\":\"Patient\",\"id\":\"target\"}"));

    JsonNode result = await(fhir.operation(null, "POST", "Patient/$merge", json("{\"resourceType\":\"Parameters\"}")));

    assertThat(result.path("id").asText()).isEqualTo("target");
    assertThat(server.takeRequest().getTarget()).isEqualTo("/fhir/Patient/$merge");
  }

  private static String searchset(List<String> ids, String next) {
    StringBuilder bundle = new StringBuilder("{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"link\":[");
    if (next != null) {
      bundle.append("{\"relation\":\"next\",\"url\":\"").append(next).append("\"}");
    }
    bundle.append("],\"entry\":[");
    for (int i = 0; i < ids.size(); i++) {
      bundle.append(i == 0 ? "" : ",").append("{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"")
          .append(ids.get(i)).append("\"},\"search\":{\"mode\":\"match\"}}");
    }
    return bundle.append("]}").toString();
  }
}
