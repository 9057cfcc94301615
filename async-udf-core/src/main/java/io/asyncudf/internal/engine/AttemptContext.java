package io.asyncudf.internal.engine;

import io.asyncudf.ChunkContext;
import io.asyncudf.RequestResendEvent;
import io.asyncudf.RequestRetryEvent;
import io.asyncudf.RequestWaitEvent;
import io.asyncudf.internal.connector.RequestReports;
import io.asyncudf.internal.driver.DriverCalls;
import io.asyncudf.partition.SparkPartitionInformation;
import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.IntToLongFunction;

/**
 * The {@link ChunkContext} of one attempt at one chunk; its requests end with the attempt. {@code rows} gives
 * each input's row in the partition.
 */
record AttemptContext<P>(SparkPartitionInformation partitionInformation, int attempt, P parameters, Events events,
    AttemptScope scope, DriverCalls driver, IntToLongFunction rows) implements ChunkContext<P>, RequestReports {

  @Override
  public <Q extends Serializable, R extends Serializable> CompletionStage<R> callDriver(Q request) {
    if (scope.ended()) {
      return CompletableFuture.failedFuture(new CancellationException("driver call not sent: its chunk attempt has ended"));
    }
    CompletableFuture<R> answer = driver.call(request);
    scope.register(answer);
    return answer;
  }

  @Override
  public void requestRetried(String request, int failedAttempt, Throwable failure, Duration retryDelay) {
    events.deliver(new RequestRetryEvent(partitionInformation, attempt, request, failedAttempt, failure, retryDelay));
  }

  @Override
  public void requestWaited(String request, Duration waited, int inFlightLimit) {
    events.deliver(new RequestWaitEvent(partitionInformation, attempt, request, waited, inFlightLimit));
  }

  @Override
  public void requestResent(String request, Throwable failure) {
    events.deliver(new RequestResendEvent(partitionInformation, attempt, request, failure));
  }

  @Override
  public void register(CompletableFuture<?> request) {
    scope.register(request);
  }

  @Override
  public boolean isEnded() {
    return scope.ended();
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

  @Override
  public long rowIndex(int index) {
    Objects.checkIndex(index, size());
    return rows.applyAsLong(index);
  }
}
