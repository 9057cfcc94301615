package io.asyncudf.internal.engine;

import dev.failsafe.spi.Scheduler;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Failsafe's scheduler for one chunk: the chunk's first attempt starts at once on the thread that
 * submits the chunk (the task thread, which would otherwise wait), saving a hand-over to a pool
 * thread per chunk; every later attempt, retry wait and delayed work goes to {@code pool}.
 */
final class FirstAttemptInline implements Scheduler {

  private final Scheduler pool;
  private final Thread submitter = Thread.currentThread();
  private boolean first = true;

  FirstAttemptInline(Scheduler pool) {
    this.pool = pool;
  }

  @Override
  public ScheduledFuture<?> schedule(Callable<?> callable, long delay, TimeUnit unit) {
    if (first && delay == 0 && Thread.currentThread() == submitter) {
      first = false;
      CompletableFuture<Object> done = new CompletableFuture<>();
      try {
        done.complete(callable.call());
      } catch (Exception e) {
        done.completeExceptionally(e);
      }
      return new Ran(done);
    }
    first = false;
    return pool.schedule(callable, delay, unit);
  }

  /** The inline run's result: already done, so cancelling it does nothing. */
  private record Ran(CompletableFuture<Object> result) implements ScheduledFuture<Object> {
    @Override
    public long getDelay(TimeUnit unit) {
      return 0;
    }

    @Override
    public int compareTo(Delayed other) {
      return Long.compare(0, other.getDelay(TimeUnit.NANOSECONDS));
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      return false;
    }

    @Override
    public boolean isCancelled() {
      return false;
    }

    @Override
    public boolean isDone() {
      return true;
    }

    @Override
    public Object get() {
      return result.join();
    }

    @Override
    public Object get(long timeout, TimeUnit unit) {
      return result.join();
    }
  }
}
