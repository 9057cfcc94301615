package io.asyncudf.internal.connector;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler for deterministic tests of the engine and the connectors: work without a delay runs at once on the calling
 * thread; delayed work (timeouts, retry backoff) waits until the test calls {@link #runDelayed()}.
 */
public final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {

  private final List<Task<?>> delayed = new ArrayList<>();

  /** Runs every delayed task scheduled so far (those they schedule wait for the next call); returns how many ran. */
  public int runDelayed() {
    List<Task<?>> due;
    synchronized (this) {
      due = new ArrayList<>(delayed);
      delayed.clear();
    }
    int ran = 0;
    for (Task<?> task : due) {
      if (!task.isCancelled()) {
        task.run();
        ran++;
      }
    }
    return ran;
  }

  public synchronized int pendingDelayed() {
    return (int) delayed.stream().filter(task -> !task.isCancelled()).count();
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    return schedule(() -> {
      command.run();
      return null;
    }, delay, unit);
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    Task<V> task = new Task<>(callable, unit.toNanos(delay));
    if (delay <= 0) {
      task.run();
    } else {
      synchronized (this) {
        delayed.add(task);
      }
    }
    return task;
  }

  @Override
  public void execute(Runnable command) {
    command.run();
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
    throw new UnsupportedOperationException();
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void shutdown() {}

  @Override
  public List<Runnable> shutdownNow() {
    return List.of();
  }

  @Override
  public boolean isShutdown() {
    return false;
  }

  @Override
  public boolean isTerminated() {
    return false;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return true;
  }

  private static final class Task<V> implements ScheduledFuture<V> {
    private final Callable<V> callable;
    private final long delayNanos;
    private final CompletableFuture<V> result = new CompletableFuture<>();

    Task(Callable<V> callable, long delayNanos) {
      this.callable = callable;
      this.delayNanos = delayNanos;
    }

    void run() {
      if (result.isDone()) {
        return;
      }
      try {
        result.complete(callable.call());
      } catch (Exception e) {
        result.completeExceptionally(e);
      }
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(delayNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed other) {
      return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      return result.cancel(mayInterruptIfRunning);
    }

    @Override
    public boolean isCancelled() {
      return result.isCancelled();
    }

    @Override
    public boolean isDone() {
      return result.isDone();
    }

    @Override
    public V get() throws InterruptedException, ExecutionException {
      return result.get();
    }

    @Override
    public V get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException,
        java.util.concurrent.TimeoutException {
      return result.get(timeout, unit);
    }
  }
}
