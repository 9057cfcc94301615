package io.asyncudf.sql;

import io.asyncudf.AsyncChunkFunction;
import io.asyncudf.ChunkContext;
import io.asyncudf.fhir.FhirClient;
import io.asyncudf.fhir.SearchLimits;
import io.asyncudf.http.HttpClientConfig;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code fhir_search}: one search per row, following the server's next links up to the limits. A
 * search with more matches than {@code maxResources} (or pages than {@code maxPages}) is that row's
 * error rather than a silently cut list.
 */
final class FhirSearchFunction implements AsyncChunkFunction<Row, Row, Serializable> {

  static final StructType INPUT = new StructType()
      .add("type", DataTypes.StringType)
      .add("query", DataTypes.StringType);

  static final StructType OUTPUT = new StructType()
      .add("resources", DataTypes.createArrayType(DataTypes.StringType));

  private final HttpClientConfig config;
  private final SearchLimits limits;

  FhirSearchFunction(HttpClientConfig config, SearchLimits limits) {
    this.config = config;
    this.limits = limits;
  }

  @Override
  public CompletionStage<List<Row>> apply(ChunkContext<Serializable> context, List<Row> inputs) {
    FhirClient fhir = FhirClient.shared(config);
    List<CompletableFuture<Row>> rows = new ArrayList<>(inputs.size());
    for (Row input : inputs) {
      if (input.isNullAt(0)) {
        rows.add(RowResults.failed("fhir_search: type must not be null"));
        continue;
      }
      String type = input.getString(0);
      String query = input.isNullAt(1) ? "" : input.getString(1);
      List<String> resources = new ArrayList<>();
      rows.add(fhir.search(context, type, query, limits, page -> page.forEach(r -> resources.add(r.toString())))
          .thenApply(summary -> {
            if (summary.truncated()) {
              throw new IllegalStateException("fhir_search " + type + "?" + query + " exceeds " + limits + " after "
                  + summary.pages() + " pages and " + summary.resources() + " resources");
            }
            return RowFactory.create(resources);
          })
          .toCompletableFuture());
    }
    return RowResults.settled(rows);
  }
}
