package io.asyncudf.internal.engine;

/**
 * One chunk cut from a partition, holding its rows in whatever form they were staged. Closing it
 * releases that storage; the pipeline closes every chunk exactly once, after its outputs were
 * emitted or when the partition is abandoned.
 */
public interface StagedChunk extends AutoCloseable {

  /** 0-based index of the chunk within its partition. */
  int chunkIndex();

  /** 0-based row offset, within the partition, of the chunk's first row. */
  long firstRowIndex();

  /**
   * 0-based row offset, within the partition, of the chunk's row {@code index}: {@code firstRowIndex() + index}
   * unless rows of the partition between them were not staged (a journal answered them).
   */
  default long rowIndex(int index) {
    return firstRowIndex() + index;
  }

  /** Rows in the chunk, at least 1. */
  int size();

  @Override
  void close();
}
