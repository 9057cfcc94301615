package io.asyncudf.engine;

import io.asyncudf.ChunkContext;
import io.asyncudf.RequestRetryEvent;
import io.asyncudf.partition.SparkPartitionInformation;
import java.time.Duration;

/** The {@link ChunkContext} of one attempt at one chunk. */
record AttemptContext<P>(SparkPartitionInformation partitionInformation, int attempt, P parameters, Events events)
    implements ChunkContext<P> {

  @Override
  public void requestRetried(String request, int failedAttempt, Throwable failure, Duration retryDelay) {
    events.requestRetry(new RequestRetryEvent(partitionInformation, attempt, request, failedAttempt, failure, retryDelay));
  }

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
