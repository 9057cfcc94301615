package io.asyncudf.internal.engine;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The JVM-wide threads that start chunk attempts, wait out retry backoffs and enforce timeouts.
 * Daemon threads, created on first use and shared by every task of the JVM; never Netty
 * event-loop threads.
 */
final class EngineThreads {

  private EngineThreads() {}

  static ScheduledExecutorService scheduler() {
    return Holder.SCHEDULER;
  }

  private static final class Holder {
    static final ScheduledExecutorService SCHEDULER = create();

    private static ScheduledExecutorService create() {
      AtomicInteger count = new AtomicInteger();
      ThreadFactory threads = runnable -> {
        Thread thread = new Thread(runnable, "asyncudf-chunks-" + count.incrementAndGet());
        thread.setDaemon(true);
        return thread;
      };
      ScheduledThreadPoolExecutor executor =
          new ScheduledThreadPoolExecutor(Math.max(2, Runtime.getRuntime().availableProcessors()), threads);
      executor.setRemoveOnCancelPolicy(true);
      return executor;
    }
  }
}
