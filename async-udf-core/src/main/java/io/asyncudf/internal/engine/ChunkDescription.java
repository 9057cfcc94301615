package io.asyncudf.internal.engine;

/** The one way messages name a chunk: {@code "chunk 2 of partition 0 (rows 200-299)"}, or {@code "(row 6)"} for one row. */
public final class ChunkDescription {

  private ChunkDescription() {}

  /**
   * @param firstRowIndex the chunk's (or row's) first row within the partition, 0-based
   * @param rows how many rows to name from there
   */
  public static String of(int partitionIndex, int chunkIndex, long firstRowIndex, int rows) {
    String range = rows == 1 ? "row " + firstRowIndex : "rows " + firstRowIndex + "-" + (firstRowIndex + rows - 1);
    return "chunk " + chunkIndex + " of partition " + partitionIndex + " (" + range + ")";
  }
}
