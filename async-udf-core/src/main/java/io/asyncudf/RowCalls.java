package io.asyncudf;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Joins per-row stages into one chunk stage for {@link AsyncChunkFunction#perRow}. */
final class RowCalls {

  private RowCalls() {}

  static <I, O, P extends Serializable> CompletableFuture<O> start(
      AsyncRowFunction<I, O, P> rowFn, ChunkContext<P> context, I input) {
    try {
      CompletionStage<O> stage = rowFn.apply(context, input);
      if (stage == null) {
        return CompletableFuture.failedFuture(
            new NullPointerException("AsyncRowFunction returned a null CompletionStage"));
      }
      return stage.toCompletableFuture();
    } catch (Exception | LinkageError e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * A future of every row's output in order; it fails as soon as one row fails, and cancelling it
   * (or one row failing) cancels the rows still running.
   */
  static <O> CompletableFuture<List<O>> allInOrder(List<CompletableFuture<O>> rows) {
    CompletableFuture<List<O>> chunk = new CompletableFuture<>();
    for (CompletableFuture<O> row : rows) {
      row.whenComplete((value, failure) -> {
        if (failure != null) {
          chunk.completeExceptionally(failure);
        }
      });
    }
    CompletableFuture.allOf(rows.toArray(CompletableFuture<?>[]::new))
        .whenComplete((ignored, failure) -> {
          if (failure == null) {
            List<O> outputs = new ArrayList<>(rows.size());
            for (CompletableFuture<O> row : rows) {
              outputs.add(row.join());
            }
            chunk.complete(outputs);
          }
        });
    chunk.whenComplete((outputs, failure) -> {
      if (failure != null) {
        rows.forEach(row -> row.cancel(true));
      }
    });
    return chunk;
  }

  /** The outputs of {@code results}: each failure a {@link RowFailure} of its row, and so is a null result. */
  static <O> List<O> outputs(ChunkContext<?> context, List<RowResult<O>> results) {
    List<O> outputs = new ArrayList<>(results.size());
    for (RowResult<O> result : results) {
      if (result instanceof RowResult.Success<O> success) {
        outputs.add(success.value());
      } else if (result instanceof RowResult.Failure<O> failure) {
        RowFailure.addTo(outputs, failure.cause());
      } else {
        RowFailure.addTo(outputs, new NullPointerException("row " + context.rowIndex(outputs.size())
            + " of chunk " + context.chunkIndex() + " of partition " + context.partitionIndex()
            + " has no RowResult (null)"));
      }
    }
    return outputs;
  }
}
