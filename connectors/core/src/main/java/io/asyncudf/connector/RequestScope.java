package io.asyncudf.connector;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * What a connector reports to the work that asked for a request: each retry of the request, each re-send
 * on a fresh connection, each wait for a free slot of its client, and the request itself, so that it ends when that work ends. A chunk's {@code ChunkContext} is a
 * scope: when a chunk attempt ends (it completes, fails, times out or is cancelled because its
 * task was killed) the engine cancels every request registered with it that is still open, whatever
 * the chunk function chained on the futures the connector returned.
 *
 * <p>Implementations are thread-safe and their methods never throw.
 */
public interface RequestScope {

  /** A scope that records nothing: its requests end only when they complete or are cancelled directly. */
  static RequestScope none() {
    return NoScope.INSTANCE;
  }

  /** {@code scope}, or {@link #none()} when it is null. */
  static RequestScope orNone(RequestScope scope) {
    return scope == null ? NoScope.INSTANCE : scope;
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

  /**
   * Ties {@code request} to this scope: it is cancelled when the scope ends, or at once when the
   * scope has already ended. A request that completes first is forgotten. Connectors call this for
   * every request they start on behalf of the scope; cancelling the request must end its network
   * call.
   */
  default void register(CompletableFuture<?> request) {}

  /**
   * Whether the scope has ended: a connector starts no request (and no retry) for an ended scope,
   * rather than starting one only to have it cancelled.
   */
  default boolean isEnded() {
    return false;
  }
}

enum NoScope implements RequestScope {
  INSTANCE
}
