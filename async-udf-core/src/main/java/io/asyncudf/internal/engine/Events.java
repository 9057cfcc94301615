package io.asyncudf.internal.engine;

import io.asyncudf.AsyncUdfEvent;
import io.asyncudf.AsyncUdfListener;
import io.asyncudf.ChunkEvent;
import io.asyncudf.ChunkEvent.Kind;
import io.asyncudf.PartitionEvent;
import io.asyncudf.partition.SparkPartitionInformation;
import java.time.Duration;
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
    deliver(new PartitionEvent(PartitionEvent.Kind.START, partition, 0, 0, 0, 0, Duration.ZERO, null));
  }

  void chunkStart(SparkPartitionInformation chunk, int attempt) {
    deliver(new ChunkEvent(Kind.START, chunk, attempt, Duration.ZERO, null, Duration.ZERO));
  }

  void chunkSuccess(SparkPartitionInformation chunk, int attempts, Duration duration) {
    deliver(new ChunkEvent(Kind.SUCCESS, chunk, attempts, duration, null, Duration.ZERO));
  }

  void chunkFailure(SparkPartitionInformation chunk, int attempts, Duration duration, Throwable failure) {
    deliver(new ChunkEvent(Kind.FAILURE, chunk, attempts, duration, failure, Duration.ZERO));
  }

  void chunkRetry(SparkPartitionInformation chunk, int failedAttempt, Duration duration, Throwable failure, Duration delay) {
    deliver(new ChunkEvent(Kind.RETRY, chunk, failedAttempt, duration, failure, delay));
  }

  void chunkTimeout(SparkPartitionInformation chunk, int attempt, Duration duration, Throwable failure) {
    deliver(new ChunkEvent(Kind.TIMEOUT, chunk, attempt, duration, failure, Duration.ZERO));
  }

  /** Hands {@code event} to the listener, if any; a listener that throws is logged. */
  void deliver(AsyncUdfEvent event) {
    if (listener == null) {
      return;
    }
    try {
      listener.onEvent(event);
    } catch (RuntimeException | LinkageError e) {
      LOG.warn("AsyncUdfListener {} threw on {}; ignoring", listener.getClass().getName(), event, e);
    }
  }
}
