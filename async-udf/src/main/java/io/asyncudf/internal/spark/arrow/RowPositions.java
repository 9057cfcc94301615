package io.asyncudf.internal.spark.arrow;

/**
 * Where each row an {@link ArrowChunkSource} stages stands in its partition, when not every row of the
 * partition is staged (rows a journal answered are not called).
 */
@FunctionalInterface
public interface RowPositions {

  /** The 0-based position, within the partition, of the next row staged; asked once per row, in order. */
  long next();
}
