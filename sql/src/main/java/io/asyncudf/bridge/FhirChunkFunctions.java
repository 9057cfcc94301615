package io.asyncudf.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import io.asyncudf.AsyncChunkFunction;
import io.asyncudf.ChunkContext;
import io.asyncudf.RowFailure;
import io.asyncudf.fhir.FhirClient;
import io.asyncudf.fhir.FhirEntry;
import io.asyncudf.fhir.FhirEntryResult;
import io.asyncudf.fhir.SearchLimits;
import io.asyncudf.http.HttpClientConfig;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Chunk functions for the common FHIR jobs, for the Java helpers and for the SQL functions {@code fhir_read}
 * and {@code fhir_search}, which run the same code. Each captures only the serializable
 * {@link HttpClientConfig} and uses the executor's shared {@link FhirClient}.
 *
 * <pre>{@code
 * Dataset<Row> written = AsyncUdf.scalarToStruct(FhirChunkFunctions.writeBatch(fhir, "batch"), FhirChunkFunctions.WRITE_RESULT)
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

  /** Per-row result of {@link #readByIds} and {@link #read}: the entry's status (404 when missing) and the resource JSON. */
  public static final StructType READ_RESULT = new StructType()
      .add("status", DataTypes.IntegerType)
      .add("resource", DataTypes.StringType);

  /** Output rows of {@link #search}: the input query, and one match's id and JSON. */
  public static final StructType SEARCH_RESULT = new StructType()
      .add("query", DataTypes.StringType)
      .add("id", DataTypes.StringType)
      .add("resource", DataTypes.StringType);

  /** Per-row result of {@link #searchEach}: every match's JSON. */
  public static final StructType SEARCH_EACH_RESULT = new StructType()
      .add("resources", DataTypes.createArrayType(DataTypes.StringType));

  private FhirChunkFunctions() {}

  /**
   * For {@code AsyncUdf.scalarToStruct(fn, WRITE_RESULT)} over a string column of resource JSON: writes
   * each chunk as one Bundle of {@code bundleType} ({@code batch} or {@code transaction}), a PUT for a
   * resource with an id, else a POST. A row that is not a resource is not sent; its result names the
   * row in {@code error}.
   *
   * @throws IllegalArgumentException if {@code bundleType} is neither batch nor transaction
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
          entries.add(FhirEntry.write(resources.get(i)));
        } catch (IllegalArgumentException e) {
          errors[i] = "row " + context.rowIndex(i) + ": " + e.getMessage();
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
                json(result.outcome()), null));
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
    return (context, ids) -> read(context, config,
        ids.stream().map(id -> id == null ? null : FhirEntry.read(resourceType, id)).toList(), rows -> rows.add(null));
  }

  /**
   * For {@code AsyncUdf.structToStruct(fn, READ_RESULT)} over structs of {@code (type, id)}, the SQL
   * function {@code fhir_read}: reads each chunk with one batch Bundle of GETs. A missing resource gives
   * status 404 and a null resource; a row with a null type or id is that row's failure.
   */
  public static <P extends Serializable> AsyncChunkFunction<Row, Row, P> read(HttpClientConfig config) {
    return (context, rows) -> read(context, config,
        rows.stream().map(row -> row.isNullAt(0) || row.isNullAt(1) ? null : FhirEntry.read(row.getString(0),
            row.getString(1))).toList(),
        outputs -> RowFailure.addTo(outputs, new IllegalArgumentException("fhir_read: type and id must not be null")));
  }

  /** Reads the entries that are not null with one batch Bundle; {@code absent} answers each null entry. */
  private static CompletionStage<List<Row>> read(ChunkContext<?> context, HttpClientConfig config,
      List<FhirEntry> entries, Consumer<List<Row>> absent) {
    List<FhirEntry> present = entries.stream().filter(entry -> entry != null).toList();
    return FhirClient.shared(config).batch(context, present).thenApply(results -> {
      List<Row> rows = new ArrayList<>(entries.size());
      int next = 0;
      for (FhirEntry entry : entries) {
        if (entry == null) {
          absent.accept(rows);
        } else {
          FhirEntryResult result = results.get(next++);
          rows.add(RowFactory.create(result.status(), json(result.resource())));
        }
      }
      return rows;
    });
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
      return matches("search", context, config, resourceType, query, limits).thenApply(resources -> resources.stream()
          .map(resource -> RowFactory.create(query, resource.path("id").asText(null), json(resource))).toList());
    });
    return (context, queries) -> perQuery.apply(context, queries)
        .thenApply(perInput -> perInput.stream().flatMap(List::stream).toList());
  }

  /**
   * For {@code AsyncUdf.structToStruct(fn, SEARCH_EACH_RESULT)} over structs of {@code (type, query)},
   * the SQL function {@code fhir_search}: one search per row, following next links up to {@code limits}.
   * A row with a null type, or a search past the limits, is that row's failure rather than a silently cut
   * list; a null query searches every resource of the type.
   */
  public static <P extends Serializable> AsyncChunkFunction<Row, Row, P> searchEach(HttpClientConfig config,
      SearchLimits limits) {
    return (context, inputs) -> {
      List<CompletableFuture<Row>> rows = new ArrayList<>(inputs.size());
      for (Row input : inputs) {
        if (input.isNullAt(0)) {
          rows.add(CompletableFuture.failedFuture(new IllegalArgumentException("fhir_search: type must not be null")));
        } else {
          rows.add(matches("fhir_search", context, config, input.getString(0),
              input.isNullAt(1) ? "" : input.getString(1), limits)
              .thenApply(resources -> RowFactory.create(resources.stream().map(FhirChunkFunctions::json).toList()))
              .toCompletableFuture());
        }
      }
      return RowFailure.settled(rows);
    };
  }

  /**
   * Every match of {@code type?query}, following next links up to {@code limits}.
   *
   * @param label what searched, as the error names it: {@code search}, or the SQL function {@code fhir_search}
   * @return a stage failing with an {@link IllegalStateException} when the search passes the limits
   */
  private static CompletionStage<List<JsonNode>> matches(String label, ChunkContext<?> context,
      HttpClientConfig config, String type, String query, SearchLimits limits) {
    List<JsonNode> resources = new ArrayList<>();
    return FhirClient.shared(config).search(context, type, query, limits, resources::addAll).thenApply(summary -> {
      if (summary.truncated()) {
        throw new IllegalStateException(label + " " + type + "?" + query + " exceeds " + limits + " after "
            + summary.pages() + " pages and " + summary.resources() + " resources");
      }
      return resources;
    });
  }

  private static String json(JsonNode node) {
    return node == null ? null : node.toString();
  }
}
