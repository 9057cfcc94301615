package io.asyncudf;

import io.asyncudf.partition.SparkPartitionInformation;
import java.time.Duration;

/**
 * Something that happened to one chunk.
 *
 * @param kind what happened
 * @param partition the task, executor and chunk (index, first row, size)
 * @param attempt the attempt the event is about, 1-based; for success and failure the number of
 *     attempts made
 * @param duration time since the attempt started (start, retry, timeout events) or since the first
 *     attempt started (success, failure); zero for start events
 * @param failure the failure, for failure, retry and timeout events; otherwise null
 * @param retryDelay the wait before the next attempt, for retry events; otherwise zero
 */
public record ChunkEvent(
    Kind kind, SparkPartitionInformation partition, int attempt, Duration duration, Throwable failure,
    Duration retryDelay) implements AsyncUdfEvent {

  /** What happened to the chunk. */
  public enum Kind {
    /** An attempt starts. */
    START,
    /** The chunk succeeded, after {@code attempt} attempts. */
    SUCCESS,
    /** The chunk failed after its retries. */
    FAILURE,
    /** An attempt failed and the chunk is retried after {@code retryDelay}. */
    RETRY,
    /** An attempt ran out of time. */
    TIMEOUT
  }
}
