package io.asyncudf.http;

import java.io.Serializable;
import java.time.Duration;

/**
 * Request-level retries done by the connector: on connect errors, connection resets, timeouts,
 * 502/503/504 and 429. The wait before retry {@code n} is a random duration between zero and
 * {@code min(maxBackoff, initialBackoff × 2^(n-1))} ("full jitter"); when the server sent
 * {@code Retry-After} (seconds or HTTP-date) the wait is at least that, capped at
 * {@code maxRetryAfter} — a longer {@code Retry-After} ends the retries.
 *
 * @param maxAttempts attempts per request including the first; 1 disables retries
 * @param initialBackoff backoff cap of the first retry
 * @param maxBackoff largest backoff cap
 * @param maxRetryAfter the longest {@code Retry-After} honoured
 */
public record HttpRetrySettings(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration maxRetryAfter)
    implements Serializable {

  /** 4 attempts, backoff from 100 ms up to 5 s, {@code Retry-After} honoured up to 60 s. */
  public static HttpRetrySettings defaults() {
    return new HttpRetrySettings(4, Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofSeconds(60));
  }

  /** One attempt per request. */
  public static HttpRetrySettings none() {
    return new HttpRetrySettings(1, Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofSeconds(60));
  }

  public HttpRetrySettings {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("retry maxAttempts must be at least 1, was " + maxAttempts);
    }
    requirePositive("retry initialBackoff", initialBackoff);
    requirePositive("retry maxBackoff", maxBackoff);
    if (maxRetryAfter == null || maxRetryAfter.isNegative()) {
      throw new IllegalArgumentException("retry maxRetryAfter must be zero or positive, was " + maxRetryAfter);
    }
  }

  /** Same settings with {@code maxAttempts}. */
  public HttpRetrySettings withMaxAttempts(int attempts) {
    return new HttpRetrySettings(attempts, initialBackoff, maxBackoff, maxRetryAfter);
  }

  /** Same settings with another backoff range. */
  public HttpRetrySettings withBackoff(Duration initial, Duration max) {
    return new HttpRetrySettings(maxAttempts, initial, max, maxRetryAfter);
  }

  /** Same settings with another {@code Retry-After} cap. */
  public HttpRetrySettings withMaxRetryAfter(Duration max) {
    return new HttpRetrySettings(maxAttempts, initialBackoff, maxBackoff, max);
  }

  static void requirePositive(String option, Duration value) {
    if (value == null || value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(option + " must be positive, was " + value);
    }
  }
}
