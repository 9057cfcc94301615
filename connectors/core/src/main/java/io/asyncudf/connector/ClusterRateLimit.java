package io.asyncudf.connector;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This JVM's share of a job-wide request budget: requests start at the rate of the lease the
 * {@link ClusterCoordinator} grants, spaced evenly, and none starts while the budget is paused.
 *
 * <p>Promises: no request starts without a valid lease; a request waits without a thread, for at most
 * {@code maxQueueWait} (else it fails with a {@link RejectedExecutionException} naming the budget); the
 * lease is renewed every {@link #RENEW_EVERY} while requests come, with the demand of the last
 * period, so the coordinator can share the budget by demand, and lapses when this JVM goes quiet or
 * dies. A {@link #pause(Duration)} holds back new requests here at once and on every other holder at
 * their next renewal.
 */
public final class ClusterRateLimit {

  /** How often a busy holder renews its lease (and learns of pauses). */
  public static final Duration RENEW_EVERY = Duration.ofMillis(250);
  private static final long IDLE_NANOS = Duration.ofSeconds(2).toNanos();
  private static final Logger LOG = LoggerFactory.getLogger(ClusterRateLimit.class);

  private final String budget;
  private final double requestsPerSecond;
  private final long maxQueueWaitNanos;
  private final ClusterCoordinator coordinator;
  private final ScheduledExecutorService scheduler;
  private final LongSupplier nanoClock;
  private final Queue<CompletableFuture<Void>> waitingForLease = new ArrayDeque<>();

  private double grantedRate;
  private long leaseExpires;
  private boolean leased;
  private long pausedUntil;
  private long nextStart;
  private boolean renewing;
  private long periodStart;
  private long startedInPeriod;
  private long lastRequest;

  /**
   * @param budget the budget's name, the same on every executor
   * @param requestsPerSecond the budget for the whole job
   */
  public ClusterRateLimit(String budget, double requestsPerSecond, Duration maxQueueWait, ClusterCoordinator coordinator,
      ScheduledExecutorService scheduler, LongSupplier nanoClock) {
    if (!(requestsPerSecond > 0)) {
      throw new IllegalArgumentException("clusterRequestsPerSecond must be positive, was " + requestsPerSecond);
    }
    this.budget = Objects.requireNonNull(budget, "budget");
    this.requestsPerSecond = requestsPerSecond;
    this.maxQueueWaitNanos = maxQueueWait.toNanos();
    this.coordinator = Objects.requireNonNull(coordinator, "coordinator");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
  }

  /** A limit on the connector threads, its coordinator {@link ClusterCoordinator#current()}. */
  public static ClusterRateLimit create(String budget, double requestsPerSecond, Duration maxQueueWait) {
    return new ClusterRateLimit(budget, requestsPerSecond, maxQueueWait, ClusterCoordinator.current(),
        ConnectorThreads.scheduler(), System::nanoTime);
  }

  /**
   * Completes when one request may start (on the scheduler's thread). Cancelling it gives up the wait.
   * Fails with {@link RejectedExecutionException} when the wait would pass {@code maxQueueWait}, or
   * with the coordinator's failure when no lease can be had.
   */
  public CompletableFuture<Void> acquire() {
    CompletableFuture<Void> permit = new CompletableFuture<>();
    boolean renew;
    long delay;
    synchronized (this) {
      long now = nanoClock.getAsLong();
      lastRequest = now;
      if (!leased || now - leaseExpires >= 0) {
        leased = false;
        waitingForLease.add(permit);
        renew = !renewing;
        renewing = true;
        delay = -1;
      } else {
        renew = !renewing;
        renewing = true;
        delay = reserve(now);
      }
    }
    if (renew) {
      renew();
    }
    if (delay >= 0) {
      startAfter(permit, delay);
    } else if (delay == -2) {
      permit.completeExceptionally(overBudget());
    }
    return permit;
  }

  /** Starts no request of this budget for {@code pause}, here and, from their next renewal, on every holder. */
  public void pause(Duration pause) {
    synchronized (this) {
      pausedUntil = Math.max(pausedUntil, nanoClock.getAsLong() + pause.toNanos());
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

  /** Nanoseconds from {@code now} until the next start, reserving it; -2 when that is past {@code maxQueueWait}. */
  private long reserve(long now) {
    long start = Math.max(now, Math.max(nextStart, pausedUntil));
    if (start - now > maxQueueWaitNanos) {
      return -2;
    }
    startedInPeriod++;
    nextStart = start + (long) (1_000_000_000d / Math.max(grantedRate, 1e-3));
    return start - now;
  }

  private void startAfter(CompletableFuture<Void> permit, long delayNanos) {
    if (delayNanos == 0) {
      permit.complete(null);
    } else {
      var timer = scheduler.schedule(() -> permit.complete(null), delayNanos, TimeUnit.NANOSECONDS);
      permit.whenComplete((done, failure) -> timer.cancel(false));
    }
  }

  private void renew() {
    double demand;
    synchronized (this) {
      long now = nanoClock.getAsLong();
      double seconds = (now - periodStart) / 1e9;
      demand = !leased || seconds <= 0 ? requestsPerSecond
          : (startedInPeriod + waitingForLease.size() + Math.max(0, nextStart - now) * grantedRate / 1e9) / seconds;
      periodStart = now;
      startedInPeriod = 0;
    }
    CompletableFuture<RateLease> lease;
    try {
      lease = coordinator.lease(budget, requestsPerSecond, demand).toCompletableFuture();
    } catch (RuntimeException e) {
      lease = CompletableFuture.failedFuture(e);
    }
    lease.whenComplete(this::leased);
  }

  private void leased(RateLease lease, Throwable failure) {
    List<CompletableFuture<Void>> waiting;
    List<Long> delays = new ArrayList<>();
    boolean again;
    synchronized (this) {
      long now = nanoClock.getAsLong();
      waiting = new ArrayList<>(waitingForLease);
      waitingForLease.clear();
      if (failure == null) {
        grantedRate = lease.requestsPerSecond();
        leaseExpires = now + lease.validFor().toNanos();
        leased = true;
        if (!lease.pausedFor().isZero()) {
          pausedUntil = Math.max(pausedUntil, now + lease.pausedFor().toNanos());
        }
        for (int i = 0; i < waiting.size(); i++) {
          delays.add(reserve(now));
        }
      }
      again = failure == null && now - lastRequest < IDLE_NANOS;
      renewing = again;
    }
    if (failure != null) {
      RuntimeException cause = new IllegalStateException("no lease on cluster budget " + budget + " ("
          + requestsPerSecond + " clusterRequestsPerSecond): " + Futures.unwrap(failure).getMessage(), Futures.unwrap(failure));
      waiting.forEach(permit -> permit.completeExceptionally(cause));
      return;
    }
    for (int i = 0; i < waiting.size(); i++) {
      long delay = delays.get(i);
      if (delay == -2) {
        waiting.get(i).completeExceptionally(overBudget());
      } else {
        startAfter(waiting.get(i), delay);
      }
    }
    if (again) {
      scheduler.schedule(this::renew, RENEW_EVERY.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  private RejectedExecutionException overBudget() {
    return new RejectedExecutionException("cluster budget " + budget + " (" + requestsPerSecond
        + " clusterRequestsPerSecond, this executor's share " + String.format(java.util.Locale.ROOT, "%.1f", grantedRate)
        + "/s) would hold the request longer than maxQueueWait (" + Duration.ofNanos(maxQueueWaitNanos) + ")");
  }

  @Override
  public String toString() {
    return "ClusterRateLimit[" + budget + ", " + requestsPerSecond + "/s]";
  }
}
