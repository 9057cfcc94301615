package io.asyncudf.internal.connector;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This JVM's share of a job-wide request budget: requests start at the rate of the lease the
 * {@link ClusterCoordinator} grants, evenly spaced, first come first served, and none starts while
 * the budget is paused or no lease is held.
 *
 * <p>Promises: a request waits in a queue without a thread, and one that has waited longer than
 * {@code maxQueueWait} fails with a {@link RejectedExecutionException} naming the budget, without
 * being sent (the share can change at every renewal, so the wait is measured, not predicted). Waiting requests are let go at the rate in force when
 * their turn comes, so a larger or smaller lease applies at once. The lease is renewed every
 * {@link #RENEW_EVERY} while requests come, reporting the demand (requests started and waiting), so
 * the coordinator can share the budget by demand; it lapses when this JVM goes quiet or dies. A
 * {@link #pause(Duration)} holds back new requests here at once and on every other holder from its
 * next renewal.
 */
public final class ClusterRateLimit {

  /** How often a busy holder renews its lease (and learns of pauses). */
  public static final Duration RENEW_EVERY = Duration.ofMillis(250);
  private static final long IDLE_NANOS = Duration.ofSeconds(2).toNanos();
  private static final Logger LOG = LoggerFactory.getLogger(ClusterRateLimit.class);

  private final String budget;
  private final double requestsPerSecond;
  private final Duration maxQueueWait;
  private final ClusterCoordinator coordinator;
  private final ScheduledExecutorService scheduler;
  private final LongSupplier nanoClock;
  private final Queue<Waiter> waiting = new ArrayDeque<>();

  private double grantedRate;
  private long leaseExpires;
  private boolean leased;
  private long pausedUntil;
  private long lastStart;
  private boolean anyStarted;
  private ScheduledFuture<?> release;
  private long releaseGeneration;
  private boolean renewing;
  private long periodStart;
  private long startedInPeriod;
  private long lastRequest;

  /**
   * @param budget the budget's name, the same on every executor
   * @param requestsPerSecond the budget for the whole job
   * @param maxQueueWait the longest a request may wait for its turn
   */
  public ClusterRateLimit(String budget, double requestsPerSecond, Duration maxQueueWait, ClusterCoordinator coordinator,
      ScheduledExecutorService scheduler, LongSupplier nanoClock) {
    if (!(requestsPerSecond > 0) || Double.isInfinite(requestsPerSecond)) {
      throw new IllegalArgumentException("clusterRequestsPerSecond must be positive, was " + requestsPerSecond);
    }
    this.budget = Objects.requireNonNull(budget, "budget");
    this.requestsPerSecond = requestsPerSecond;
    this.maxQueueWait = Objects.requireNonNull(maxQueueWait, "maxQueueWait");
    this.coordinator = Objects.requireNonNull(coordinator, "coordinator");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    this.pausedUntil = nanoClock.getAsLong(); // not 0: a nanosecond clock may read negative
  }

  /** A limit on the connector threads, its coordinator {@link ClusterCoordinator#current()}. */
  public static ClusterRateLimit create(String budget, double requestsPerSecond, Duration maxQueueWait) {
    return new ClusterRateLimit(budget, requestsPerSecond, maxQueueWait, ClusterCoordinator.current(),
        AsyncUdfThreads.scheduler(), System::nanoTime);
  }

  /**
   * Completes when one request may start (on the scheduler's thread, or at once on the caller's).
   * Cancelling it gives up the place in the queue. Fails with {@link RejectedExecutionException} once
   * it has waited longer than {@code maxQueueWait}, or with the coordinator's failure when no lease can be had.
   */
  public CompletableFuture<Void> acquire() {
    CompletableFuture<Void> permit = new CompletableFuture<>();
    boolean renew;
    synchronized (this) {
      long now = nanoClock.getAsLong();
      lastRequest = now;
      waiting.add(new Waiter(permit, now));
      renew = !renewing;
      renewing = true;
    }
    if (renew) {
      renew();
    } else {
      releaseDue();
    }
    return permit;
  }

  /**
   * Starts no request of this budget for {@code pause}, here and, from their next renewal, on every holder. The
   * driver is told only of a pause that ends more than a tenth of it after the one in force here: a storm of 429s
   * would otherwise send it one per answer.
   */
  public void pause(Duration pause) {
    boolean longer; // than the pause in force, by more than a tenth of this one
    synchronized (this) {
      long until = nanoClock.getAsLong() + pause.toNanos();
      longer = until - pausedUntil > pause.toNanos() / 10;
      pausedUntil = Math.max(pausedUntil, until);
    }
    if (!longer) {
      return;
    }
    coordinator.pause(budget, pause).whenComplete((done, failure) -> {
      if (failure != null) {
        LOG.warn("could not pause cluster budget {} on the other executors: {}", budget, failure.toString());
      }
    });
  }

  /** The rate of the current lease, 0 when none is held. */
  public synchronized double grantedRate() {
    return leased ? grantedRate : 0;
  }

  /**
   * Refuses the requests that have waited longer than {@code maxQueueWait} (the oldest are at the
   * head), lets go those whose turn has come, and sets a timer for the next turn.
   */
  private void releaseDue() {
    List<CompletableFuture<Void>> due = new ArrayList<>();
    List<CompletableFuture<Void>> late = new ArrayList<>();
    RejectedExecutionException refusal = null;
    synchronized (this) {
      long now = nanoClock.getAsLong();
      while (!waiting.isEmpty() && now - waiting.peek().since() > maxQueueWait.toNanos()) {
        late.add(waiting.poll().permit());
      }
      if (!late.isEmpty()) {
        refusal = overBudget(late.size());
      }
      if (leased && now - leaseExpires >= 0) {
        leased = false;
      }
      if (!leased || grantedRate <= 0) {
        scheduleRelease(now + RENEW_EVERY.toNanos(), now); // to refuse late requests even without a lease
      } else {
        releaseTurns(now, due);
      }
    }
    fail(late, refusal);
    due.forEach(permit -> permit.complete(null));
  }

  /** Takes the waiting requests whose turn has come into {@code due}; call holding the lock. */
  private void releaseTurns(long now, List<CompletableFuture<Void>> due) {
    // the next turn counts from the last start at the rate in force now; at most one turn of credit builds up
    long interval = (long) (1_000_000_000d / grantedRate);
    long turn = Math.max(anyStarted ? lastStart + interval : now, pausedUntil);
    while (!waiting.isEmpty() && turn - now <= 0) {
      CompletableFuture<Void> permit = waiting.poll().permit();
      if (!permit.isDone()) {
        due.add(permit);
        startedInPeriod++;
        anyStarted = true;
        lastStart = Math.max(turn, now - interval);
        turn = lastStart + interval;
      }
    }
    scheduleRelease(turn, now);
  }

  /** Sets the release timer for {@code at} unless one is set or nothing waits; call holding the lock. */
  private void scheduleRelease(long at, long now) {
    if (!waiting.isEmpty() && release == null) {
      long generation = ++releaseGeneration;
      release = scheduler.schedule(() -> {
        synchronized (this) {
          if (generation != releaseGeneration) {
            return; // replaced (a new lease came) while this one waited for the lock
          }
          release = null;
        }
        releaseDue();
      }, Math.max(0, at - now), TimeUnit.NANOSECONDS);
    }
  }

  private static void fail(List<CompletableFuture<Void>> permits, RejectedExecutionException refusal) {
    permits.forEach(permit -> permit.completeExceptionally(refusal));
  }

  private void renew() {
    double demand;
    long asked;
    synchronized (this) {
      long now = nanoClock.getAsLong();
      asked = now;
      double seconds = (now - periodStart) / 1e9;
      demand = periodStart == 0 || seconds <= 0 ? requestsPerSecond : (startedInPeriod + waiting.size()) / seconds;
      periodStart = now;
      startedInPeriod = 0;
    }
    CompletableFuture<RateLease> lease;
    try {
      lease = coordinator.lease(budget, requestsPerSecond, demand).toCompletableFuture();
    } catch (RuntimeException e) {
      lease = CompletableFuture.failedFuture(e);
    }
    lease.whenComplete((granted, failure) -> leased(granted, failure, asked));
  }

  /**
   * A lease's reply to the request made at {@code asked}. Its time counts from then, as the driver dates it from
   * when it took the request: a reply that took long (a driver's GC pause) must not stretch the share past the
   * time the driver gives it to others.
   */
  private void leased(RateLease lease, Throwable failure, long asked) {
    List<CompletableFuture<Void>> refused = List.of();
    boolean again;
    synchronized (this) {
      long now = nanoClock.getAsLong();
      if (failure == null) {
        grantedRate = lease.requestsPerSecond();
        leaseExpires = asked + lease.validFor().toNanos();
        leased = true;
        if (!lease.pausedFor().isZero()) {
          pausedUntil = Math.max(pausedUntil, now + lease.pausedFor().toNanos());
        }
        if (release != null) {
          release.cancel(false); // the rate may have changed: the next turn is computed again below
          release = null;
          releaseGeneration++;
        }
      } else if (!leased || now - leaseExpires >= 0) {
        refused = waiting.stream().map(Waiter::permit).toList();
        waiting.clear();
      }
      // requests still waiting keep the lease alive even when no new one has come for a while
      again = !waiting.isEmpty() || now - lastRequest < IDLE_NANOS;
      renewing = again;
    }
    if (failure != null) {
      Throwable cause = Futures.unwrap(failure);
      RuntimeException error = new IllegalStateException("no lease on cluster budget " + budget + " ("
          + requestsPerSecond + " clusterRequestsPerSecond): " + cause.getMessage(), cause);
      refused.forEach(permit -> permit.completeExceptionally(error));
    }
    releaseDue();
    if (again) {
      scheduler.schedule(this::renew, RENEW_EVERY.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  private RejectedExecutionException overBudget(int requests) {
    return new RejectedExecutionException(String.format(Locale.ROOT, "cluster budget %s (%s clusterRequestsPerSecond,"
        + " this executor's share %.1f/s): %d requests waited longer than maxQueueWait (%s) and were not sent; %d wait",
        budget, requestsPerSecond, leased ? grantedRate : 0, requests, maxQueueWait, waiting.size()));
  }

  private record Waiter(CompletableFuture<Void> permit, long since) {}

  @Override
  public String toString() {
    return "ClusterRateLimit[" + budget + ", " + requestsPerSecond + "/s]";
  }
}
