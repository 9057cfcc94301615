package io.asyncudf.internal.driver;

import io.asyncudf.AsyncUdfEvent;
import io.asyncudf.ChunkEvent;
import io.asyncudf.PartitionEvent;
import io.asyncudf.RemoteFailure;
import io.asyncudf.RequestResendEvent;
import io.asyncudf.RequestRetryEvent;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;

/** Events as they travel from an executor to the driver: a failure that does not serialize becomes a {@link RemoteFailure}. */
final class PortableEvents {

  private PortableEvents() {}

  /** {@code event}, or the same event with its failure replaced by a {@link RemoteFailure} when it does not serialize. */
  static AsyncUdfEvent of(AsyncUdfEvent event) {
    Throwable failure = event.failure();
    if (failure == null || serializes(failure)) {
      return event;
    }
    RemoteFailure remote = RemoteFailure.of(failure);
    if (event instanceof ChunkEvent e) {
      return new ChunkEvent(e.kind(), e.partition(), e.attempt(), e.duration(), remote, e.retryDelay());
    }
    if (event instanceof PartitionEvent e) {
      return new PartitionEvent(e.kind(), e.partition(), e.inputRows(), e.chunks(), e.failedChunks(), e.failedRows(),
          e.duration(), remote);
    }
    if (event instanceof RequestRetryEvent e) {
      return new RequestRetryEvent(e.partition(), e.chunkAttempt(), e.request(), e.failedAttempt(), remote,
          e.retryDelay());
    }
    if (event instanceof RequestResendEvent e) {
      return new RequestResendEvent(e.partition(), e.chunkAttempt(), e.request(), remote);
    }
    throw new IllegalArgumentException("an event with a failure of an unknown kind: " + event);
  }

  private static boolean serializes(Throwable failure) {
    try (ObjectOutputStream out = new ObjectOutputStream(OutputStream.nullOutputStream())) {
      out.writeObject(failure);
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

}
