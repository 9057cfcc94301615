package io.asyncudf.internal.spark.arrow;

import java.util.ArrayDeque;

/**
 * Where each row an {@link ArrowChunkSource} stages stands in its partition, when not every row of the
 * partition is staged (rows a journal answered are not called): the positions of the rows to be staged, in
 * order, noted as they are read and taken as they are staged. Task thread only.
 */
public final class RowPositions {

  private final ArrayDeque<Long> pending = new ArrayDeque<>();

  /** Notes that the row at {@code position} of the partition is staged after those noted before. */
  public void add(long position) {
    pending.addLast(position);
  }

  /**
   * The 0-based position, within the partition, of the next row staged.
   *
   * @throws java.util.NoSuchElementException when no row was noted
   */
  long next() {
    return pending.removeFirst();
  }
}
