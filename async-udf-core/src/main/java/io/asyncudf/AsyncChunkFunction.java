package io.asyncudf;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Turns one chunk of a partition's rows into outputs without blocking: it starts the work (for
 * example HTTP calls) and returns a stage that completes when the outputs are ready.
 *
 * <p>It is serialized to the executors, so it must not capture anything that is not
 * {@link Serializable}; that is checked on the driver when the UDF is applied. It may be called
 * concurrently for different chunks of the same partition, from threads other than the task
 * thread, and again for the same chunk on a retry ({@link ChunkContext#attempt()}). A chunk's first
 * attempt starts on the task thread, so time spent before returning the stage (rather than in the
 * work the stage waits for) holds up the partition's next chunks, and a task cannot be killed while
 * the function blocks; once it takes more than 5 ms and 1 ms per row to return for two of three chunks
 * in a row (after a partition's first chunk, which may pay one-time setup), the partition's next chunks
 * start on the engine's threads. Throwing is handled exactly like returning a failed stage.
 *
 * @param <I> the Java type of one input (a {@code Row} for structs and whole rows)
 * @param <O> the Java type of one output
 * @param <P> the user parameters handed to every chunk
 */
@FunctionalInterface
public interface AsyncChunkFunction<I, O, P extends Serializable> extends Serializable {

  /**
   * Starts processing {@code inputs} and returns a stage of the outputs. Column helpers require
   * exactly one output per input, in input order.
   */
  CompletionStage<List<O>> apply(ChunkContext<P> context, List<I> inputs) throws Exception;

  /**
   * Runs {@code rowFn} for every row of the chunk concurrently. The returned outputs keep input
   * order. The chunk fails when any row fails (with that row's exception), and the still-running
   * rows of a cancelled or failed chunk are cancelled.
   */
  static <I, O, P extends Serializable> AsyncChunkFunction<I, O, P> perRow(AsyncRowFunction<I, O, P> rowFn) {
    java.util.Objects.requireNonNull(rowFn, "rowFn");
    return (context, inputs) -> {
      List<CompletableFuture<O>> rows = new ArrayList<>(inputs.size());
      for (I input : inputs) {
        rows.add(RowCalls.start(rowFn, context, input));
      }
      return RowCalls.allInOrder(rows);
    };
  }

  /**
   * A column helper's function from one that answers each row with a {@link RowResult}: a row that fails
   * fails alone (its error struct with {@code errorColumn}), the rest of its chunk succeeds. The typed form of
   * {@link RowFailure#addTo}. Only column helpers take row failures: in {@code dataFrame} one is a contract
   * error naming the chunk.
   */
  static <I, O, P extends Serializable> AsyncChunkFunction<I, O, P> withRowResults(
      AsyncChunkFunction<I, RowResult<O>, P> fn) {
    java.util.Objects.requireNonNull(fn, "fn");
    return (context, inputs) -> {
      CompletionStage<List<RowResult<O>>> answered = fn.apply(context, inputs);
      // no stage, or no list: left as they are, for the engine's output check to name the chunk
      return answered == null ? null
          : answered.thenApply(results -> results == null ? null : RowCalls.outputs(context, results));
    };
  }
}
