package io.asyncudf;

import java.io.Serializable;

/**
 * Receives what happens to partitions and chunks while a UDF runs. It is serialized to the
 * executors, where its methods are called from the task thread and from the library's threads that complete
 * chunks, never from a connector's network thread. For one partition they are called one at a time, in
 * the order things happened; different partitions' calls may run concurrently, so implementations must be
 * thread-safe, and quick: while one runs, its partition's next events wait. The partition's end comes after
 * every event reported before it. An exception thrown by a listener is logged and otherwise ignored.
 *
 * <p>For one chunk the order is: {@code onChunkStart} for each attempt; {@code onChunkTimeout}
 * for an attempt that ran out of time; {@code onChunkRetry} before each retry; finally exactly one
 * of {@code onChunkSuccess} or {@code onChunkFailure}. {@code onRequestRetry} may come at any
 * time between an attempt's start and its end, and so may {@code onRequestWait} and {@code onRequestResend}.
 *
 * <p>Every event reaches {@link #onEvent}, which calls the named method of its kind: override either.
 */
public interface AsyncUdfListener extends Serializable {

  /** Any event; by default, calls the named method of the event's kind. */
  default void onEvent(AsyncUdfEvent event) {
    if (event instanceof ChunkEvent chunk) {
      switch (chunk.kind()) {
        case START -> onChunkStart(chunk);
        case SUCCESS -> onChunkSuccess(chunk);
        case FAILURE -> onChunkFailure(chunk);
        case RETRY -> onChunkRetry(chunk);
        case TIMEOUT -> onChunkTimeout(chunk);
      }
    } else if (event instanceof PartitionEvent partition) {
      switch (partition.kind()) {
        case START -> onPartitionStart(partition);
        case END -> onPartitionEnd(partition);
      }
    } else if (event instanceof RequestRetryEvent retry) {
      onRequestRetry(retry);
    } else if (event instanceof RequestWaitEvent wait) {
      onRequestWait(wait);
    } else if (event instanceof RequestResendEvent resend) {
      onRequestResend(resend);
    }
  }

  /** A task starts consuming its partition. */
  default void onPartitionStart(PartitionEvent event) {}

  /** A task finished its partition, successfully or not ({@link PartitionEvent#failure()}). */
  default void onPartitionEnd(PartitionEvent event) {}

  /** An attempt at a chunk starts. */
  default void onChunkStart(ChunkEvent event) {}

  /** A chunk produced its outputs; {@link ChunkEvent#duration()} covers all its attempts. */
  default void onChunkSuccess(ChunkEvent event) {}

  /** A chunk failed for good, after {@link ChunkEvent#attempt()} attempts. */
  default void onChunkFailure(ChunkEvent event) {}

  /** A failed attempt will be retried after {@link ChunkEvent#retryDelay()}. */
  default void onChunkRetry(ChunkEvent event) {}

  /** An attempt exceeded the chunk timeout. */
  default void onChunkTimeout(ChunkEvent event) {}

  /**
   * A connector (HTTP, FHIR, OpenSearch) will retry a request that a chunk function made through
   * it with the chunk's {@link ChunkContext}. These retries happen inside one chunk attempt and
   * are independent of {@link #onChunkRetry}.
   */
  default void onRequestRetry(RequestRetryEvent event) {}

  /**
   * A request that a chunk function made through a connector with the chunk's {@link ChunkContext}
   * waited for a free in-flight slot (a connection) of the connector's client before it was sent.
   */
  default void onRequestWait(RequestWaitEvent event) {}

  /**
   * A connector sent a request of a chunk function again at once on a fresh connection: the server had
   * closed the pooled one before answering. Not a retry, and independent of {@link #onRequestRetry}.
   */
  default void onRequestResend(RequestResendEvent event) {}
}
