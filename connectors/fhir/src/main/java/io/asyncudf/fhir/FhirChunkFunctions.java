package io.asyncudf.fhir;

import com.fasterxml.jackson.databind.JsonNode;
import io.asyncudf.AsyncChunkFunction;
import io.asyncudf.http.HttpClientConfig;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Ready-made chunk functions for the common FHIR jobs. Each captures only the serializable
 * {@link HttpClientConfig} and uses the executor's shared client.
 *
 * <pre>{@code
 * Dataset<Row> written = AsyncUdf.scalarToStruct(FhirChunkFunctions.writeBatch(fhir), FhirChunkFunctions.WRITE_RESULT)
 *     .maxChunkSize(100)
 *     .withColumn(patients, "fhir", col("resource_json"));
 * }</pre>
 */
public final class FhirChunkFunctions {

  /** Per-row result of {@link #writeBatch}: the entry's status, id, version, location, OperationOutcome JSON, or an error for a row that could not be sent. */
  public static final StructType WRITE_RESULT = new StructType()
      .add("status", DataTypes.IntegerType)
      .add("id", DataTypes.StringType)
      .add("version_id", DataTypes.StringType)
      .add("location", DataTypes.StringType)
      .add("outcome", DataTypes.StringType)
      .add("error", DataTypes.StringType);

  /** Per-id result of {@link #readByIds}: the entry's status (404 when missing) and the resource JSON. */
  public static final StructType READ_RESULT = new StructType()
      .add("status", DataTypes.IntegerType)
      .add("resource", DataTypes.StringType);

  /** Output rows of {@link #search}: the input query, and one matching resource's id and JSON. */
  public static final StructType SEARCH_RESULT = new StructType()
      .add("query", DataTypes.StringType)
      .add("id", DataTypes.StringType)
      .add("resource", DataTypes.StringType);

  private FhirChunkFunctions() {}

  /**
   * For {@code AsyncUdf.scalarToStruct(fn, WRITE_RESULT)} over a string column of resource JSON:
   * sends each chunk as one Bundle of type {@code bundleType} ({@code batch} or {@code transaction}),
   * a resource with an id as {@code PUT Type/id} (idempotent, safe to retry), one without as
   * {@code POST Type}. Each row gets its entry's result. A row whose JSON is not a resource is not
   * sent; its result has a null status and the reason in {@code error}.
   */
  public static <P extends Serializable> AsyncChunkFunction<String, Row, P> writeBatch(HttpClientConfig config,
      String bundleType) {
    if (!"batch".equals(bundleType) && !"transaction".equals(bundleType)) {
      throw new IllegalArgumentException("bundleType must be batch or transaction, was " + bundleType);
    }
    return (context, resources) -> {
      List<FhirEntry> entries = new ArrayList<>(resources.size());
      String[] errors = new String[resources.size()];
      for (int i = 0; i < resources.size(); i++) {
        try {
          if (resources.get(i) == null) {
            throw new IllegalArgumentException("resource is null");
          }
          JsonNode resource = FhirJson.resource(resources.get(i));
          entries.add(resource.hasNonNull("id") ? FhirEntry.update(resource) : FhirEntry.create(resource));
        } catch (IllegalArgumentException e) {
          errors[i] = "row " + (context.firstRowIndex() + i) + ": " + e.getMessage();
        }
      }
      FhirClient fhir = FhirClient.shared(config);
      CompletionStage<List<FhirEntryResult>> sent = "batch".equals(bundleType)
          ? fhir.batch(context, entries)
          : fhir.transaction(context, entries);
      return sent.thenApply(results -> {
        List<Row> rows = new ArrayList<>(resources.size());
        int next = 0;
        for (String error : errors) {
          if (error != null) {
            rows.add(RowFactory.create(null, null, null, null, null, error));
          } else {
            FhirEntryResult result = results.get(next++);
            rows.add(RowFactory.create(result.status(), result.resourceId(), result.versionId(), result.location(),
                result.outcome() == null ? null : FhirJson.write(result.outcome()), null));
          }
        }
        return rows;
      });
    };
  }

  /**
   * For {@code AsyncUdf.scalarToStruct(fn, READ_RESULT)} over a string column of ids: reads each
   * chunk's ids of {@code resourceType} with one batch Bundle of GETs. A missing id gives status 404
   * and a null resource; a null id gives a null result.
   */
  public static <P extends Serializable> AsyncChunkFunction<String, Row, P> readByIds(HttpClientConfig config,
      String resourceType) {
    return (context, ids) -> {
      List<FhirEntry> entries = new ArrayList<>(ids.size());
      for (String id : ids) {
        if (id != null) {
          entries.add(FhirEntry.read(resourceType, id));
        }
      }
      return FhirClient.shared(config).batch(context, entries).thenApply(results -> {
        List<Row> rows = new ArrayList<>(ids.size());
        int next = 0;
        for (String id : ids) {
          if (id == null) {
            rows.add(null);
          } else {
            FhirEntryResult result = results.get(next++);
            rows.add(RowFactory.create(result.status(), result.resource() == null ? null : FhirJson.write(result.resource())));
          }
        }
        return rows;
      });
    };
  }

  /**
   * For {@code AsyncUdf.dataFrame(fn, SEARCH_RESULT)} over rows with a string column {@code query}
   * (e.g. {@code family=Smith&_count=100}): runs every row's search on {@code resourceType},
   * following the server's next links up to {@code limits}, and emits one row per match. A search
   * that hits the limits fails the chunk rather than silently returning part of the matches.
   */
  public static <P extends Serializable> AsyncChunkFunction<Row, Row, P> search(HttpClientConfig config,
      String resourceType, SearchLimits limits) {
    AsyncChunkFunction<Row, List<Row>, P> perQuery = AsyncChunkFunction.perRow((context, input) -> {
      String query = input.getAs("query");
      List<Row> rows = new ArrayList<>();
      return FhirClient.shared(config).search(context, resourceType, query, limits, page -> {
        for (JsonNode resource : page) {
          rows.add(RowFactory.create(query, resource.path("id").asText(null), FhirJson.write(resource)));
        }
      }).thenApply(summary -> {
        if (summary.truncated()) {
          throw new IllegalStateException("search " + resourceType + "?" + query + " exceeds " + limits
              + " after " + summary.pages() + " pages and " + summary.resources() + " resources");
        }
        return rows;
      });
    });
    return (context, queries) -> perQuery.apply(context, queries)
        .thenApply(perInput -> perInput.stream().flatMap(List::stream).toList());
  }
}
