package io.asyncudf.internal.driver;

import io.asyncudf.AsyncUdfListener;
import io.asyncudf.ChunkEvent;
import io.asyncudf.PartitionEvent;
import io.asyncudf.RequestResendEvent;
import io.asyncudf.RequestRetryEvent;
import io.asyncudf.RequestWaitEvent;
import io.asyncudf.partition.SparkPartitionInformation;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.time.Duration;

/**
 * One listener event as it travels from an executor to the driver. A failure that does not serialize
 * travels as a {@link RemoteFailure} with its class name, message and stack trace.
 */
public record ReportedEvent(
    Kind kind,
    SparkPartitionInformation partition,
    int attempt,
    long durationNanos,
    Throwable failure,
    long retryDelayNanos,
    long inputRows,
    int chunks,
    int failedChunks,
    long failedRows,
    String request,
    int failedAttempt,
    int inFlightLimit)
    implements Serializable {

  /** Which listener method the event is for. */
  public enum Kind {
    PARTITION_START, PARTITION_END, CHUNK_START, CHUNK_SUCCESS, CHUNK_FAILURE, CHUNK_RETRY, CHUNK_TIMEOUT, REQUEST_RETRY,
    REQUEST_WAIT, REQUEST_RESEND
  }

  static ReportedEvent of(Kind kind, ChunkEvent event) {
    return new ReportedEvent(kind, event.partition(), event.attempt(), event.duration().toNanos(),
        portable(event.failure()), event.retryDelay().toNanos(), 0, 0, 0, 0, null, 0, 0);
  }

  static ReportedEvent of(Kind kind, PartitionEvent event) {
    return new ReportedEvent(kind, event.partition(), 0, event.duration().toNanos(), portable(event.failure()), 0,
        event.inputRows(), event.chunks(), event.failedChunks(), event.failedRows(), null, 0, 0);
  }

  static ReportedEvent of(RequestRetryEvent event) {
    return new ReportedEvent(Kind.REQUEST_RETRY, event.partition(), event.chunkAttempt(), 0, portable(event.failure()),
        event.retryDelay().toNanos(), 0, 0, 0, 0, event.request(), event.failedAttempt(), 0);
  }

  static ReportedEvent of(RequestResendEvent event) {
    return new ReportedEvent(Kind.REQUEST_RESEND, event.partition(), event.chunkAttempt(), 0, portable(event.failure()),
        0, 0, 0, 0, 0, event.request(), 0, 0);
  }

  /** A wait for a slot: {@code durationNanos} is the wait. */
  static ReportedEvent of(RequestWaitEvent event) {
    return new ReportedEvent(Kind.REQUEST_WAIT, event.partition(), event.chunkAttempt(), event.waited().toNanos(), null,
        0, 0, 0, 0, 0, event.request(), 0, event.inFlightLimit());
  }

  /** Calls the listener method of this event's kind. */
  void deliverTo(AsyncUdfListener listener) {
    switch (kind) {
      case PARTITION_START -> listener.onPartitionStart(partitionEvent());
      case PARTITION_END -> listener.onPartitionEnd(partitionEvent());
      case CHUNK_START -> listener.onChunkStart(chunkEvent());
      case CHUNK_SUCCESS -> listener.onChunkSuccess(chunkEvent());
      case CHUNK_FAILURE -> listener.onChunkFailure(chunkEvent());
      case CHUNK_RETRY -> listener.onChunkRetry(chunkEvent());
      case CHUNK_TIMEOUT -> listener.onChunkTimeout(chunkEvent());
      case REQUEST_RETRY -> listener.onRequestRetry(new RequestRetryEvent(partition, attempt, request, failedAttempt,
          failure, Duration.ofNanos(retryDelayNanos)));
      case REQUEST_RESEND -> listener.onRequestResend(new RequestResendEvent(partition, attempt, request, failure));
      case REQUEST_WAIT -> listener.onRequestWait(new RequestWaitEvent(partition, attempt, request,
          Duration.ofNanos(durationNanos), inFlightLimit));
    }
  }

  private ChunkEvent chunkEvent() {
    return new ChunkEvent(partition, attempt, Duration.ofNanos(durationNanos), failure, Duration.ofNanos(retryDelayNanos));
  }

  private PartitionEvent partitionEvent() {
    return new PartitionEvent(partition, inputRows, chunks, failedChunks, failedRows, Duration.ofNanos(durationNanos),
        failure);
  }

  private static Throwable portable(Throwable failure) {
    if (failure == null) {
      return null;
    }
    try (ObjectOutputStream out = new ObjectOutputStream(OutputStream.nullOutputStream())) {
      out.writeObject(failure);
      return failure;
    } catch (IOException | RuntimeException e) {
      return new RemoteFailure(failure);
    }
  }

  /** A failure that could not travel as itself. */
  public static final class RemoteFailure extends RuntimeException {
    private final String className;

    RemoteFailure(Throwable original) {
      super(original.getClass().getName() + ": " + original.getMessage());
      this.className = original.getClass().getName();
      setStackTrace(original.getStackTrace());
    }

    /** The class of the original failure. */
    public String className() {
      return className;
    }
  }
}
