package io.asyncudf;

import io.asyncudf.partition.SparkPartitionInformation;
import java.time.Duration;

/**
 * A connector retried one request made by a chunk function, inside one attempt at a chunk.
 *
 * @param partition the task, executor and chunk the request belongs to
 * @param chunkAttempt the attempt at the chunk during which the request was made
 * @param request what was requested, e.g. {@code "GET http://host/fhir/Patient/1"}; never contains secrets
 * @param failedAttempt the request attempt that failed, 1-based
 * @param failure why it failed
 * @param retryDelay the wait before the next request attempt
 */
public record RequestRetryEvent(
    SparkPartitionInformation partition,
    int chunkAttempt,
    String request,
    int failedAttempt,
    Throwable failure,
    Duration retryDelay) implements AsyncUdfEvent {}
