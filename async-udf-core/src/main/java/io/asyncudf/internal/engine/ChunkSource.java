package io.asyncudf.internal.engine;

import java.util.List;

/**
 * Cuts a partition's rows into consecutive chunks, lazily. Every chunk but the partition's last
 * has exactly the configured chunk size, except where a source that does not stage every row cuts
 * one short rather than read too far ahead; chunk indexes are consecutive.
 *
 * @param <S> the staged chunk type
 */
public interface ChunkSource<S extends StagedChunk> extends AutoCloseable {

  /**
   * Returns up to {@code maxChunks} (at least 1) next chunks, staging them if needed (a source may
   * stage more than it returns and hold them for the next calls). Returns an empty list when the
   * partition is exhausted; when rows it read but does not stage (answered without a call) have
   * reached their bound and must be emitted first; or, only when {@code mayDefer} is true, when
   * staging more now would exceed the source's memory budget and the caller should first emit
   * outstanding chunks.
   */
  List<S> next(int maxChunks, boolean mayDefer);

  /**
   * Whether every chunk of the partition has been returned. May be false while no chunk is left, when
   * the partition's remaining rows are all rows the source does not stage: a next call finds that out.
   */
  boolean exhausted();

  /** Rows staged so far. */
  long rowsStaged();

  /** Releases chunks staged but not returned; the pipeline calls it once, when the partition ends. */
  @Override
  void close();
}
