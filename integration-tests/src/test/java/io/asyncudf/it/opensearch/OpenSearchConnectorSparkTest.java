package io.asyncudf.it.opensearch;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.asyncudf.AsyncUdf;
import io.asyncudf.bridge.OpenSearchChunkFunctions;
import io.asyncudf.opensearch.BulkSpec;
import io.asyncudf.opensearch.OpenSearchConfig;
import io.asyncudf.opensearch.OpenSearchConnector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.stream.LongStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Spark jobs indexing into and reading from a real OpenSearch server through the connector. */
class OpenSearchConnectorSparkTest {

  private static final int DOCUMENTS = 100_000;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static OpenSearchTestServer server;
  private static SparkSession spark;
  private static OpenSearchConfig search;

  @BeforeAll
  static void start() throws Exception {
    server = OpenSearchTestServer.start();
    search = OpenSearchConfig.builder(server.baseUrl()).build();
    spark = SparkSession.builder().master("local[2]").appName("opensearch-connector")
        .config("spark.ui.enabled", "false").getOrCreate();
    String mapping = "{\"properties\":{\"id\":{\"type\":\"long\"},\"name\":{\"type\":\"keyword\"},\"birth_year\":{\"type\":\"integer\"}}}";
    for (String index : List.of("patients", "strict")) {
      assertThat(call("PUT", "/" + index, "{\"settings\":{\"number_of_shards\":2,\"number_of_replicas\":0},\"mappings\":" + mapping + "}")
          .path("acknowledged").asBoolean()).isTrue();
    }
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
    OpenSearchConnector.closeShared();
    if (server != null) {
      server.close();
    }
  }

  private static JsonNode call(String method, String path, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).header("Content-Type", "application/json");
    request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return JSON.readTree(HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString()).body());
  }

  @Test
  void indexesOneHundredThousandDocumentsAndReadsThemBack() throws Exception {
    Dataset<Row> patients = spark.range(0, DOCUMENTS, 1, 4)
        .selectExpr("id", "concat('name-', id) AS name", "CAST(1930 + id % 90 AS INT) AS birth_year");

    Row outcome = AsyncUdf.structToStruct(
            OpenSearchChunkFunctions.bulk(search, BulkSpec.index("patients", "id").withIdPrefix("patient-")),
            OpenSearchChunkFunctions.BULK_RESULT)
        .maxChunkSize(1000)
        .maxConcurrentChunks(4)
        .withColumn(patients, "indexing", struct(col("id"), col("name"), col("birth_year")))
        .agg(count(when(col("indexing.status").equalTo(201), 1)), count(when(col("indexing.error_type").isNotNull(), 1)),
            count(when(col("indexing.id").equalTo(org.apache.spark.sql.functions.concat(
                org.apache.spark.sql.functions.lit("patient-"), col("id").cast("string"))), 1)))
        .first();

    assertThat(outcome.getLong(0)).isEqualTo(DOCUMENTS);
    assertThat(outcome.getLong(1)).isZero();
    assertThat(outcome.getLong(2)).isEqualTo(DOCUMENTS);
    call("POST", "/patients/_refresh", null);
    assertThat(call("GET", "/patients/_count", null).path("count").asLong()).isEqualTo(DOCUMENTS);
    for (long id : new long[] {0, 1, 4242, 99_999}) {
      JsonNode doc = call("GET", "/patients/_doc/patient-" + id, null);
      assertThat(doc.path("_source").path("name").asText()).isEqualTo("name-" + id);
      assertThat(doc.path("_source").path("birth_year").asInt()).isEqualTo(1930 + id % 90);
    }

    List<Row> looked = AsyncUdf.scalarToScalar(OpenSearchChunkFunctions.lookupByIds(search, "patients"), DataTypes.StringType)
        .maxChunkSize(200)
        .withColumn(spark.range(0, 1000, 1, 2).selectExpr("id", "concat('patient-', id * 97) AS doc_id")
            .union(spark.sql("SELECT -1 AS id, 'patient-missing' AS doc_id")), "document", col("doc_id"))
        .collectAsList();

    List<Row> hits = AsyncUdf.dataFrame(OpenSearchChunkFunctions.scrollSearch(search, "patients", 500, 10_000),
            OpenSearchChunkFunctions.SEARCH_RESULT)
        .apply(spark.createDataFrame(List.of(
            RowFactory.create("{\"query\":{\"term\":{\"birth_year\":1977}}}"),
            RowFactory.create("{\"query\":{\"term\":{\"name\":\"name-7\"}}}")),
            new StructType().add("query", DataTypes.StringType)))
        .collectAsList();
    assertThat(hits.stream().filter(hit -> hit.getString(0).contains("1977"))).hasSize((int) LongStream.range(0, DOCUMENTS).filter(i -> i % 90 == 47).count())
        .allSatisfy(hit -> assertThat(Long.parseLong(hit.getString(1).substring(8)) % 90).isEqualTo(47));
    assertThat(hits.stream().filter(hit -> hit.getString(0).contains("name-7")).map(hit -> hit.getString(1)))
        .containsExactly("patient-7");

    assertThat(looked).hasSize(1001);
    for (Row row : looked) {
      if (row.getLong(0) < 0) {
        assertThat(row.isNullAt(2)).isTrue();
      } else {
        assertThat(JSON.readTree(row.getString(2)).path("name").asText()).isEqualTo("name-" + row.getLong(0) * 97);
      }
    }
  }

  @Test
  void aMappingConflictFailsExactlyThoseRows() {
    Dataset<Row> rows = spark.range(0, 2000, 1, 2).selectExpr("id", "concat('n', id) AS name",
        "CASE WHEN id % 100 = 7 THEN 'unknown' ELSE CAST(1950 + id % 50 AS STRING) END AS birth_year");

    List<Row> failed = AsyncUdf.structToStruct(OpenSearchChunkFunctions.bulk(search, BulkSpec.index("strict", "id")),
            OpenSearchChunkFunctions.BULK_RESULT)
        .maxChunkSize(250)
        .withColumn(rows, "indexing", struct(col("id"), col("name"), col("birth_year")))
        .filter(col("indexing.error_type").isNotNull())
        .select("id", "indexing.status", "indexing.error_type", "indexing.error_reason")
        .collectAsList();

    assertThat(failed).hasSize(20).allSatisfy(row -> {
      assertThat(row.getLong(0) % 100).isEqualTo(7);
      assertThat(row.getInt(1)).isEqualTo(400);
      assertThat(row.getString(2)).isEqualTo("mapper_parsing_exception");
      assertThat(row.getString(3)).contains("birth_year");
    });
  }

  @Test
  void failedItemsCanGoToTheErrorColumn() {
    Dataset<Row> rows = spark.range(0, 1000, 1, 2).selectExpr("id", "concat('e', id) AS name",
        "CASE WHEN id % 100 = 3 THEN 'unknown' ELSE '1980' END AS birth_year");

    List<Row> out = AsyncUdf.structToStruct(
            OpenSearchChunkFunctions.bulk(search, BulkSpec.index("strict", "id").withIdPrefix("e-").withFailedItemsAsErrors()),
            OpenSearchChunkFunctions.BULK_RESULT)
        .maxChunkSize(100)
        .errorColumn("error")
        .withColumn(rows, "indexing", struct(col("id"), col("name"), col("birth_year")))
        .select("id", "indexing.status", "error.message", "error.input_json")
        .collectAsList();

    assertThat(out).hasSize(1000).allSatisfy(row -> {
      if (row.getLong(0) % 100 == 3) {
        assertThat(row.isNullAt(1)).isTrue();
        assertThat(row.getString(2)).startsWith("bulk item strict/e-" + row.getLong(0) + " failed with HTTP 400 mapper_parsing_exception");
        assertThat(row.getString(3)).contains("\"birth_year\":\"unknown\"");
      } else {
        assertThat(row.isNullAt(2)).as("error of %s", row).isTrue();
        assertThat(row.getInt(1)).isEqualTo(201);
      }
    });
  }
}
