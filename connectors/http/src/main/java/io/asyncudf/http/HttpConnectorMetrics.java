package io.asyncudf.http;

/**
 * Counters of one client since it was created, across all tasks of its executor JVM.
 *
 * @param attempts request attempts sent (first tries and retries)
 * @param retries attempts that failed and were retried
 * @param failures requests that failed for good (after retries)
 * @param inFlight attempts in flight now
 * @param peakInFlight the most attempts ever in flight at once; never above {@code maxInFlight}
 * @param tokenFetches access tokens fetched (OAuth 2.0)
 */
public record HttpConnectorMetrics(
    long attempts, long retries, long failures, int inFlight, int peakInFlight, long tokenFetches) {}
