package io.asyncudf;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * An output of a column helper's function saying "this one row failed" while the rest of its
 * chunk succeeded — for per-item results such as a bulk or batch response. Put it in the output
 * list at the failed row's position with {@link #addTo}.
 *
 * <p>With {@code errorColumn(name)}, the row's output is null and its error struct holds
 * {@link #cause()} (with the chunk's attempts). Without an error column, the row fails the Spark task
 * with a {@link ChunkFailedException} naming partition, chunk and row. Only the column helpers
 * accept it; in the {@code dataFrame} helper it is a wrong output type.
 */
public final class RowFailure {

  private final Throwable cause;

  private RowFailure(Throwable cause) {
    this.cause = cause;
  }

  /** The output for a row that failed with {@code cause}. */
  public static RowFailure of(Throwable cause) {
    return new RowFailure(Objects.requireNonNull(cause, "cause"));
  }

  /**
   * Appends a row failure to a function's {@code List<O>} of outputs. (A {@code RowFailure} is not
   * an {@code O}; the helpers recognise it before treating any output as one.)
   */
  @SuppressWarnings("unchecked")
  public static <O> void addTo(List<O> outputs, Throwable cause) {
    ((List<Object>) outputs).add(of(cause));
  }

  /**
   * The outputs of a chunk whose rows are answered one by one: once every row's stage has completed, the
   * outputs in row order, each failed row's a {@code RowFailure} of its cause. The returned stage never fails.
   */
  public static <O> CompletionStage<List<O>> settled(List<? extends CompletionStage<O>> rows) {
    List<CompletableFuture<O>> futures = rows.stream().map(CompletionStage::toCompletableFuture).toList();
    return CompletableFuture.allOf(futures.stream().map(row -> row.exceptionally(failure -> null))
            .toArray(CompletableFuture<?>[]::new))
        .thenApply(ignored -> {
          List<O> outputs = new ArrayList<>(futures.size());
          for (CompletableFuture<O> row : futures) {
            if (row.isCompletedExceptionally()) {
              addTo(outputs, cause(row));
            } else {
              outputs.add(row.join());
            }
          }
          return outputs;
        });
  }

  private static Throwable cause(CompletableFuture<?> failed) {
    try {
      failed.join();
      throw new IllegalStateException("not failed");
    } catch (CompletionException e) {
      return e.getCause() == null ? e : e.getCause();
    } catch (CancellationException e) {
      return e;
    }
  }

  public Throwable cause() {
    return cause;
  }

  @Override
  public String toString() {
    return "RowFailure[" + cause + "]";
  }
}
