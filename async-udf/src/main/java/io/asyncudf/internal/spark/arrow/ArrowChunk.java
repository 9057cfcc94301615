package io.asyncudf.internal.spark.arrow;

import io.asyncudf.internal.engine.StagedChunk;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * One chunk's rows: a zero-copy range of an Arrow record batch, read through Spark's columnar API.
 * {@link #row(int)} returns a view that is valid until the next call and until close.
 */
public final class ArrowChunk implements StagedChunk {

  private final StagedBatch batch;
  private final ColumnarBatch rows;
  private final int offset;
  private final int size;
  private final int chunkIndex;
  private final long firstRowIndex;
  /** Each row of the batch's position in the partition, by row of the batch; null when they follow each other. */
  private final long[] positions;
  private boolean closed;

  ArrowChunk(StagedBatch batch, int offset, int size, int chunkIndex, long firstRowIndex, long[] positions) {
    this.batch = batch;
    this.rows = new ColumnarBatch(batch.columns(), batch.rowCount());
    this.offset = offset;
    this.size = size;
    this.chunkIndex = chunkIndex;
    this.firstRowIndex = firstRowIndex;
    this.positions = positions;
  }

  /**
   * Row {@code index} of the chunk.
   *
   * @throws IndexOutOfBoundsException unless {@code 0 <= index < size()}
   */
  public InternalRow row(int index) {
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException("row " + index + " of a chunk of " + size);
    }
    return rows.getRow(offset + index);
  }

  @Override
  public int chunkIndex() {
    return chunkIndex;
  }

  @Override
  public long firstRowIndex() {
    return firstRowIndex;
  }

  @Override
  public long rowIndex(int index) {
    return positions == null ? firstRowIndex + index : positions[offset + index];
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      batch.chunkClosed();
    }
  }
}
