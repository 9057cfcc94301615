package io.asyncudf.example;

import io.asyncudf.AsyncTableFunctionFactory;
import io.asyncudf.AsyncUdf;
import io.asyncudf.ChunkContext;
import io.asyncudf.DataFrameUdf;
import io.asyncudf.http.HttpClientConfig;
import io.asyncudf.http.HttpConnector;
import io.asyncudf.http.HttpRequest;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The example's risk score as a SQL table function, for sessions that cannot run Java code on the
 * driver (Spark Connect, Databricks standard access mode). With this jar on the server's class path:
 *
 * <pre>
 * spark.sql.extensions=io.asyncudf.sql.AsyncUdfExtensions
 * spark.asyncudf.functions.risk_rows.factory=io.asyncudf.example.RiskScoreRows
 * spark.asyncudf.functions.risk_rows.url=http://scores.internal:8080/
 * </pre>
 *
 * then {@code SELECT * FROM risk_rows(TABLE(patients))} returns one row {@code (id, risk_score)} per
 * input row with a column {@code id}; a chunk that fails gives its rows null outputs and the
 * {@code error} struct. Options: {@code url} (required), {@code maxChunkSize} (default 64).
 */
public final class RiskScoreRows implements AsyncTableFunctionFactory {

  static final StructType OUTPUT = new StructType()
      .add("id", DataTypes.LongType)
      .add("risk_score", DataTypes.DoubleType);

  @Override
  public DataFrameUdf<?> create(String name, Map<String, String> options) {
    String url = options.get("url");
    if (url == null) {
      throw new IllegalArgumentException("spark.asyncudf.functions." + name + ".url is required");
    }
    return AsyncUdf.dataFrame(RiskScoreRows::scores, OUTPUT)
        .parameters(EnrichmentJob.scoreService(URI.create(url)))
        .maxChunkSize(Integer.parseInt(options.getOrDefault("maxChunkSize", "64")))
        .errorColumn("error");
  }

  private static CompletionStage<List<Row>> scores(ChunkContext<HttpClientConfig> ctx, List<Row> patients) {
    HttpConnector connector = HttpConnector.shared(ctx.parameters());
    List<CompletableFuture<Row>> rows = new ArrayList<>(patients.size());
    for (Row patient : patients) {
      long id = patient.getLong(patient.fieldIndex("id"));
      rows.add(connector.send(ctx, HttpRequest.get("score?id=" + id)).toCompletableFuture()
          .thenApply(response -> RowFactory.create(id, response.json().get("score").asDouble())));
    }
    return CompletableFuture.allOf(rows.toArray(CompletableFuture<?>[]::new))
        .thenApply(done -> rows.stream().map(CompletableFuture::join).toList());
  }
}
