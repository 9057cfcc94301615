package io.asyncudf;

import io.asyncudf.partition.SparkPartitionInformation;

/**
 * A connector sent a request of a chunk function again at once, on another connection, because the
 * pooled connection it went out on had been closed by the server before any byte of an answer
 * (keep-alive churn). Not a retry: no backoff, not counted against the retry budget, and only for
 * requests that may be replayed.
 *
 * @param partition the task, executor and chunk the request belongs to
 * @param chunkAttempt the attempt at the chunk during which the request was made
 * @param request what was requested, e.g. {@code "GET http://host/fhir/Patient/1"}; never contains secrets
 * @param failure how the closed connection failed it
 */
public record RequestResendEvent(
    SparkPartitionInformation partition,
    int chunkAttempt,
    String request,
    Throwable failure) implements AsyncUdfEvent {}
