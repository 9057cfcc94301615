package io.asyncudf.internal.engine;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The requests one chunk attempt started and that are still open. When the attempt ends, however it
 * ends, {@link #end()} cancels them, and a request registered after that is cancelled at once.
 * Thread-safe: connectors register from any thread.
 */
final class AttemptScope {

  private final Set<CompletableFuture<?>> open = ConcurrentHashMap.newKeySet();
  private volatile boolean ended;

  void register(CompletableFuture<?> request) {
    if (request.isDone()) {
      return;
    }
    if (ended) {
      request.cancel(true);
      return;
    }
    open.add(request);
    request.whenComplete((value, failure) -> open.remove(request));
    if (ended) {
      request.cancel(true);
    }
  }

  /** Cancels every open request; idempotent. */
  void end() {
    ended = true;
    for (CompletableFuture<?> request : open) {
      request.cancel(true);
    }
  }

  boolean ended() {
    return ended;
  }

  /** Requests registered and not yet finished. */
  int openRequests() {
    return open.size();
  }
}
