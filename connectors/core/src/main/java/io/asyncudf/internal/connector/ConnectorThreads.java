package io.asyncudf.internal.connector;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The JVM-wide threads every connector shares, besides its own I/O threads: a scheduler for retry
 * waits and queued requests, and the executor on which every future a connector returns completes,
 * so callers' continuations (JSON parsing, the next request) never run on a network thread. Both
 * are daemon threads.
 */
public final class ConnectorThreads {

  private static final ScheduledExecutorService SCHEDULER = newScheduler();
  private static final Executor CALLBACKS = new ForkJoinPool(
      Math.max(2, Runtime.getRuntime().availableProcessors()),
      pool -> {
        var thread = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
        thread.setName("asyncudf-connector-callback-" + thread.getPoolIndex());
        thread.setDaemon(true);
        return thread;
      },
      null,
      true);

  private ConnectorThreads() {}

  /** Two daemon threads for timed work; tasks must be short and never block. */
  public static ScheduledExecutorService scheduler() {
    return SCHEDULER;
  }

  /** A work-stealing pool, one thread per core (at least two), for completing connector futures. */
  public static Executor callbacks() {
    return CALLBACKS;
  }

  /**
   * A future that completes like {@code execution}, but on a callback thread and with the failure's
   * {@code CompletionException} wrappers removed; cancelling it cancels {@code execution}.
   */
  public static <T> CompletableFuture<T> completeOnCallbacks(CompletableFuture<T> execution) {
    CompletableFuture<T> result = new CompletableFuture<>();
    execution.whenCompleteAsync((value, failure) -> {
      if (failure == null) {
        result.complete(value);
      } else {
        result.completeExceptionally(Futures.unwrap(failure));
      }
    }, CALLBACKS);
    result.whenComplete((value, failure) -> {
      if (result.isCancelled()) {
        execution.cancel(true);
      }
    });
    return result;
  }

  private static ScheduledExecutorService newScheduler() {
    AtomicInteger count = new AtomicInteger();
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(2, task -> {
      Thread thread = new Thread(task, "asyncudf-connector-scheduler-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    executor.setRemoveOnCancelPolicy(true);
    return executor;
  }
}
