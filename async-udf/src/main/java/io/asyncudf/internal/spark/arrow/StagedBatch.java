package io.asyncudf.internal.spark.arrow;

import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.spark.sql.vectorized.ArrowColumnVector;
import org.apache.spark.sql.vectorized.ColumnVector;

/**
 * One Arrow record batch shared by the chunks cut from it: its column vectors are made once, and its
 * buffers are released when the last of its chunks is closed. Used from the task thread only.
 */
final class StagedBatch {

  private final VectorSchemaRoot root;
  private final ColumnVector[] columns;
  private int openChunks;

  StagedBatch(VectorSchemaRoot root, int chunks) {
    this.root = root;
    this.columns = root.getFieldVectors().stream().map(ArrowColumnVector::new).toArray(ColumnVector[]::new);
    this.openChunks = chunks;
  }

  ColumnVector[] columns() {
    return columns;
  }

  int rowCount() {
    return root.getRowCount();
  }

  /** Called once by each chunk of the batch; the last call frees the batch's buffers. */
  void chunkClosed() {
    if (--openChunks == 0) {
      root.close();
    }
  }
}
