package io.asyncudf.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import io.asyncudf.AsyncUdf;
import io.asyncudf.bridge.FhirChunkFunctions;
import io.asyncudf.bridge.OpenSearchChunkFunctions;
import io.asyncudf.http.HttpClientConfig;
import io.asyncudf.it.fhir.FhirTestServer;
import io.asyncudf.it.opensearch.OpenSearchTestServer;
import io.asyncudf.opensearch.BulkSpec;
import io.asyncudf.opensearch.OpenSearchConfig;
import io.asyncudf.opensearch.OpenSearchConnector;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Scenario 7: writes through the connectors to the real servers the tests use, a single-node
 * OpenSearch 2.19 (512 MiB heap) and HAPI FHIR's in-memory server, both on this machine. These
 * are reported, not held to a target: the servers, not the library, set the pace.
 */
final class ServerScenarios {

  private ServerScenarios() {}

  static List<BenchResult> run(SparkSession spark, BenchOptions options) throws Exception {
    return List.of(openSearch(spark, options.openSearchDocs()), fhir(spark, options.fhirPatients()));
  }

  private static BenchResult openSearch(SparkSession spark, long docs) throws Exception {
    try (OpenSearchTestServer server = OpenSearchTestServer.start()) {
      OpenSearchConfig config = OpenSearchConfig.builder(server.baseUrl()).build();
      Dataset<Row> patients = spark.range(0, docs, 1, Benchmark.PARTITIONS)
          .selectExpr("id", "concat('name-', id) AS name", "CAST(1930 + id % 90 AS INT) AS birth_year");
      long start = System.nanoTime();
      Row outcome = AsyncUdf.structToStruct(OpenSearchChunkFunctions.bulk(config, BulkSpec.index("bench", "id")),
              OpenSearchChunkFunctions.BULK_RESULT)
          .maxChunkSize(1_000)
          .maxConcurrentChunks(4)
          .withColumn(patients, "indexing", struct(col("id"), col("name"), col("birth_year")))
          .agg(count(when(col("indexing.status").equalTo(201), 1)))
          .first();
      double seconds = (System.nanoTime() - start) / 1e9;
      requireAll(outcome.getLong(0), docs, "OpenSearch documents created");
      return report("OpenSearch bulk index, 1,000 docs per bulk", docs, 4_000, seconds);
    } finally {
      OpenSearchConnector.closeShared();
    }
  }

  private static BenchResult fhir(SparkSession spark, long patients) throws Exception {
    try (FhirTestServer server = FhirTestServer.start()) {
      HttpClientConfig config = HttpClientConfig.builder().baseUrl(server.baseUrl()).maxConnections(16).build();
      Dataset<Row> resources = spark.range(0, patients, 1, Benchmark.PARTITIONS).selectExpr(
          "to_json(named_struct('resourceType', 'Patient', 'id', concat('pt-', id), "
              + "'identifier', array(named_struct('system', 'urn:bench:mrn', 'value', concat('mrn-', id))), "
              + "'name', array(named_struct('family', concat('Family', id % 10), 'given', array(concat('Given', id)))))) AS resource");
      long start = System.nanoTime();
      Row outcome = AsyncUdf.scalarToStruct(FhirChunkFunctions.writeBatch(config, "batch"), FhirChunkFunctions.WRITE_RESULT)
          .maxChunkSize(100)
          .maxConcurrentChunks(4)
          .withColumn(resources, "fhir", col("resource"))
          .agg(count(when(col("fhir.status").equalTo(201), 1)))
          .first();
      double seconds = (System.nanoTime() - start) / 1e9;
      requireAll(outcome.getLong(0), patients, "FHIR Patients created");
      requireAll(server.resourceCount("Patient"), patients, "Patients on the FHIR server");
      return report("FHIR batch write (HAPI), 100 per Bundle", patients, 400, seconds);
    }
  }

  private static void requireAll(long actual, long expected, String what) {
    if (actual != expected) {
      throw new IllegalStateException(what + ": " + actual + " of " + expected);
    }
  }

  private static BenchResult report(String scenario, long rows, int window, double seconds) {
    BenchResult result = new BenchResult(scenario, rows, window, 0, seconds, Double.NaN, -1, Double.NaN,
        Benchmark.peakHeapMb(), Double.NaN);
    System.out.println(result.line());
    return result;
  }
}
