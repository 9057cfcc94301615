package io.asyncudf.internal.connector;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Every JVM-wide thread of the library besides the connectors' own I/O threads, in one place: daemon
 * threads, named {@code asyncudf-*}, each pool created at its first use and shared by every task of the
 * JVM. None is a Netty event-loop thread. (A driver channel's event and callback threads, and a progress
 * line's ticker, live and end with their channel.)
 */
public final class AsyncUdfThreads {

  private AsyncUdfThreads() {}

  /** Two threads for short timed work (retry waits, queued requests, wait limits); tasks must never block. */
  public static ScheduledExecutorService scheduler() {
    return Scheduler.POOL;
  }

  /**
   * A work-stealing pool, one thread per core (at least two), on which the futures a connector returns
   * complete (unless the caller asked for a direct send), so callers' continuations (JSON parsing, the
   * next request) never run on a network thread.
   */
  public static Executor callbacks() {
    return Callbacks.POOL;
  }

  /**
   * One thread per core (at least two) that starts chunk retries (the user's function runs on it until it
   * returns its future; a first attempt starts on the task thread), waits out retry backoffs and enforces
   * attempt timeouts.
   */
  public static ScheduledExecutorService chunks() {
    return Chunks.POOL;
  }

  /**
   * Four threads for periodic blocking file work, such as flushing and rolling journal files (a roll uploads its
   * file to an object store): one slow upload does not hold up every other task's flushes. Only a task closing its
   * journal waits on them, for a roll of its own file.
   */
  public static ScheduledExecutorService files() {
    return Files.POOL;
  }

  /**
   * A future that completes like {@code execution}, but on a callback thread and with the failure's
   * {@code CompletionException} wrappers removed; cancelling it cancels {@code execution}.
   */
  public static <T> CompletableFuture<T> completeOnCallbacks(CompletableFuture<T> execution) {
    return relay(execution, failed -> false);
  }

  /**
   * {@code factory}'s threads, marked as a connector's network threads (event loops, their timers), so
   * that {@link #offNetworkThreads} knows them. The threads run what {@code factory} makes of each task.
   */
  public static ThreadFactory networkThreads(ThreadFactory factory) {
    return task -> factory.newThread(() -> {
      NetworkThreads.MARK.set(Boolean.TRUE);
      task.run();
    });
  }

  /** Whether the calling thread is a connector's network thread (made by {@link #networkThreads}). */
  public static boolean onNetworkThread() {
    return NetworkThreads.MARK.get();
  }

  /**
   * A future that completes like {@code stage}, with the failure's {@code CompletionException}
   * wrappers removed: on the thread that completes {@code stage}, unless that is a network thread, in
   * which case on a callback thread. Cancelling it cancels {@code stage}. For stages whose own
   * continuations may run on a network thread (a connector's direct sends) but whose callers' must not.
   */
  public static <T> CompletableFuture<T> offNetworkThreads(CompletableFuture<T> stage) {
    return relay(stage, failed -> !onNetworkThread());
  }

  /**
   * A future that completes like {@code execution}, with the failure's {@code CompletionException}
   * wrappers removed: a success on the thread that completes {@code execution} if that is a network thread
   * (the answer's own); a failure, or a success elsewhere (the caller's thread, a scheduler thread), on a
   * callback thread. A failure may come from a network timer or a refused connection, with no answer to
   * read: what follows it may be anything (a retry, an error row), so it never runs on a network thread.
   * Cancelling it cancels {@code execution}.
   */
  public static <T> CompletableFuture<T> completeOnNetworkOrCallbacks(CompletableFuture<T> execution) {
    return relay(execution, failed -> !failed && onNetworkThread());
  }

  /**
   * {@code stage}'s outcome, settled on the thread that completes {@code stage} when {@code inline} says so
   * there (given whether {@code stage} failed), else on a callback thread. Cancelling the result cancels
   * {@code stage} first.
   */
  private static <T> CompletableFuture<T> relay(CompletableFuture<T> stage, Predicate<Boolean> inline) {
    CompletableFuture<T> result = new CompletableFuture<>() {
      @Override
      public boolean cancel(boolean mayInterruptIfRunning) {
        stage.cancel(mayInterruptIfRunning); // first, so that the stage has ended before anything waiting on this runs
        return super.cancel(mayInterruptIfRunning);
      }
    };
    stage.whenComplete((value, failure) -> {
      if (inline.test(failure != null)) {
        settle(result, value, failure);
      } else {
        callbacks().execute(() -> settle(result, value, failure));
      }
    });
    return result;
  }

  private static <T> void settle(CompletableFuture<T> result, T value, Throwable failure) {
    if (failure == null) {
      result.complete(value);
    } else {
      result.completeExceptionally(Futures.unwrap(failure));
    }
  }

  private static int cores() {
    return Math.max(2, Runtime.getRuntime().availableProcessors());
  }

  private static ScheduledExecutorService scheduled(String name, int threads) {
    AtomicInteger count = new AtomicInteger();
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(threads, task -> {
      Thread thread = new Thread(task, "asyncudf-" + name + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    executor.setRemoveOnCancelPolicy(true);
    return executor;
  }

  private static final class NetworkThreads {
    static final ThreadLocal<Boolean> MARK = ThreadLocal.withInitial(() -> Boolean.FALSE);
  }

  private static final class Scheduler {
    static final ScheduledExecutorService POOL = scheduled("connector-scheduler", 2);
  }

  private static final class Chunks {
    static final ScheduledExecutorService POOL = scheduled("chunks", cores());
  }

  private static final class Files {
    static final ScheduledExecutorService POOL = scheduled("files", 4);
  }

  private static final class Callbacks {
    static final Executor POOL = new ForkJoinPool(cores(), pool -> {
      var thread = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
      thread.setName("asyncudf-connector-callback-" + thread.getPoolIndex());
      thread.setDaemon(true);
      return thread;
    }, null, true);
  }
}
