package io.asyncudf;

import io.asyncudf.partition.SparkPartitionInformation;
import java.time.Duration;

/**
 * What a chunk function knows about the chunk it is processing. One context describes one
 * attempt at one chunk; it is immutable.
 *
 * @param <P> the user parameters
 */
public interface ChunkContext<P> {

  /** The Spark partition the chunk belongs to. */
  int partitionIndex();

  /** 0-based index of the chunk within its partition. */
  int chunkIndex();

  /** 0-based row offset, within the partition, of the chunk's first input. */
  long firstRowIndex();

  /** Rows in this chunk. */
  int size();

  /** 1 on the first try, 2 on the first retry, and so on. */
  int attempt();

  /** The parameters given with {@code parameters(P)}, or null when none were given. */
  P parameters();

  /** The task, executor and chunk this attempt runs in; its fields are in the SLF4J MDC while the function runs. */
  SparkPartitionInformation partitionInformation();

  /**
   * Reports that a request made for this chunk failed and will be retried; connectors call this so
   * the UDF's {@link AsyncUdfListener#onRequestRetry} sees every retry. Thread-safe; never throws.
   *
   * @param request the request without secrets, e.g. {@code "GET http://host/path"}
   * @param failedAttempt the request attempt that failed, 1-based
   * @param failure why it failed
   * @param retryDelay the wait before the next request attempt
   */
  default void requestRetried(String request, int failedAttempt, Throwable failure, Duration retryDelay) {}
}
