package io.asyncudf.internal.engine;

import java.util.Iterator;

/**
 * Turns a finished chunk into the partition's output rows: its outputs on success, or one
 * error-carrying row per input row when the failure is recorded. Called on the task thread; the
 * chunk stays open until the returned iterator is exhausted and the next chunk is requested.
 *
 * @param <S> the staged chunk type
 * @param <O> the chunk function's output type
 * @param <R> the partition's output row type
 */
@FunctionalInterface
public interface ChunkEmitter<S extends StagedChunk, O, R> {

  Iterator<R> emit(S chunk, ChunkOutcome<O> outcome);
}
