package io.asyncudf.internal.spark.arrow;

import io.asyncudf.internal.engine.StagedChunk;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.vectorized.ArrowColumnVector;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * One chunk's rows: a zero-copy slice of an Arrow record batch, read through Spark's columnar
 * API. {@link #row(int)} returns a view that is valid until the next call and until close.
 */
public final class ArrowChunk implements StagedChunk {

  private final VectorSchemaRoot slice;
  private final ColumnarBatch batch;
  private final int chunkIndex;
  private final long firstRowIndex;

  ArrowChunk(VectorSchemaRoot slice, int chunkIndex, long firstRowIndex) {
    this.slice = slice;
    this.chunkIndex = chunkIndex;
    this.firstRowIndex = firstRowIndex;
    ColumnVector[] columns = slice.getFieldVectors().stream()
        .map(ArrowColumnVector::new)
        .toArray(ColumnVector[]::new);
    this.batch = new ColumnarBatch(columns, slice.getRowCount());
  }

  public InternalRow row(int index) {
    return batch.getRow(index);
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
  public int size() {
    return slice.getRowCount();
  }

  @Override
  public void close() {
    slice.close();
  }
}
