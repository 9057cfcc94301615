package io.asyncudf;

import java.io.Serializable;
import java.util.concurrent.CompletionStage;

/**
 * Turns one input row into one output without blocking; used through
 * {@link AsyncChunkFunction#perRow(AsyncRowFunction)}, which runs it for every row of a chunk
 * concurrently. The same serialization and threading rules as {@link AsyncChunkFunction} apply.
 *
 * @param <I> the Java type of the input
 * @param <O> the Java type of the output
 * @param <P> the user parameters
 */
@FunctionalInterface
public interface AsyncRowFunction<I, O, P extends Serializable> extends Serializable {

  /** Starts processing {@code input} and returns a stage of its output. */
  CompletionStage<O> apply(ChunkContext<P> context, I input) throws Exception;
}
