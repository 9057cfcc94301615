package io.asyncudf.sql;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncudf.AsyncUdf;
import io.asyncudf.ColumnUdf;
import java.io.Serializable;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;

/** A SQL function's options, from its options map and the session's {@code spark.asyncudf.sql.*} keys. */
class QueryOptionsTest {

  private static final ColumnUdf<String, String, Serializable> ECHO = AsyncUdf.scalarToScalar(
      (ctx, inputs) -> CompletableFuture.completedFuture(inputs), DataTypes.StringType);

  @Test
  void aMisspelledSessionKeyIsRefusedNotIgnored() {
    assertThatThrownBy(() -> QueryOptions.of("async_http_request",
        Map.of("spark.asyncudf.sql.maxConcurentChunks", "16"), Map.of()))
        .hasMessageContaining("async_http_request: the session key spark.asyncudf.sql.maxConcurentChunks is not an "
            + "option of the SQL functions")
        .hasMessageContaining("maxConcurrentChunks");
  }

  @Test
  void aTimeoutWithoutAUnitIsRefusedNamingWhereItCameFrom() {
    assertThatThrownBy(() -> QueryOptions.of("fhir_read", Map.of(), Map.of("timeout", "300")).applyTo(ECHO, "c"))
        .hasMessage("fhir_read: option timeout needs a unit, such as 30s or 500ms, was '300' (a bare number would be "
            + "read as milliseconds)");
    assertThatThrownBy(() -> QueryOptions.of("fhir_read", Map.of("spark.asyncudf.sql.timeout", "300"), Map.of())
        .applyTo(ECHO, "c"))
        .hasMessageContaining("option timeout (the session key spark.asyncudf.sql.timeout) needs a unit");
  }

  @Test
  void aValueTheHelperRefusesNamesTheFunctionAndTheSessionKey() {
    assertThatThrownBy(() -> QueryOptions.of("opensearch_get", Map.of("spark.asyncudf.sql.maxChunkSize", "0"), Map.of())
        .applyTo(ECHO, "c"))
        .hasMessageStartingWith("opensearch_get: maxChunkSize")
        .hasMessageContaining("(set in the session: [spark.asyncudf.sql.maxChunkSize])");
  }
}
