package io.asyncudf.internal.connector;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler on a clock the test moves: {@link #advance(Duration)} runs, in time order, every task
 * that falls due, with {@link #nanos()} set to its due time. Nothing runs on another thread.
 */
public final class VirtualTimeScheduler extends AbstractExecutorService implements ScheduledExecutorService {

  private final PriorityQueue<Task<?>> tasks = new PriorityQueue<>(Comparator.comparingLong((Task<?> t) -> t.due)
      .thenComparingLong(t -> t.sequence));
  private long now = 1_000_000_000L;
  private long sequence;

  /** The virtual time, in nanoseconds. */
  public synchronized long nanos() {
    return now;
  }

  /** Moves the clock forward by {@code duration}, running what falls due on the way. */
  public void advance(Duration duration) {
    long until;
    synchronized (this) {
      until = now + duration.toNanos();
    }
    while (true) {
      Task<?> next;
      synchronized (this) {
        next = tasks.peek();
        if (next == null || next.due > until) {
          now = until;
          return;
        }
        tasks.poll();
        now = Math.max(now, next.due);
      }
      if (!next.isCancelled()) {
        next.run();
      }
    }
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    return schedule(() -> {
      command.run();
      return null;
    }, delay, unit);
  }

  @Override
  public synchronized <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    Task<V> task = new Task<>(callable, now + Math.max(0, unit.toNanos(delay)), sequence++);
    tasks.add(task);
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
    return new ArrayList<>();
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

  private final class Task<V> extends FutureTask<V> implements ScheduledFuture<V> {
    final long due;
    final long sequence;

    Task(Callable<V> callable, long due, long sequence) {
      super(callable);
      this.due = due;
      this.sequence = sequence;
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(due - nanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed other) {
      return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
    }
  }
}
