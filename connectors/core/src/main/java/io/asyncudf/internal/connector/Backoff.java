package io.asyncudf.internal.connector;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** The connectors' wait before a retry: "full jitter" exponential backoff. */
public final class Backoff {

  private Backoff() {}

  /**
   * A random duration between zero and {@code min(max, initial × 2^(failedAttempt-1))}.
   *
   * @param failedAttempt the attempt that failed, 1-based
   */
  public static Duration fullJitter(Duration initial, Duration max, int failedAttempt) {
    long cap = Math.min(max.toMillis(), initial.toMillis() << Math.min(failedAttempt - 1, 30));
    return Duration.ofMillis(ThreadLocalRandom.current().nextLong(cap + 1));
  }
}
