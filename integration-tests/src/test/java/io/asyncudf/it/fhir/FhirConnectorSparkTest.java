package io.asyncudf.it.fhir;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.asyncudf.AsyncUdf;
import io.asyncudf.bridge.FhirChunkFunctions;
import io.asyncudf.fhir.SearchLimits;
import io.asyncudf.http.HttpClientConfig;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Spark jobs against a real HAPI FHIR server through the FHIR connector: 5,000 Patients written as
 * batch Bundles (one per chunk), read back by id and by a paged search, counts and contents checked.
 */
class FhirConnectorSparkTest {

  private static final int PATIENTS = 5_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  private static FhirTestServer server;
  private static SparkSession spark;
  private static HttpClientConfig fhir;

  @BeforeAll
  static void start() {
    server = FhirTestServer.start();
    fhir = HttpClientConfig.builder().baseUrl(server.baseUrl()).maxConnections(16).build();
    spark = SparkSession.builder()
        .master("local[2]")
        .appName("fhir-connector")
        .config("spark.ui.enabled", "false")
        .getOrCreate();
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
    server.close();
  }

  private static Dataset<Row> patients() {
    return spark.range(0, PATIENTS, 1, 4).selectExpr(
        "concat('pt-', id) AS id",
        "to_json(named_struct('resourceType', 'Patient', 'id', concat('pt-', id), "
            + "'identifier', array(named_struct('system', 'urn:test:mrn', 'value', concat('mrn-', id))), "
            + "'name', array(named_struct('family', concat('Family', id % 10), 'given', array(concat('Given', id)))))) AS resource");
  }

  @Test
  void writesReadsAndSearchesFiveThousandPatients() throws Exception {
    Dataset<Row> written = AsyncUdf.scalarToStruct(
            FhirChunkFunctions.writeBatch(fhir, "batch"), FhirChunkFunctions.WRITE_RESULT)
        .maxChunkSize(100)
        .maxConcurrentChunks(4)
        .withColumn(patients(), "fhir", col("resource"));

    List<Row> results = written.select("id", "fhir.status", "fhir.id", "fhir.version_id", "fhir.error").collectAsList();

    assertThat(results).hasSize(PATIENTS);
    for (Row row : results) {
      assertThat(row.getInt(1)).as("status of %s", row.getString(0)).isEqualTo(201);
      assertThat(row.getString(2)).isEqualTo(row.getString(0));
      assertThat(row.getString(3)).isEqualTo("1");
      assertThat(row.isNullAt(4)).isTrue();
    }
    assertThat(server.resourceCount("Patient")).isEqualTo(PATIENTS);

    Dataset<Row> read = AsyncUdf.scalarToStruct(
            FhirChunkFunctions.readByIds(fhir, "Patient"), FhirChunkFunctions.READ_RESULT)
        .maxChunkSize(200)
        .withColumn(patients().select("id").union(spark.sql("SELECT 'pt-missing' AS id")), "read", col("id"));
    List<Row> readBack = read.select("id", "read.status", "read.resource").collectAsList();

    assertThat(readBack).hasSize(PATIENTS + 1);
    for (Row row : readBack) {
      if (row.getString(0).equals("pt-missing")) {
        assertThat(row.getInt(1)).isEqualTo(404);
        assertThat(row.isNullAt(2)).isTrue();
        continue;
      }
      JsonNode resource = JSON.readTree(row.getString(2));
      String n = row.getString(0).substring(3);
      assertThat(row.getInt(1)).isEqualTo(200);
      assertThat(resource.path("id").asText()).isEqualTo(row.getString(0));
      assertThat(resource.path("name").get(0).path("given").get(0).asText()).isEqualTo("Given" + n);
      assertThat(resource.path("identifier").get(0).path("value").asText()).isEqualTo("mrn-" + n);
    }

    StructType queries = new StructType().add("query", DataTypes.StringType);
    Dataset<Row> searched = AsyncUdf.dataFrame(
            FhirChunkFunctions.search(fhir, "Patient", new SearchLimits(100, 10_000)), FhirChunkFunctions.SEARCH_RESULT)
        .apply(spark.createDataFrame(List.of(RowFactory.create("_count=500"), RowFactory.create("identifier=urn:test:mrn|mrn-42")), queries));
    List<Row> found = searched.collectAsList();

    Set<String> everyId = new HashSet<>();
    found.stream().filter(r -> r.getString(0).equals("_count=500")).forEach(r -> everyId.add(r.getString(1)));
    assertThat(found.stream().filter(r -> r.getString(0).equals("_count=500"))).hasSize(PATIENTS);
    assertThat(everyId).hasSize(PATIENTS).contains("pt-0", "pt-4999");
    assertThat(found.stream().filter(r -> r.getString(0).startsWith("identifier")).map(r -> r.getString(1)))
        .containsExactly("pt-42");
  }

  @Test
  void badRowsAndRefusedEntriesAreReportedPerRow() {
    Dataset<Row> input = spark.createDataFrame(List.of(
        RowFactory.create("good", "{\"resourceType\":\"Patient\",\"id\":\"row-good\"}"),
        RowFactory.create("not-json", "{\"resourceType\": Patient"),
        RowFactory.create("not-served", "{\"resourceType\":\"Device\",\"id\":\"d1\"}"),
        RowFactory.create("null", null)),
        new StructType().add("name", DataTypes.StringType).add("resource", DataTypes.StringType));

    List<Row> results = AsyncUdf.scalarToStruct(
            FhirChunkFunctions.writeBatch(fhir, "batch"), FhirChunkFunctions.WRITE_RESULT)
        .withColumn(input.coalesce(1), "fhir", col("resource"))
        .select("name", "fhir.status", "fhir.outcome", "fhir.error")
        .collectAsList();

    assertThat(results).hasSize(4);
    assertThat(results.get(0).getInt(1)).isEqualTo(201);
    assertThat(results.get(1).isNullAt(1)).isTrue();
    assertThat(results.get(1).getString(3)).startsWith("row 1: resource is not valid JSON");
    assertThat(results.get(2).getInt(1)).isEqualTo(400);
    assertThat(results.get(2).getString(2)).contains("OperationOutcome");
    assertThat(results.get(3).isNullAt(1)).isTrue();
    assertThat(results.get(3).getString(3)).isEqualTo("row 3: resource is null");
  }
}
