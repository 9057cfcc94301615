package io.asyncudf.http;

import io.asyncudf.ChunkContext;
import io.asyncudf.partition.SparkPartitionInformation;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A chunk context outside Spark that records the request retries reported to it. */
final class RecordingContext implements ChunkContext<Void> {

  record Retry(String request, int failedAttempt, Throwable failure, Duration delay) {}

  final List<Retry> retries = new CopyOnWriteArrayList<>();

  @Override
  public void requestRetried(String request, int failedAttempt, Throwable failure, Duration retryDelay) {
    retries.add(new Retry(request, failedAttempt, failure, retryDelay));
  }

  @Override
  public int partitionIndex() {
    return 0;
  }

  @Override
  public int chunkIndex() {
    return 0;
  }

  @Override
  public long firstRowIndex() {
    return 0;
  }

  @Override
  public int size() {
    return 1;
  }

  @Override
  public int attempt() {
    return 1;
  }

  @Override
  public Void parameters() {
    return null;
  }

  @Override
  public SparkPartitionInformation partitionInformation() {
    return SparkPartitionInformation.fromCurrentTaskContext();
  }
}
