package io.asyncudf.sql;

import io.asyncudf.AsyncChunkFunction;
import io.asyncudf.ChunkContext;
import io.asyncudf.RowFailure;
import io.asyncudf.fhir.FhirClient;
import io.asyncudf.fhir.FhirEntry;
import io.asyncudf.fhir.FhirEntryResult;
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
 * {@code fhir_read}: reads a chunk's resources with one {@code batch} Bundle of GETs. A missing
 * resource gives its status (404) and a null {@code resource}; a row with a null type or id is that
 * row's error.
 */
final class FhirReadFunction implements AsyncChunkFunction<Row, Row, Serializable> {

  static final StructType INPUT = new StructType()
      .add("type", DataTypes.StringType)
      .add("id", DataTypes.StringType);

  static final StructType OUTPUT = new StructType()
      .add("status", DataTypes.IntegerType)
      .add("resource", DataTypes.StringType);

  private final HttpClientConfig config;

  FhirReadFunction(HttpClientConfig config) {
    this.config = config;
  }

  @Override
  public CompletionStage<List<Row>> apply(ChunkContext<Serializable> context, List<Row> inputs) {
    List<FhirEntry> entries = new ArrayList<>(inputs.size());
    for (Row input : inputs) {
      if (!input.isNullAt(0) && !input.isNullAt(1)) {
        entries.add(FhirEntry.read(input.getString(0), input.getString(1)));
      }
    }
    return FhirClient.shared(config).batch(context, entries).thenApply(results -> {
      List<Row> rows = new ArrayList<>(inputs.size());
      int next = 0;
      for (Row input : inputs) {
        if (input.isNullAt(0) || input.isNullAt(1)) {
          RowFailure.addTo(rows, new IllegalArgumentException("fhir_read: type and id must not be null"));
        } else {
          FhirEntryResult result = results.get(next++);
          rows.add(RowFactory.create(result.status(), result.resource() == null ? null : result.resource().toString()));
        }
      }
      return rows;
    });
  }
}
