package io.asyncudf.example;

import io.asyncudf.AsyncFunctionFactory;
import io.asyncudf.ColumnUdf;
import java.net.URI;
import java.util.Map;

/**
 * The example's risk score as a SQL function for sessions that cannot run Java code on the driver
 * (Spark Connect, Databricks standard access mode). With this jar on the server's class path:
 *
 * <pre>
 * spark.sql.extensions=io.asyncudf.sql.AsyncUdfExtensions
 * spark.asyncudf.functions.risk_score.factory=io.asyncudf.example.RiskScoreFunction
 * spark.asyncudf.functions.risk_score.url=http://scores.internal:8080/
 * </pre>
 *
 * then {@code SELECT risk_score(id) FROM patients} returns {@code struct<value double, error struct>}.
 * Options: {@code url} (required), {@code maxChunkSize} (default 64), {@code maxConcurrentChunks} (default 8).
 */
public final class RiskScoreFunction implements AsyncFunctionFactory {

  @Override
  public ColumnUdf<?, ?, ?> create(String name, Map<String, String> options) {
    String url = options.get("url");
    if (url == null) {
      throw new IllegalArgumentException("spark.asyncudf.functions." + name + ".url is required");
    }
    return EnrichmentJob.riskScore(URI.create(url), Integer.parseInt(options.getOrDefault("maxChunkSize", "64")),
            Integer.parseInt(options.getOrDefault("maxConcurrentChunks", "8")))
        .errorColumn("error");
  }
}
