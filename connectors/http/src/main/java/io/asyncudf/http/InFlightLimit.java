package io.asyncudf.http;

import io.asyncudf.connector.ConnectorThreads;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * At most {@code slots} requests in flight. A request that finds no free slot waits without a
 * thread, first come first served, for at most {@code maxWait}; then it fails with a
 * {@link RejectedExecutionException} naming both limits. A waiter that is cancelled or timed out
 * leaves nothing behind: its timer is cancelled and removed, and a freed slot passes it by.
 *
 * <p>(Failsafe's bulkhead keeps a timer per waiting request until {@code maxWait} passes, even after
 * the request got its slot: a million rows through a 16-slot client held about 450,000 of them.)
 */
final class InFlightLimit {

  private static final CompletableFuture<Void> GRANTED = CompletableFuture.completedFuture(null);

  private final int slots;
  private final Duration maxWait;
  private final Executor handoff;
  private final Queue<CompletableFuture<Void>> waiters = new ArrayDeque<>();
  private final Runnable onFirstWait;
  private final LongAdder waits = new LongAdder();
  private boolean waited;
  private int free;

  InFlightLimit(int slots, Duration maxWait) {
    this(slots, maxWait, () -> {});
  }

  /** @param onFirstWait runs once, the first time a request finds no free slot (outside the lock) */
  InFlightLimit(int slots, Duration maxWait, Runnable onFirstWait) {
    this(slots, maxWait, ConnectorThreads.callbacks(), onFirstWait);
  }

  /** @param handoff where a waiter that got a freed slot continues (tests pass a direct executor) */
  InFlightLimit(int slots, Duration maxWait, Executor handoff) {
    this(slots, maxWait, handoff, () -> {});
  }

  private InFlightLimit(int slots, Duration maxWait, Executor handoff, Runnable onFirstWait) {
    this.slots = slots;
    this.maxWait = maxWait;
    this.handoff = handoff;
    this.onFirstWait = onFirstWait;
    this.free = slots;
  }

  /** Requests that found every slot taken and had to wait. */
  long waits() {
    return waits.sum();
  }

  /**
   * Starts {@code task} once it holds a slot and gives the slot back when the task's future ends.
   * Cancelling the returned future stops the wait, or cancels the task once it has started; either
   * way the slot comes back.
   */
  <T> CompletableFuture<T> run(Supplier<CompletableFuture<T>> task) {
    CompletableFuture<Void> slot = acquire();
    AtomicBoolean claimed = new AtomicBoolean();
    AtomicBoolean cancelled = new AtomicBoolean();
    AtomicReference<CompletableFuture<T>> started = new AtomicReference<>();
    CompletableFuture<T> result = slot.thenCompose(granted -> {
      if (!claimed.compareAndSet(false, true)) {
        return CompletableFuture.failedFuture(new CancellationException());
      }
      CompletableFuture<T> running;
      try {
        running = task.get();
      } catch (RuntimeException e) {
        release();
        throw e;
      }
      started.set(running);
      running.whenComplete((value, failure) -> release());
      if (cancelled.get()) {
        running.cancel(true);
      }
      return running;
    });
    result.whenComplete((value, failure) -> {
      if (result.isCancelled()) {
        cancelled.set(true);
        if (!slot.cancel(false) && !slot.isCompletedExceptionally() && claimed.compareAndSet(false, true)) {
          release();
        }
        CompletableFuture<T> running = started.get();
        if (running != null) {
          running.cancel(true);
        }
      }
    });
    return result;
  }

  /**
   * A future that completes when the caller holds a slot, which it must give back with
   * {@link #release()}. Cancelling the future stops waiting; a cancelled future holds no slot.
   */
  CompletableFuture<Void> acquire() {
    CompletableFuture<Void> waiter;
    boolean first;
    synchronized (this) {
      if (free > 0) {
        free--;
        return GRANTED;
      }
      waiter = new CompletableFuture<>();
      waiters.add(waiter);
      first = !waited;
      waited = true;
    }
    waits.increment();
    if (first) {
      try {
        onFirstWait.run();
      } catch (RuntimeException e) {
        // a report that fails must not leave this waiter without its timer
      }
    }
    ScheduledFuture<?> timer = ConnectorThreads.scheduler().schedule(() -> waiter.completeExceptionally(
        new RejectedExecutionException("no free request slot within maxQueueWait (" + maxWait + "): all "
            + slots + " of maxInFlight are in use")), maxWait.toNanos(), TimeUnit.NANOSECONDS);
    waiter.whenComplete((granted, failure) -> timer.cancel(false));
    return waiter;
  }

  /**
   * Gives a slot back: to the longest waiting request, whose continuation then starts on a
   * connector callback thread (never on the releasing network thread), or to the free pool.
   */
  void release() {
    CompletableFuture<Void> next;
    synchronized (this) {
      do {
        next = waiters.poll();
      } while (next != null && next.isDone());
      if (next == null) {
        free++;
        return;
      }
    }
    CompletableFuture<Void> handedTo = next;
    handoff.execute(() -> {
      if (!handedTo.complete(null)) {
        release();
      }
    });
  }
}
