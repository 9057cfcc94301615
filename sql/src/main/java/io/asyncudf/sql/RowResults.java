package io.asyncudf.sql;

import io.asyncudf.RowFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.spark.sql.Row;

/** A chunk's per-row results, where a failed row becomes a {@link RowFailure} (its error struct) instead of failing the chunk. */
final class RowResults {

  private RowResults() {}

  static CompletionStage<List<Row>> settled(List<CompletableFuture<Row>> rows) {
    return CompletableFuture.allOf(rows.stream().map(row -> row.exceptionally(failure -> null))
            .toArray(CompletableFuture<?>[]::new))
        .thenApply(ignored -> {
          List<Row> outputs = new ArrayList<>(rows.size());
          for (CompletableFuture<Row> row : rows) {
            if (row.isCompletedExceptionally()) {
              RowFailure.addTo(outputs, cause(row));
            } else {
              outputs.add(row.join());
            }
          }
          return outputs;
        });
  }

  static CompletableFuture<Row> failed(String message) {
    return CompletableFuture.failedFuture(new IllegalArgumentException(message));
  }

  private static Throwable cause(CompletableFuture<Row> row) {
    try {
      row.join();
      throw new IllegalStateException("not failed");
    } catch (CompletionException e) {
      return e.getCause() == null ? e : e.getCause();
    } catch (java.util.concurrent.CancellationException e) {
      return e;
    }
  }
}
