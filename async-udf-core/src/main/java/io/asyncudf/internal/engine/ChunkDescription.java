package io.asyncudf.internal.engine;

import java.util.function.IntToLongFunction;

/**
 * The one way messages name a chunk, by its first and last row in the partition:
 * {@code "chunk 2 of partition 0 (rows 200-299)"}, or {@code "(row 6)"} for one row. Where a journal
 * answered rows of the partition, rows between the first and the last may not be in the chunk.
 */
public final class ChunkDescription {

  private ChunkDescription() {}

  /** Names {@code chunk} of partition {@code partitionIndex}. */
  public static String of(int partitionIndex, StagedChunk chunk) {
    return rows(partitionIndex, chunk.chunkIndex(), chunk.firstRowIndex(), chunk.rowIndex(chunk.size() - 1));
  }

  /**
   * Names chunk {@code chunkIndex} of {@code size} inputs, whose input {@code i} is row {@code rows.applyAsLong(i)}.
   */
  public static String of(int partitionIndex, int chunkIndex, int size, IntToLongFunction rows) {
    return rows(partitionIndex, chunkIndex, rows.applyAsLong(0), rows.applyAsLong(size - 1));
  }

  /** Names one row of a chunk: {@code "chunk 2 of partition 0 (row 206)"}. */
  public static String row(int partitionIndex, int chunkIndex, long rowIndex) {
    return rows(partitionIndex, chunkIndex, rowIndex, rowIndex);
  }

  private static String rows(int partitionIndex, int chunkIndex, long firstRowIndex, long lastRowIndex) {
    String range = firstRowIndex == lastRowIndex ? "row " + firstRowIndex : "rows " + firstRowIndex + "-" + lastRowIndex;
    return "chunk " + chunkIndex + " of partition " + partitionIndex + " (" + range + ")";
  }
}
