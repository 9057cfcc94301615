package io.asyncudf.internal.engine;

import java.util.List;

/**
 * Cuts a partition's rows into consecutive chunks, lazily. Every chunk but the partition's last
 * has exactly the configured chunk size; chunk indexes and row offsets are consecutive.
 *
 * @param <S> the staged chunk type
 */
public interface ChunkSource<S extends StagedChunk> {

  /**
   * Stages and returns up to {@code maxChunks} (at least 1) next chunks. Returns an empty list when
   * the partition is exhausted, or, only when {@code mayDefer} is true, when staging more now would
   * exceed the source's memory budget and the caller should first emit outstanding chunks.
   */
  List<S> next(int maxChunks, boolean mayDefer);

  /** Whether every row of the partition has been staged into a chunk. */
  boolean exhausted();

  /** Rows staged so far. */
  long rowsStaged();
}
