package io.asyncudf.internal.connector;

import com.netflix.concurrency.limits.Limit;
import com.netflix.concurrency.limits.limit.FixedLimit;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The one admission primitive of the library: at most {@link #limit()} requests (HTTP requests, a driver
 * channel's callback calls) in flight. The limit is fixed, or adaptive: an algorithm of
 * Netflix's concurrency-limits that {@link #run} feeds with every finished request's round trip, the
 * requests in flight when it started, and whether the service turned it away as overloaded. A request
 * that finds no free slot waits without a thread, first come first served, for at most
 * {@code maxWait}; then it fails with a {@link RejectedExecutionException} naming both limits. A waiter
 * that is cancelled or timed out leaves nothing behind: its timer is cancelled and removed, and a freed
 * slot passes it by. When an adaptive limit falls, slots come back to waiters only once fewer requests
 * than the new limit are in flight; when it rises, waiters get the new slots at once.
 *
 * <p>(Failsafe's bulkhead keeps a timer per waiting request until {@code maxWait} passes, even after
 * the request got its slot: a million rows through a 16-slot client held about 450,000 of them.)
 */
public final class InFlightLimit {

  private static final CompletableFuture<Void> GRANTED = CompletableFuture.completedFuture(null);
  /** What a finished request tells an adaptive limit. */
  public enum Outcome {
    /** an answer: its round trip is a sample */
    ANSWERED,
    /** the service turned it away as overloaded: the limit must come down */
    OVERLOADED,
    /** nothing about the service's capacity (a refused connection, a malformed answer) */
    UNMEASURED
  }

  private final Limit limit;
  /** Whether the limit learns from samples: a fixed one does not, so no request pays for measuring. */
  private final boolean adaptive;
  private final String limitName;
  private final String maxWaitName;
  private final Duration maxWait;
  private final Executor handoff;
  private final LongSupplier nanoClock;
  private final Function<Throwable, Outcome> outcome;
  private final Queue<CompletableFuture<Void>> waiters = new ArrayDeque<>();
  private final Runnable onFirstWait;
  private final LongAdder waits = new LongAdder();
  /** Requests sent and not done, for an adaptive limit's samples. */
  private final AtomicInteger sentNow = new AtomicInteger();
  private boolean waited;
  private int inUse;

  public InFlightLimit(int slots, Duration maxWait) {
    this(slots, maxWait, () -> {});
  }

  /** @param onFirstWait runs once, the first time a request finds no free slot (outside the lock) */
  public InFlightLimit(int slots, Duration maxWait, Runnable onFirstWait) {
    this(FixedLimit.of(slots), "all " + slots + " of maxInFlight", maxWait, AsyncUdfThreads.callbacks(),
        System::nanoTime, failure -> Outcome.UNMEASURED, onFirstWait);
  }

  /** @param handoff where a waiter that got a freed slot continues (tests pass a direct executor) */
  public InFlightLimit(int slots, Duration maxWait, Executor handoff) {
    this(FixedLimit.of(slots), "all " + slots + " of maxInFlight", maxWait, handoff, System::nanoTime,
        failure -> Outcome.UNMEASURED, () -> {});
  }

  /**
   * @param limit the limit: {@link FixedLimit} or an adaptive one, fed by {@link #run}
   * @param limitName the limit as messages name it, e.g. {@code "all 16 of maxInFlight"}
   * @param handoff where a waiter that got a freed slot continues
   * @param nanoClock the clock round trips are measured with, in nanoseconds
   * @param outcome what a request's failure (null: it succeeded) tells the limit
   * @param onFirstWait runs once, the first time a request finds no free slot (outside the lock)
   */
  public InFlightLimit(Limit limit, String limitName, Duration maxWait, Executor handoff, LongSupplier nanoClock,
      Function<Throwable, Outcome> outcome, Runnable onFirstWait) {
    this(limit, limitName, "maxQueueWait", maxWait, handoff, nanoClock, outcome, onFirstWait);
  }

  /**
   * A fixed limit of {@code slots} for work that is not a connector's request, such as a driver channel's
   * callback calls.
   *
   * @param limitName the limit as messages name it, e.g. {@code "all 16 driver callback calls"}
   * @param maxWaitName the wait limit as messages name it, e.g. {@code "the call timeout"}
   */
  public static InFlightLimit fixed(int slots, String limitName, String maxWaitName, Duration maxWait,
      Executor handoff) {
    return new InFlightLimit(FixedLimit.of(slots), limitName, maxWaitName, maxWait, handoff, System::nanoTime,
        failure -> Outcome.UNMEASURED, () -> {});
  }

  private InFlightLimit(Limit limit, String limitName, String maxWaitName, Duration maxWait, Executor handoff,
      LongSupplier nanoClock, Function<Throwable, Outcome> outcome, Runnable onFirstWait) {
    this.limit = limit;
    this.maxWaitName = maxWaitName;
    this.adaptive = !(limit instanceof FixedLimit);
    this.limitName = limitName;
    this.maxWait = maxWait;
    this.handoff = handoff;
    this.nanoClock = nanoClock;
    this.outcome = outcome;
    this.onFirstWait = onFirstWait;
  }

  /** Requests that found every slot taken and had to wait. */
  public long waits() {
    return waits.sum();
  }

  /** Requests in flight allowed now. */
  public int limit() {
    return limit.getLimit();
  }

  /** Slots held now. */
  public synchronized int inUse() {
    return inUse;
  }

  public <T> CompletableFuture<T> run(Supplier<CompletableFuture<T>> task) {
    return run(task, waited -> {});
  }

  /**
   * Starts {@code task} once it holds a slot and gives the slot back when the task's future ends; a task
   * that ends other than by being cancelled is a sample for an adaptive limit. Cancelling the returned
   * future stops the wait, or cancels the task once it has started; either way the slot comes back.
   *
   * @param onWaited told how long the task waited for its slot, when it had to wait, before it starts
   */
  public <T> CompletableFuture<T> run(Supplier<CompletableFuture<T>> task, Consumer<Duration> onWaited) {
    return runTimed(sending -> {
      sending.run();
      return task.get();
    }, onWaited);
  }

  /**
   * Like {@link #run(Supplier, Consumer)}, for a task that waits on something else once it holds its slot (a
   * rate limit's permit) before it sends: it calls the {@code Runnable} it is given as it sends, and an adaptive
   * limit measures its round trip from there, so that waits of its own do not read as the service queueing. A
   * task that ends without calling it is no sample.
   */
  public <T> CompletableFuture<T> runTimed(Function<Runnable, CompletableFuture<T>> task, Consumer<Duration> onWaited) {
    long asked = nanoClock.getAsLong();
    CompletableFuture<Void> slot = acquire();
    AtomicBoolean claimed = new AtomicBoolean();
    AtomicBoolean cancelled = new AtomicBoolean();
    AtomicReference<CompletableFuture<T>> started = new AtomicReference<>();
    CompletableFuture<T> result = slot.thenCompose(granted -> {
      if (!claimed.compareAndSet(false, true)) {
        return CompletableFuture.failedFuture(new CancellationException());
      }
      if (slot != GRANTED) {
        try {
          onWaited.accept(Duration.ofNanos(nanoClock.getAsLong() - asked));
        } catch (RuntimeException e) {
          // a report that fails must not strand the slot
        }
      }
      Sending sending = adaptive ? new Sending() : null;
      CompletableFuture<T> running;
      try {
        running = task.apply(sending == null ? NOT_MEASURED : sending);
      } catch (RuntimeException e) {
        release();
        throw e;
      }
      started.set(running);
      running.whenComplete((value, failure) -> {
        if (sending != null && sending.end() && !running.isCancelled()) {
          sample(sending.start, sending.inFlight, failure);
        }
        release();
      });
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

  private static final Runnable NOT_MEASURED = () -> {};

  /**
   * When a task holding a slot sent, and how many had been sent and were not done then (a slot held by a request
   * still waiting for something else is not in flight at the service): an adaptive limit's sample starts there.
   */
  private final class Sending implements Runnable {
    private boolean sent;
    private boolean ended;
    private long start;
    private int inFlight;

    /** The request goes out (again, after a 401); nothing once its task has ended (cancelled as it started). */
    @Override
    public synchronized void run() {
      if (ended) {
        return;
      }
      start = nanoClock.getAsLong();
      if (!sent) {
        sent = true;
        inFlight = sentNow.incrementAndGet();
      } else {
        inFlight = sentNow.get();
      }
    }

    /** The task ended: whether it had sent, so that its round trip is a sample. */
    synchronized boolean end() {
      ended = true;
      if (sent) {
        sentNow.decrementAndGet();
      }
      return sent;
    }
  }

  private void sample(long start, int inFlight, Throwable failure) {
    long roundTrip = nanoClock.getAsLong() - start;
    switch (outcome.apply(failure == null ? null : unwrap(failure))) {
      case ANSWERED -> {
        if (roundTrip > 0) {
          limit.onSample(start, roundTrip, inFlight, false);
        }
      }
      // a drop only: a 429 comes back faster than any real answer, and taken as a round trip it would become
      // the limit's idea of an idle service, which then reads every answer as queueing (64 fell to 7 and stayed)
      case OVERLOADED -> limit.onSample(start, Math.max(1, roundTrip), inFlight, true);
      case UNMEASURED -> { }
    }
  }

  private static Throwable unwrap(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof java.util.concurrent.CompletionException
        || cause instanceof java.util.concurrent.ExecutionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  /**
   * A future that completes when the caller holds a slot, which it must give back with
   * {@link #release()}. Cancelling the future stops waiting; a cancelled future holds no slot.
   */
  public CompletableFuture<Void> acquire() {
    CompletableFuture<Void> waiter;
    boolean first;
    synchronized (this) {
      if (inUse < limit.getLimit()) {
        inUse++;
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
    ScheduledFuture<?> timer = AsyncUdfThreads.scheduler().schedule(() -> waiter.completeExceptionally(
        new RejectedExecutionException("no free slot within " + maxWaitName + " (" + maxWait + "): "
            + limitName + " are in use")), maxWait.toNanos(), TimeUnit.NANOSECONDS);
    waiter.whenComplete((granted, failure) -> timer.cancel(false));
    return waiter;
  }

  /**
   * Gives a slot back, and hands the slots the limit now allows to the longest waiting requests, whose
   * continuations then start on the handoff executor (never on the releasing network thread).
   */
  public void release() {
    List<CompletableFuture<Void>> handed = new ArrayList<>(1);
    synchronized (this) {
      inUse--;
      int allowed = limit.getLimit();
      while (inUse < allowed) {
        CompletableFuture<Void> next;
        do {
          next = waiters.poll();
        } while (next != null && next.isDone());
        if (next == null) {
          break;
        }
        inUse++;
        handed.add(next);
      }
    }
    for (CompletableFuture<Void> waiter : handed) {
      handoff.execute(() -> {
        if (!waiter.complete(null)) {
          release();
        }
      });
    }
  }
}
