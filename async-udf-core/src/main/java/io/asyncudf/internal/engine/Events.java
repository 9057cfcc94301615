package io.asyncudf.internal.engine;

import io.asyncudf.AsyncUdfListener;
import io.asyncudf.ChunkEvent;
import io.asyncudf.PartitionEvent;
import io.asyncudf.RequestResendEvent;
import io.asyncudf.RequestRetryEvent;
import io.asyncudf.RequestWaitEvent;
import io.asyncudf.partition.SparkPartitionInformation;
import java.time.Duration;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Delivers events to the user's listener; a listener that throws is logged, never propagated. */
final class Events {

  private static final Logger LOG = LoggerFactory.getLogger(Events.class);

  private final AsyncUdfListener listener;

  Events(AsyncUdfListener listener) {
    this.listener = listener;
  }

  void partitionStart(SparkPartitionInformation partition) {
    deliver(AsyncUdfListener::onPartitionStart, new PartitionEvent(partition, 0, 0, 0, 0, Duration.ZERO, null));
  }

  void partitionEnd(PartitionEvent event) {
    deliver(AsyncUdfListener::onPartitionEnd, event);
  }

  void chunkStart(SparkPartitionInformation chunk, int attempt) {
    deliver(AsyncUdfListener::onChunkStart, new ChunkEvent(chunk, attempt, Duration.ZERO, null, Duration.ZERO));
  }

  void chunkSuccess(SparkPartitionInformation chunk, int attempts, Duration duration) {
    deliver(AsyncUdfListener::onChunkSuccess, new ChunkEvent(chunk, attempts, duration, null, Duration.ZERO));
  }

  void chunkFailure(SparkPartitionInformation chunk, int attempts, Duration duration, Throwable failure) {
    deliver(AsyncUdfListener::onChunkFailure, new ChunkEvent(chunk, attempts, duration, failure, Duration.ZERO));
  }

  void chunkRetry(SparkPartitionInformation chunk, int failedAttempt, Duration duration, Throwable failure, Duration delay) {
    deliver(AsyncUdfListener::onChunkRetry, new ChunkEvent(chunk, failedAttempt, duration, failure, delay));
  }

  void chunkTimeout(SparkPartitionInformation chunk, int attempt, Duration duration, Throwable failure) {
    deliver(AsyncUdfListener::onChunkTimeout, new ChunkEvent(chunk, attempt, duration, failure, Duration.ZERO));
  }

  void requestRetry(RequestRetryEvent event) {
    deliver(AsyncUdfListener::onRequestRetry, event);
  }

  void requestWait(RequestWaitEvent event) {
    deliver(AsyncUdfListener::onRequestWait, event);
  }

  void requestResend(RequestResendEvent event) {
    deliver(AsyncUdfListener::onRequestResend, event);
  }

  private <E> void deliver(BiConsumer<AsyncUdfListener, E> method, E event) {
    if (listener == null) {
      return;
    }
    try {
      method.accept(listener, event);
    } catch (RuntimeException | LinkageError e) {
      LOG.warn("AsyncUdfListener {} threw on {}; ignoring", listener.getClass().getName(), event, e);
    }
  }
}
