package io.asyncudf.internal.connector;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * One executor's part of a job-wide request budget.
 *
 * @param requestsPerSecond the rate this holder may start requests at
 * @param validFor how long the lease holds; the holder must renew it before then or stop
 * @param pausedFor how long no request may start (a service asked every client to wait), zero if none
 */
public record RateLease(double requestsPerSecond, Duration validFor, Duration pausedFor) implements Serializable {

  public RateLease {
    if (!(requestsPerSecond >= 0)) {
      throw new IllegalArgumentException("requestsPerSecond must not be negative, was " + requestsPerSecond);
    }
    Objects.requireNonNull(validFor, "validFor");
    Objects.requireNonNull(pausedFor, "pausedFor");
  }
}
