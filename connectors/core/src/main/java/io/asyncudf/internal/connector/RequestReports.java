package io.asyncudf.internal.connector;

import io.asyncudf.connector.RequestScope;
import java.time.Duration;

/**
 * The side of a {@link RequestScope} that connectors report to: each retry of a request, each re-send on a fresh
 * connection, each wait for a free slot of its client. A chunk attempt's scope implements it (its reports become
 * listener events); a scope that does not is told nothing. Implementations are thread-safe and never throw.
 */
public interface RequestReports extends RequestScope {

  /** The reports of {@code scope}: itself when it takes them, else a sink (also for null). */
  static RequestReports of(RequestScope scope) {
    return scope instanceof RequestReports reports ? reports : Ignored.INSTANCE;
  }

  /**
   * Reports that a request failed and will be retried.
   *
   * @param request the request without secrets, e.g. {@code "GET http://host/path"}
   * @param failedAttempt the request attempt that failed, 1-based
   * @param failure why it failed
   * @param retryDelay the wait before the next request attempt
   */
  default void requestRetried(String request, int failedAttempt, Throwable failure, Duration retryDelay) {}

  /**
   * Reports that a request was sent again at once, on another connection, because the pooled connection it
   * went out on had been closed by the server before any byte of an answer (keep-alive churn). Not a retry:
   * no backoff, not counted against the retry budget.
   *
   * @param request the request without secrets, e.g. {@code "GET http://host/path"}
   * @param failure how the closed connection failed it
   */
  default void requestResent(String request, Throwable failure) {}

  /**
   * Reports that a request waited for an in-flight slot of its client (a connection) before it was sent:
   * the client's limit, fixed or adaptive, was reached.
   *
   * @param request the request without secrets, e.g. {@code "GET http://host/path"}
   * @param waited how long it waited
   * @param inFlightLimit the client's in-flight limit when the request got its slot
   */
  default void requestWaited(String request, Duration waited, int inFlightLimit) {}
}

enum Ignored implements RequestReports {
  INSTANCE
}
