package io.asyncudf.engine;

import io.asyncudf.ChunkContext;
import io.asyncudf.partition.SparkPartitionInformation;

/** The {@link ChunkContext} of one attempt at one chunk. */
record AttemptContext<P>(SparkPartitionInformation partitionInformation, int attempt, P parameters)
    implements ChunkContext<P> {

  @Override
  public int partitionIndex() {
    return partitionInformation.partitionIndex();
  }

  @Override
  public int chunkIndex() {
    return partitionInformation.chunkIndex();
  }

  @Override
  public long firstRowIndex() {
    return partitionInformation.chunkFirstRow();
  }

  @Override
  public int size() {
    return partitionInformation.chunkSize();
  }
}
