package io.asyncudf.opensearch;

import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * The OpenSearch connector's JVM-wide threads: a scheduler for retry waits and the executor on
 * which every returned future completes, so callers' continuations never run on an I/O thread.
 */
final class ConnectorExecutors {

  private static final ScheduledExecutorService SCHEDULER = newScheduler();
  private static final Executor CALLBACKS = new ForkJoinPool(
      Math.max(2, Runtime.getRuntime().availableProcessors()),
      pool -> {
        var thread = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
        thread.setName("asyncudf-opensearch-callback-" + thread.getPoolIndex());
        thread.setDaemon(true);
        return thread;
      },
      null,
      true);

  private ConnectorExecutors() {}

  static ScheduledExecutorService scheduler() {
    return SCHEDULER;
  }

  static Executor callbacks() {
    return CALLBACKS;
  }

  private static ScheduledExecutorService newScheduler() {
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, task -> {
      Thread thread = new Thread(task, "asyncudf-opensearch-scheduler");
      thread.setDaemon(true);
      return thread;
    });
    executor.setRemoveOnCancelPolicy(true);
    return executor;
  }
}
