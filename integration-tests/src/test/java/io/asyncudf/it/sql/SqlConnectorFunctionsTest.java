package io.asyncudf.it.sql;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.asyncudf.it.fhir.FhirTestServer;
import io.asyncudf.it.opensearch.OpenSearchTestServer;
import io.asyncudf.opensearch.OpenSearchConnector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The connector SQL functions against a real HAPI FHIR server and a real OpenSearch server, from plain SQL. */
class SqlConnectorFunctionsTest {

  private static final int PATIENTS = 120;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static FhirTestServer fhir;
  private static OpenSearchTestServer openSearch;
  private static SparkSession spark;

  @BeforeAll
  static void start() throws Exception {
    fhir = FhirTestServer.start();
    openSearch = OpenSearchTestServer.start();
    spark = SparkSession.builder()
        .master("local[2]")
        .appName("sql-connector-functions")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.extensions", "io.asyncudf.sql.AsyncUdfExtensions")
        .config("spark.asyncudf.connection.fhir.url", fhir.baseUrl())
        .config("spark.asyncudf.connection.search.url", openSearch.baseUrl())
        .config("spark.asyncudf.sql.maxChunkSize", "16")
        .getOrCreate();
    StringBuilder bundle = new StringBuilder("{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":[");
    StringBuilder bulk = new StringBuilder();
    for (int i = 0; i < PATIENTS; i++) {
      bundle.append(i == 0 ? "" : ",").append("{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"p").append(i)
          .append("\",\"name\":[{\"family\":\"").append(i % 2 == 0 ? "Even" : "Odd").append("\",\"given\":[\"g")
          .append(i).append("\"]}],\"identifier\":[{\"system\":\"urn:parity\",\"value\":\"")
          .append(i % 2 == 0 ? "even" : "odd")
          .append("\"}]},\"request\":{\"method\":\"PUT\",\"url\":\"Patient/p").append(i).append("\"}}");
      bulk.append("{\"index\":{\"_index\":\"people\",\"_id\":\"d").append(i).append("\"}}\n{\"n\":").append(i).append("}\n");
    }
    send(fhir.baseUrl(), "POST", "", bundle.append("]}").toString(), "application/fhir+json");
    send(openSearch.baseUrl(), "POST", "/_bulk?refresh=true", bulk.toString(), "application/x-ndjson");
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
    OpenSearchConnector.closeShared();
    if (openSearch != null) {
      openSearch.close();
    }
    if (fhir != null) {
      fhir.close();
    }
  }

  private static JsonNode send(String base, String method, String path, String body, String type) throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + path))
        .header("Content-Type", type).method(method, HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
    return JSON.readTree(response.body());
  }

  @Test
  void fhirReadReturnsEveryPatientAndA404ForAMissingOne() throws Exception {
    List<Row> rows = spark.sql("""
        SELECT id, r.status, r.resource, r.error
        FROM (SELECT id, fhir_read('fhir', 'Patient', IF(id < %d, concat('p', id), 'nobody')) AS r
              FROM range(0, %d, 1, 3))
        """.formatted(PATIENTS, PATIENTS + 1)).collectAsList();

    assertThat(rows).hasSize(PATIENTS + 1);
    for (int i = 0; i < PATIENTS; i++) {
      Row row = rows.get(i);
      assertThat(row.getLong(0)).isEqualTo(i);
      assertThat(row.getInt(1)).isEqualTo(200);
      assertThat(JSON.readTree(row.getString(2)).path("name").get(0).path("given").get(0).asText()).isEqualTo("g" + i);
      assertThat(row.isNullAt(3)).isTrue();
    }
    assertThat(rows.get(PATIENTS).getInt(1)).isEqualTo(404);
    assertThat(rows.get(PATIENTS).isNullAt(2)).isTrue();
  }

  @Test
  void fhirSearchFollowsPagesAndBoundsTheResult() throws Exception {
    List<Row> rows = spark.sql("""
        SELECT parity, r.resources, r.error.message
        FROM (SELECT parity, fhir_search('fhir', 'Patient', concat('identifier=urn:parity|', parity, '&_count=7'),
                                         map('maxResources', '50')) AS r
              FROM VALUES ('even'), ('odd'), ('none') AS t(parity))
        """).collectAsList();

    assertThat(rows).hasSize(3);
    assertThat(rows.get(0).isNullAt(1)).isTrue();
    assertThat(rows.get(0).getString(2)).contains("exceeds", "maxResources=50");
    assertThat(rows.get(2).<String>getList(1)).isEmpty();
    assertThat(rows.get(2).isNullAt(2)).isTrue();

    List<Row> all = spark.sql("""
        SELECT fhir_search('fhir', 'Patient', 'identifier=urn:parity|odd&_count=25').resources AS resources
        """).collectAsList();
    List<String> given = all.get(0).<String>getList(0).stream()
        .map(json -> given(json)).sorted().collect(Collectors.toList());
    assertThat(given).containsExactlyElementsOf(IntStream.range(0, PATIENTS).filter(i -> i % 2 == 1)
        .mapToObj(i -> "g" + i).sorted().toList());
  }

  private static String given(String json) {
    try {
      return JSON.readTree(json).path("name").get(0).path("given").get(0).asText();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void opensearchGetLooksEveryDocumentUp() throws Exception {
    List<Row> rows = spark.sql("""
        SELECT id, r.found, r.source, r.error
        FROM (SELECT id, opensearch_get('search', 'people', concat('d', id)) AS r FROM range(0, %d, 1, 2))
        """.formatted(PATIENTS + 5)).collectAsList();

    assertThat(rows).hasSize(PATIENTS + 5);
    for (Row row : rows) {
      long id = row.getLong(0);
      assertThat(row.isNullAt(3)).isTrue();
      if (id < PATIENTS) {
        assertThat(row.getBoolean(1)).isTrue();
        assertThat(JSON.readTree(row.getString(2)).path("n").asLong()).isEqualTo(id);
      } else {
        assertThat(row.getBoolean(1)).isFalse();
        assertThat(row.isNullAt(2)).isTrue();
      }
    }
  }
}
