package io.asyncudf.it.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Drives {@link FhirTestServer} over plain HTTP with the JDK client, as a connector would. */
class FhirTestServerTest {

  private static final String MRN = "http://hospital.example/mrn";
  private static final ObjectMapper JSON = new ObjectMapper();

  private static FhirTestServer server;

  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void startServer() {
    server = FhirTestServer.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @BeforeEach
  void clearServer() {
    server.clear();
  }

  @Test
  void anotherServerStartsWithinFiveSecondsOnItsOwnLoopbackPort() throws Exception {
    long started = System.nanoTime();
    try (FhirTestServer another = FhirTestServer.start()) {
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
      assertThat(another.baseUrl()).matches("http://127\\.0\\.0\\.1:\\d+/fhir").isNotEqualTo(server.baseUrl());

      Response metadata = send("GET", another.baseUrl() + "/metadata", null);

      assertThat(metadata.status()).isEqualTo(200);
      assertThat(metadata.body().path("resourceType").asText()).isEqualTo("CapabilityStatement");
    }
  }

  @Test
  void createsAndReadsAPatient() throws Exception {
    Response created = send("POST", "Patient", patient("Smith", "mrn-1"));

    assertThat(created.status()).isEqualTo(201);
    String location = created.header("Location");
    assertThat(location).matches(server.baseUrl() + "/Patient/\\d+/_history/1");

    Response read = send("GET", location.substring(0, location.indexOf("/_history")), null);
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.header("ETag")).isEqualTo("W/\"1\"");
    assertThat(read.body().at("/name/0/family").asText()).isEqualTo("Smith");
    assertThat(server.resourceCount("Patient")).isEqualTo(1);
  }

  @Test
  void putWithAClientIdCreatesThenUpdates() throws Exception {
    ObjectNode patient = patient("Jones", "mrn-2").put("id", "p-2");

    assertThat(send("PUT", "Patient/p-2", patient).status()).isEqualTo(201);
    Response updated = send("PUT", "Patient/p-2", patient.put("gender", "female"));

    assertThat(updated.status()).isEqualTo(200);
    assertThat(updated.header("Content-Location")).endsWith("/Patient/p-2/_history/2");
    assertThat(send("GET", "Patient/p-2", null).body().path("gender").asText()).isEqualTo("female");
    assertThat(send("PUT", "Patient/42", patient("Numeric", "mrn-3").put("id", "42")).status())
        .isEqualTo(400);
    assertThat(server.resourceCount("Patient")).isEqualTo(1);
  }

  @Test
  void conditionalCreateWithTheSameIdentifierYieldsOneResource() throws Exception {
    String criteria = "identifier=" + URLEncoder.encode(MRN + "|mrn-4", StandardCharsets.UTF_8);

    Response first = send("POST", "Patient", patient("Brown", "mrn-4"), "If-None-Exist", criteria);
    Response second = send("POST", "Patient", patient("Brown", "mrn-4"), "If-None-Exist", criteria);
    Response inBatch = send("POST", "", bundle("batch",
        ifNoneExist(entry("POST", "Patient", patient("Brown", "mrn-4")), criteria)));

    assertThat(first.status()).isEqualTo(201);
    assertThat(second.status()).isEqualTo(200);
    assertThat(second.header("Location")).isEqualTo(first.header("Location"));
    assertThat(inBatch.body().at("/entry/0/response/status").asText()).isEqualTo("200 OK");
    assertThat(server.baseUrl() + "/" + inBatch.body().at("/entry/0/response/location").asText())
        .isEqualTo(first.header("Location"));
    assertThat(server.resourceCount("Patient")).isEqualTo(1);
    Response search = send("GET", "Patient?" + criteria, null);
    assertThat(search.body().path("total").asInt()).isEqualTo(1);
  }

  @Test
  void batchReportsAnInvalidEntryOnItsOwnAndWritesTheRest() throws Exception {
    ObjectNode[] entries = IntStream.range(0, 120)
        .mapToObj(i -> i == 57
            ? entry("PUT", "Patient/url-id", patient("Invalid", "mrn-57").put("id", "body-id"))
            : entry("POST", "Patient", patient("Batch" + i, "mrn-" + i)))
        .toArray(ObjectNode[]::new);

    Response response = send("POST", "", bundle("batch", entries));

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body().path("type").asText()).isEqualTo("batch-response");
    JsonNode results = response.body().path("entry");
    assertThat(results).hasSize(120);
    for (int i = 0; i < 120; i++) {
      JsonNode result = results.get(i).path("response");
      if (i == 57) {
        assertThat(result.path("status").asText()).isEqualTo("400 Bad Request");
        assertThat(result.at("/outcome/resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(result.at("/outcome/issue/0/diagnostics").asText()).contains("does not match");
      } else {
        assertThat(result.path("status").asText()).isEqualTo("201 Created");
        assertThat(result.path("location").asText()).matches("Patient/\\d+/_history/1");
        assertThat(result.path("etag").asText()).isEqualTo("W/\"1\"");
      }
    }
    assertThat(server.resourceCount("Patient")).isEqualTo(119);
  }

  @Test
  void batchReadsAndDeletesAndReportsMissingTargets() throws Exception {
    String id = idOf(send("POST", "Patient", patient("Read", "mrn-5")));

    JsonNode results = send("POST", "", bundle("batch",
        entry("GET", "Patient/" + id, null),
        entry("GET", "Patient/missing", null),
        entry("POST", "Encounter", JSON.createObjectNode().put("resourceType", "Encounter")),
        entry("DELETE", "Patient/" + id, null),
        entry("DELETE", "Patient/missing", null))).body().path("entry");

    assertThat(results.get(0).at("/response/status").asText()).isEqualTo("200 OK");
    assertThat(results.get(0).at("/resource/name/0/family").asText()).isEqualTo("Read");
    assertThat(results.get(1).at("/response/status").asText()).isEqualTo("404 Not Found");
    assertThat(results.get(1).at("/response/outcome/resourceType").asText()).isEqualTo("OperationOutcome");
    assertThat(results.get(2).at("/response/status").asText()).isEqualTo("400 Bad Request");
    assertThat(results.get(2).at("/response/outcome/issue/0/diagnostics").asText()).contains("Encounter");
    assertThat(results.get(3).at("/response/status").asText()).isEqualTo("204 No Content");
    assertThat(results.get(4).at("/response/status").asText()).isEqualTo("404 Not Found");
    assertThat(server.resourceCount("Patient")).isZero();
  }

  @Test
  void transactionWithOneInvalidEntryWritesNothing() throws Exception {
    List<ObjectNode> entries = new ArrayList<>();
    IntStream.range(0, 10).forEach(i -> entries.add(entry("POST", "Patient", patient("Tx" + i, "tx-" + i))));
    entries.add(entry("POST", "Encounter", JSON.createObjectNode().put("resourceType", "Encounter")));

    Response rejected = send("POST", "", bundle("transaction", entries.toArray(ObjectNode[]::new)));

    assertThat(rejected.status()).isEqualTo(400);
    assertThat(rejected.body().path("resourceType").asText()).isEqualTo("OperationOutcome");
    assertThat(rejected.body().at("/issue/0/diagnostics").asText()).contains("Bundle.entry[10]");
    assertThat(server.resourceCount("Patient")).isZero();

    Response committed = send("POST", "", bundle("transaction", entries.subList(0, 10).toArray(ObjectNode[]::new)));

    assertThat(committed.status()).isEqualTo(200);
    assertThat(committed.body().path("type").asText()).isEqualTo("transaction-response");
    assertThat(committed.body().findValues("status")).extracting(JsonNode::asText)
        .hasSize(10).containsOnly("201 Created");
    assertThat(server.resourceCount("Patient")).isEqualTo(10);
  }

  @Test
  void searchPagesFollowNextLinksAndReturnEveryPatientOnce() throws Exception {
    ObjectNode[] entries = IntStream.range(0, 130)
        .mapToObj(i -> entry("POST", "Patient", patient("Paged" + i, "page-" + i)))
        .toArray(ObjectNode[]::new);
    send("POST", "", bundle("batch", entries));

    List<String> ids = new ArrayList<>();
    int pages = 0;
    String next = server.baseUrl() + "/Patient?_count=50";
    while (next != null) {
      JsonNode page = send("GET", next, null).body();
      pages++;
      assertThat(page.path("entry").size()).isLessThanOrEqualTo(50);
      page.path("entry").forEach(entry -> ids.add(entry.at("/resource/id").asText()));
      next = linkUrl(page, "next");
    }

    assertThat(pages).isEqualTo(3);
    assertThat(ids).hasSize(130).doesNotHaveDuplicates();
  }

  @Test
  void mergeRetiresTheSourceInFavourOfTheTarget() throws Exception {
    String source = idOf(send("POST", "Patient", patient("Source", "mrn-6")));
    String target = idOf(send("POST", "Patient", patient("Target", "mrn-7")));

    Response merged = send("POST", "Patient/$merge", mergeParameters(source, target));

    assertThat(merged.status()).isEqualTo(200);
    assertThat(merged.body().path("resourceType").asText()).isEqualTo("Parameters");
    JsonNode result = parameter(merged.body(), "result");
    assertThat(result.path("id").asText()).isEqualTo(target);
    assertThat(result.at("/link/0/type").asText()).isEqualTo("replaces");
    assertThat(result.at("/link/0/other/reference").asText()).isEqualTo("Patient/" + source);
    JsonNode retired = send("GET", "Patient/" + source, null).body();
    assertThat(retired.path("active").asBoolean(true)).isFalse();
    assertThat(retired.at("/link/0/type").asText()).isEqualTo("replaced-by");
    assertThat(retired.at("/link/0/other/reference").asText()).isEqualTo("Patient/" + target);
    assertThat(retired.at("/meta/versionId").asText()).isEqualTo("2");

    Response unknown = send("POST", "Patient/$merge", mergeParameters(source, "nobody"));
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.body().path("resourceType").asText()).isEqualTo("OperationOutcome");
  }

  @Test
  void deleteRemovesAPatient() throws Exception {
    String id = idOf(send("POST", "Patient", patient("Gone", "mrn-8")));

    assertThat(send("DELETE", "Patient/" + id, null).status()).isEqualTo(204);
    assertThat(send("GET", "Patient/" + id, null).status()).isEqualTo(410);
    assertThat(send("DELETE", "Patient/never", null).status()).isEqualTo(404);
    assertThat(server.resourceCount("Patient")).isZero();
  }

  private Response send(String method, String pathOrUrl, JsonNode body, String... headers)
      throws IOException, InterruptedException {
    String url = pathOrUrl.startsWith("http") ? pathOrUrl
        : server.baseUrl() + (pathOrUrl.isEmpty() ? "" : "/" + pathOrUrl);
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(30))
        .header("Accept", "application/fhir+json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body.toString()));
    if (body != null) {
      request.header("Content-Type", "application/fhir+json");
    }
    if (headers.length > 0) {
      request.headers(headers);
    }
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode json = response.body().isEmpty() ? JSON.missingNode() : JSON.readTree(response.body());
    return new Response(response.statusCode(), response, json);
  }

  private record Response(int status, HttpResponse<String> http, JsonNode body) {
    String header(String name) {
      return http.headers().firstValue(name).orElse(null);
    }
  }

  private static String idOf(Response created) {
    assertThat(created.status()).isEqualTo(201);
    return created.body().path("id").asText();
  }

  private static ObjectNode patient(String family, String mrn) {
    ObjectNode patient = JSON.createObjectNode().put("resourceType", "Patient");
    patient.putArray("identifier").addObject().put("system", MRN).put("value", mrn);
    patient.putArray("name").addObject().put("family", family);
    return patient;
  }

  private static ObjectNode bundle(String type, ObjectNode... entries) {
    ObjectNode bundle = JSON.createObjectNode().put("resourceType", "Bundle").put("type", type);
    ArrayNode array = bundle.putArray("entry");
    for (ObjectNode entry : entries) {
      array.add(entry);
    }
    return bundle;
  }

  private static ObjectNode entry(String method, String url, ObjectNode resource) {
    ObjectNode entry = JSON.createObjectNode();
    if (resource != null) {
      entry.set("resource", resource);
    }
    entry.putObject("request").put("method", method).put("url", url);
    return entry;
  }

  private static ObjectNode ifNoneExist(ObjectNode entry, String criteria) {
    ((ObjectNode) entry.get("request")).put("ifNoneExist", criteria);
    return entry;
  }

  private static ObjectNode mergeParameters(String source, String target) {
    ObjectNode parameters = JSON.createObjectNode().put("resourceType", "Parameters");
    ArrayNode parameter = parameters.putArray("parameter");
    parameter.addObject().put("name", "source-patient").putObject("valueReference")
        .put("reference", "Patient/" + source);
    parameter.addObject().put("name", "target-patient").putObject("valueReference")
        .put("reference", "Patient/" + target);
    return parameters;
  }

  private static JsonNode parameter(JsonNode parameters, String name) {
    return StreamSupport.stream(parameters.path("parameter").spliterator(), false)
        .filter(p -> p.path("name").asText().equals(name))
        .findFirst().orElseThrow().path("resource");
  }

  private static String linkUrl(JsonNode bundle, String relation) {
    for (JsonNode link : bundle.path("link")) {
      if (link.path("relation").asText().equals(relation)) {
        return link.path("url").asText();
      }
    }
    return null;
  }
}
