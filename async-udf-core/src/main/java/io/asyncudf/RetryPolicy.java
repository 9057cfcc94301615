package io.asyncudf;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;

/**
 * When and how often a failed chunk attempt is tried again: at most {@link #maxAttempts()}
 * attempts in all, waiting an exponentially growing, jittered backoff between them, and only for
 * failures the policy {@linkplain #shouldRetry(Throwable) accepts}.
 *
 * <pre>{@code
 * RetryPolicy.attempts(4)
 *     .backoff(Duration.ofMillis(100), Duration.ofSeconds(5))
 *     .retryOn(IOException.class, TimeoutException.class)
 * }</pre>
 *
 * <p>Immutable and serializable; every method returns a new policy. Without {@code retryOn} or
 * {@code retryIf} every failure is retried. A timed-out attempt fails with a
 * {@link java.util.concurrent.TimeoutException}.
 */
public final class RetryPolicy implements Serializable {

  /** A serializable test of whether a failure may be retried. */
  @FunctionalInterface
  public interface FailurePredicate extends Predicate<Throwable>, Serializable {}

  private static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(100);
  private static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(10);
  private static final double DEFAULT_JITTER = 0.5;
  private static final RetryPolicy NONE = new RetryPolicy(1, DEFAULT_INITIAL_BACKOFF, DEFAULT_MAX_BACKOFF, DEFAULT_JITTER, null);

  private final int maxAttempts;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final double jitter;
  private final FailurePredicate retryable;

  private RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, double jitter, FailurePredicate retryable) {
    this.maxAttempts = maxAttempts;
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
    this.jitter = jitter;
    this.retryable = retryable;
  }

  /** One attempt only: failures are final. The default of every UDF. */
  public static RetryPolicy none() {
    return NONE;
  }

  /**
   * Up to {@code maxAttempts} attempts in all (the first one included), retrying every failure.
   *
   * @throws IllegalArgumentException if {@code maxAttempts} is below 1
   */
  public static RetryPolicy attempts(int maxAttempts) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("RetryPolicy.attempts must be at least 1, got " + maxAttempts);
    }
    return new RetryPolicy(maxAttempts, DEFAULT_INITIAL_BACKOFF, DEFAULT_MAX_BACKOFF, DEFAULT_JITTER, null);
  }

  /**
   * Waits {@code initial} before the first retry, doubling up to {@code max} for later ones
   * (defaults 100 ms and 10 s).
   *
   * @throws IllegalArgumentException if {@code initial} is not positive or {@code max} is shorter
   * @throws NullPointerException if either is null
   */
  public RetryPolicy backoff(Duration initial, Duration max) {
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(max, "max");
    if (initial.isNegative() || initial.isZero()) {
      throw new IllegalArgumentException("RetryPolicy.backoff initial delay must be positive, got " + initial);
    }
    if (max.compareTo(initial) < 0) {
      throw new IllegalArgumentException(
          "RetryPolicy.backoff max delay " + max + " is shorter than the initial delay " + initial);
    }
    return new RetryPolicy(maxAttempts, initial, max, jitter, retryable);
  }

  /**
   * Randomizes each delay by up to {@code factor} of itself in either direction (default 0.5), so
   * that tasks retrying together spread out.
   *
   * @throws IllegalArgumentException if {@code factor} is not between 0 and 1
   */
  public RetryPolicy jitter(double factor) {
    if (!(factor >= 0 && factor <= 1)) {
      throw new IllegalArgumentException("RetryPolicy.jitter must be between 0 and 1, got " + factor);
    }
    return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff, factor, retryable);
  }

  /**
   * Retries only failures that are, or are caused by, one of {@code types}; others fail at once.
   *
   * @throws IllegalArgumentException if no type is given
   */
  @SafeVarargs
  public final RetryPolicy retryOn(Class<? extends Throwable>... types) {
    List<Class<? extends Throwable>> accepted = List.of(types);
    if (accepted.isEmpty()) {
      throw new IllegalArgumentException("RetryPolicy.retryOn needs at least one exception type");
    }
    return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff, jitter, new TypeMatch(accepted));
  }

  /**
   * Retries only failures {@code predicate} accepts (it sees the failure with wrappers removed).
   *
   * @throws NullPointerException if {@code predicate} is null
   */
  public RetryPolicy retryIf(FailurePredicate predicate) {
    Objects.requireNonNull(predicate, "predicate");
    return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff, jitter, predicate);
  }

  public int maxAttempts() {
    return maxAttempts;
  }

  public Duration initialBackoff() {
    return initialBackoff;
  }

  public Duration maxBackoff() {
    return maxBackoff;
  }

  public double jitter() {
    return jitter;
  }

  /** Whether a failed attempt with this failure may be retried (attempts left aside). */
  public boolean shouldRetry(Throwable failure) {
    return retryable == null || retryable.test(unwrap(failure));
  }

  /** The failure with {@link CompletionException} and {@link ExecutionException} wrappers removed. */
  public static Throwable unwrap(Throwable failure) {
    Throwable current = failure;
    while ((current instanceof CompletionException || current instanceof ExecutionException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }

  @Override
  public String toString() {
    return "RetryPolicy{maxAttempts=" + maxAttempts + ", backoff=" + initialBackoff + ".." + maxBackoff
        + ", jitter=" + jitter + ", retryOn=" + (retryable == null ? "any failure" : retryable) + "}";
  }

  private record TypeMatch(List<Class<? extends Throwable>> types) implements FailurePredicate {
    @Override
    public boolean test(Throwable failure) {
      for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
        for (Class<? extends Throwable> type : types) {
          if (type.isInstance(cause)) {
            return true;
          }
        }
      }
      return false;
    }

    @Override
    public String toString() {
      return types.stream().map(Class::getSimpleName).toList().toString();
    }
  }
}
