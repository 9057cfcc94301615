package io.asyncudf.sql;

import io.asyncudf.AsyncChunkFunction;
import io.asyncudf.ChunkContext;
import io.asyncudf.RowFailure;
import io.asyncudf.opensearch.OpenSearchConfig;
import io.asyncudf.opensearch.OpenSearchConnector;
import java.io.Serializable;
import java.util.ArrayList;
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

/** {@code opensearch_get}: looks a chunk's documents up with one {@code _mget} per index. */
final class OpenSearchGetFunction implements AsyncChunkFunction<Row, Row, Serializable> {

  static final StructType INPUT = new StructType()
      .add("index", DataTypes.StringType)
      .add("id", DataTypes.StringType);

  static final StructType OUTPUT = new StructType()
      .add("found", DataTypes.BooleanType)
      .add("source", DataTypes.StringType);

  private final OpenSearchConfig config;

  OpenSearchGetFunction(OpenSearchConfig config) {
    this.config = config;
  }

  @Override
  public CompletionStage<List<Row>> apply(ChunkContext<Serializable> context, List<Row> inputs) {
    OpenSearchConnector openSearch = OpenSearchConnector.shared(config);
    Map<String, List<Integer>> rowsByIndex = new LinkedHashMap<>();
    for (int i = 0; i < inputs.size(); i++) {
      if (!inputs.get(i).isNullAt(0) && !inputs.get(i).isNullAt(1)) {
        rowsByIndex.computeIfAbsent(inputs.get(i).getString(0), index -> new ArrayList<>()).add(i);
      }
    }
    Row[] found = new Row[inputs.size()];
    List<CompletableFuture<Void>> lookups = new ArrayList<>();
    rowsByIndex.forEach((index, rows) -> {
      List<String> ids = rows.stream().map(i -> inputs.get(i).getString(1)).toList();
      lookups.add(openSearch.mget(context, index, ids).thenAccept(documents -> {
        for (int k = 0; k < rows.size(); k++) {
          Optional<com.fasterxml.jackson.databind.JsonNode> document = documents.get(k);
          found[rows.get(k)] = RowFactory.create(document.isPresent(), document.map(Object::toString).orElse(null));
        }
      }).toCompletableFuture());
    });
    return CompletableFuture.allOf(lookups.toArray(CompletableFuture<?>[]::new)).thenApply(ignored -> {
      List<Row> outputs = new ArrayList<>(inputs.size());
      for (Row row : found) {
        if (row == null) {
          RowFailure.addTo(outputs, new IllegalArgumentException("opensearch_get: index and id must not be null"));
        } else {
          outputs.add(row);
        }
      }
      return outputs;
    });
  }
}
