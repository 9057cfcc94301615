package io.asyncudf.connector;

import java.util.concurrent.CompletableFuture;

/**
 * The work a request belongs to, so that the request ends when that work ends. A chunk's {@code ChunkContext}
 * is a scope: when a chunk attempt ends (it completes, fails, times out or is cancelled because its task was
 * killed) the engine cancels every request registered with it that is still open, whatever the chunk function
 * chained on the futures the connector returned. Connectors also report each retry, re-send and wait of a
 * request to the scope they were given, through the library's internal side of it.
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
