package io.asyncudf.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import io.asyncudf.AsyncChunkFunction;
import io.asyncudf.ChunkContext;
import io.asyncudf.RowFailure;
import io.asyncudf.opensearch.BulkAction;
import io.asyncudf.opensearch.BulkItemException;
import io.asyncudf.opensearch.BulkItemResult;
import io.asyncudf.opensearch.BulkSpec;
import io.asyncudf.opensearch.OpenSearchConfig;
import io.asyncudf.opensearch.OpenSearchConnector;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Chunk functions for OpenSearch, for the Java helpers and for the SQL function {@code opensearch_get}, which
 * runs the same code. Each captures only the serializable {@link OpenSearchConfig} and uses the executor's
 * shared {@link OpenSearchConnector}.
 *
 * <pre>{@code
 * Dataset<Row> indexed = AsyncUdf.structToStruct(
 *         OpenSearchChunkFunctions.bulk(search, BulkSpec.index("patients", "id")), OpenSearchChunkFunctions.BULK_RESULT)
 *     .maxChunkSize(500)
 *     .withColumn(patients, "indexing", struct(col("id"), col("name"), col("birth_year")));
 * }</pre>
 */
public final class OpenSearchChunkFunctions {

  /** Per-row result of {@link #bulk}: the item's status, id and result, or its error type and reason. */
  public static final StructType BULK_RESULT = new StructType()
      .add("status", DataTypes.IntegerType)
      .add("id", DataTypes.StringType)
      .add("result", DataTypes.StringType)
      .add("error_type", DataTypes.StringType)
      .add("error_reason", DataTypes.StringType);

  /** Per-row result of {@link #get}: whether the document exists, and its {@code _source} JSON. */
  public static final StructType GET_RESULT = new StructType()
      .add("found", DataTypes.BooleanType)
      .add("source", DataTypes.StringType);

  /** Output rows of {@link #scrollSearch}: the input query, and one hit's id and {@code _source} JSON. */
  public static final StructType SEARCH_RESULT = new StructType()
      .add("query", DataTypes.StringType)
      .add("id", DataTypes.StringType)
      .add("source", DataTypes.StringType);

  private OpenSearchChunkFunctions() {}

  /**
   * For {@code AsyncUdf.dataFrame(fn, SEARCH_RESULT)} over rows with a string column {@code query}
   * (a {@code _search} body such as {@code {"query":{"term":{"name":"x"}}}}): streams every hit of
   * each row's query with the scroll API, {@code pageSize} per page, one output row per hit. A query
   * with more than {@code maxHits} hits fails the chunk instead of silently returning part of them.
   */
  public static <P extends Serializable> AsyncChunkFunction<Row, Row, P> scrollSearch(OpenSearchConfig config,
      String index, int pageSize, long maxHits) {
    AsyncChunkFunction<Row, List<Row>, P> perQuery = AsyncChunkFunction.perRow((context, input) -> {
      String query = input.getAs("query");
      List<Row> rows = new ArrayList<>();
      return OpenSearchConnector.shared(config).scroll(context, index, query, pageSize, maxHits, hits -> {
        for (JsonNode hit : hits) {
          rows.add(RowFactory.create(query, hit.path("_id").asText(null), hit.path("_source").toString()));
        }
      }).thenApply(total -> rows);
    });
    return (context, queries) -> perQuery.apply(context, queries)
        .thenApply(perInput -> perInput.stream().flatMap(List::stream).toList());
  }

  /**
   * For {@code AsyncUdf.structToStruct(fn, BULK_RESULT)}: one bulk request per chunk (split at
   * {@code maxBulkBytes}), the struct as the document, per-row item results. Items that fail (a
   * mapping conflict, say) are results with {@code error_type}, or with
   * {@link BulkSpec#withFailedItemsAsErrors()} row failures for the UDF's error column; a null
   * struct or a null id fails the chunk naming the row.
   */
  public static <P extends Serializable> AsyncChunkFunction<Row, Row, P> bulk(OpenSearchConfig config, BulkSpec spec) {
    return (context, rows) -> {
      List<BulkAction> actions = new ArrayList<>(rows.size());
      for (int i = 0; i < rows.size(); i++) {
        actions.add(action(spec, rows.get(i), context.rowIndex(i)));
      }
      return OpenSearchConnector.shared(config).bulk(context, actions).thenApply(results -> {
        List<Row> out = new ArrayList<>(results.size());
        for (BulkItemResult result : results) {
          if (spec.failedItemsAsErrors() && !result.isSuccess()) {
            RowFailure.addTo(out, new BulkItemException(result));
          } else {
            out.add(RowFactory.create(result.status(), result.id(), result.result(), result.errorType(), result.errorReason()));
          }
        }
        return out;
      });
    };
  }

  /**
   * For {@code AsyncUdf.scalarToScalar(fn, StringType)} over a column of ids: one {@code _mget} per
   * chunk; the document's {@code _source} as JSON, null when it does not exist or the id is null.
   */
  public static <P extends Serializable> AsyncChunkFunction<String, String, P> lookupByIds(OpenSearchConfig config,
      String index) {
    return (context, ids) -> documents(context, config, ids.stream().map(id -> id == null ? null : new DocumentId(index,
        id)).toList()).thenApply(documents -> documents.stream()
            .map(document -> document == null ? null : document.map(Object::toString).orElse(null)).toList());
  }

  /**
   * For {@code AsyncUdf.structToStruct(fn, GET_RESULT)} over structs of {@code (index, id)}, the SQL
   * function {@code opensearch_get}: one {@code _mget} per chunk and index. A row with a null index or id
   * is that row's failure.
   */
  public static <P extends Serializable> AsyncChunkFunction<Row, Row, P> get(OpenSearchConfig config) {
    return (context, rows) -> documents(context, config, rows.stream()
        .map(row -> row.isNullAt(0) || row.isNullAt(1) ? null : new DocumentId(row.getString(0), row.getString(1)))
        .toList()).thenApply(documents -> {
          List<Row> outputs = new ArrayList<>(documents.size());
          for (Optional<JsonNode> document : documents) {
            if (document == null) {
              RowFailure.addTo(outputs, new IllegalArgumentException("opensearch_get: index and id must not be null"));
            } else {
              outputs.add(RowFactory.create(document.isPresent(), document.map(Object::toString).orElse(null)));
            }
          }
          return outputs;
        });
  }

  private record DocumentId(String index, String id) {}

  /**
   * The documents of {@code ids} in their order, with one {@code _mget} per index: each present or empty,
   * and null for a null id.
   */
  private static CompletionStage<List<Optional<JsonNode>>> documents(ChunkContext<?> context, OpenSearchConfig config,
      List<DocumentId> ids) {
    OpenSearchConnector openSearch = OpenSearchConnector.shared(config);
    Map<String, List<Integer>> rowsByIndex = new LinkedHashMap<>();
    for (int i = 0; i < ids.size(); i++) {
      if (ids.get(i) != null) {
        rowsByIndex.computeIfAbsent(ids.get(i).index(), index -> new ArrayList<>()).add(i);
      }
    }
    List<Optional<JsonNode>> found = new ArrayList<>(Collections.nCopies(ids.size(), null));
    List<CompletableFuture<Void>> lookups = new ArrayList<>();
    rowsByIndex.forEach((index, rows) -> lookups.add(openSearch.mget(context, index,
        rows.stream().map(i -> ids.get(i).id()).toList()).thenAccept(documents -> {
          for (int k = 0; k < rows.size(); k++) {
            found.set(rows.get(k), documents.get(k));
          }
        }).toCompletableFuture()));
    return CompletableFuture.allOf(lookups.toArray(CompletableFuture<?>[]::new)).thenApply(ignored -> found);
  }

  private static BulkAction action(BulkSpec spec, Row row, long rowIndex) {
    if (row == null) {
      throw new IllegalArgumentException("row " + rowIndex + " is null; nothing to index");
    }
    String index = spec.index() != null ? spec.index() : field(row, spec.indexField(), rowIndex);
    String id = spec.idField() == null ? null : spec.idPrefix() + field(row, spec.idField(), rowIndex);
    String routing = spec.routingField() == null ? null : field(row, spec.routingField(), rowIndex);
    String document = spec.type() == BulkAction.Type.DELETE ? null : row.json();
    return new BulkAction(spec.type(), index, id, routing, document);
  }

  private static String field(Row row, String name, long rowIndex) {
    Object value = row.getAs(name);
    if (value == null) {
      throw new IllegalArgumentException("row " + rowIndex + " has a null " + name);
    }
    return value.toString();
  }
}
