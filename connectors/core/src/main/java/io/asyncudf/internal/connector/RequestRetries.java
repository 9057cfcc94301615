package io.asyncudf.internal.connector;

import io.asyncudf.connector.RequestScope;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one retry loop of every connector: runs a request's attempts one after another until one
 * succeeds, the {@link Rules} refuse a failure, or {@code maxAttempts} are used, waiting the rules'
 * delay between attempts on the connector scheduler (no thread waits). Each retry is reported to
 * the request's {@link RequestScope}.
 *
 * <p>Promises: the returned future fails with the last attempt's failure, wrappers removed.
 * Cancelling it cancels the running attempt or the pending wait, and no further attempt starts; no
 * attempt starts either once the scope {@linkplain RequestScope#isEnded() has ended} (the future is
 * then cancelled).
 * Immutable and thread-safe; build one per connector, not per request.
 */
public final class RequestRetries {

  /** Which failed attempts a connector retries, and after how long. */
  public interface Rules {

    /** Whether an attempt that failed with {@code failure} (wrappers removed) may be tried again. */
    boolean isRetryable(Throwable failure);

    /** The wait before the attempt after {@code failedAttempt} (1-based). */
    Duration delayAfter(int failedAttempt, Throwable failure);
  }

  private static final Logger LOG = LoggerFactory.getLogger(RequestRetries.class);

  private final int maxAttempts;
  private final ScheduledExecutorService scheduler;

  /** Retries on the connector scheduler. */
  public RequestRetries(int maxAttempts) {
    this(maxAttempts, AsyncUdfThreads.scheduler());
  }

  /**
   * Retries on {@code scheduler} (tests pass one they control).
   *
   * @throws IllegalArgumentException if {@code maxAttempts} is below 1
   */
  public RequestRetries(int maxAttempts, ScheduledExecutorService scheduler) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
    }
    this.maxAttempts = maxAttempts;
    this.scheduler = scheduler;
  }

  public int maxAttempts() {
    return maxAttempts;
  }

  /**
   * Runs {@code attempt} (given the 1-based attempt number) until it succeeds or may not be retried.
   *
   * @param scope where retries are reported
   * @param request the request without secrets, for reports and logs; only called when a retry happens
   */
  public <T> CompletableFuture<T> run(RequestScope scope, Supplier<String> request, Rules rules,
      IntFunction<CompletableFuture<T>> attempt) {
    Execution<T> execution = new Execution<>(RequestScope.orNone(scope), request, rules, attempt);
    execution.start(1);
    return execution.result;
  }

  private final class Execution<T> {
    private final CompletableFuture<T> result = new CompletableFuture<>();
    private final RequestScope scope;
    private final Supplier<String> request;
    private final Rules rules;
    private final IntFunction<CompletableFuture<T>> attempt;
    /** The running attempt or the pending wait before the next one. */
    private final AtomicReference<Future<?>> current = new AtomicReference<>();

    Execution(RequestScope scope, Supplier<String> request, Rules rules, IntFunction<CompletableFuture<T>> attempt) {
      this.scope = scope;
      this.request = request;
      this.rules = rules;
      this.attempt = attempt;
      result.whenComplete((value, failure) -> {
        Future<?> running = current.get();
        if (result.isCancelled() && running != null) {
          running.cancel(false);
        }
      });
    }

    void start(int number) {
      if (result.isDone()) {
        return;
      }
      if (scope.isEnded()) {
        result.cancel(false);
        return;
      }
      CompletableFuture<T> running;
      try {
        running = attempt.apply(number);
      } catch (RuntimeException | Error e) {
        running = CompletableFuture.failedFuture(e);
      }
      current.set(running);
      if (result.isCancelled()) {
        running.cancel(false);
        return;
      }
      running.whenComplete((value, failure) -> {
        if (failure == null) {
          result.complete(value);
          return;
        }
        try {
          failed(number, Futures.unwrap(failure));
        } catch (RuntimeException | Error e) {
          result.completeExceptionally(e);
        }
      });
    }

    private void failed(int number, Throwable failure) {
      if (result.isDone()) {
        return;
      }
      if (number >= maxAttempts || !rules.isRetryable(failure)) {
        result.completeExceptionally(failure);
        return;
      }
      Duration delay = rules.delayAfter(number, failure);
      String description = request.get();
      LOG.debug("retrying {} after attempt {} in {} ms: {}", description, number, delay.toMillis(), failure.toString());
      RequestReports.of(scope).requestRetried(description, number, failure, delay);
      Future<?> failedAttempt = current.get();
      Future<?> wait = scheduler.schedule(() -> start(number + 1), Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
      // a short wait may have started the next attempt already: that one stays the attempt a cancel reaches
      current.compareAndSet(failedAttempt, wait);
      if (result.isCancelled()) {
        current.get().cancel(false);
      }
    }
  }
}
