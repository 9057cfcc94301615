package io.asyncudf.http;

import com.netflix.concurrency.limits.Limit;
import com.netflix.concurrency.limits.limit.VegasLimit;
import java.io.Serializable;

/**
 * An in-flight limit that finds the service's capacity instead of being guessed: TCP Vegas as Netflix's
 * concurrency-limits implements it (and as Envoy's adaptive concurrency does in spirit). Every finished
 * request is a sample of its round trip; each window of samples (at least 10 samples and {@code 50 ms},
 * see {@link SampleWindows}) compares the window's average round trip with the least seen. While the service answers as fast as when
 * idle the limit rises; when requests queue at the service (round trips grow with the requests in
 * flight) it falls back by a tenth a window, and so it does at once when a window saw a 429 or 503 answer or a
 * timed-out attempt.
 * It settles a few requests above the concurrency the service can serve without queueing: 3 to 6 more (12 to
 * 24 at a thousand), that is within a quarter of it from about 24 up. The limit is
 * shared by every task of the executor JVM that uses the client, never exceeds {@code maxInFlight} (the
 * ceiling), and never falls below 1. With {@code clusterRequestsPerSecond}, the job-wide budget still
 * applies on top of it.
 *
 * @param initialLimit requests in flight allowed before anything was measured
 */
public record AdaptiveInFlight(int initialLimit) implements Serializable {

  /**
   * The initial limit of {@link #defaults()}: low, so that the first windows see the service unloaded (Vegas
   * takes the fastest round trip it saw for the idle service's; started at 20 against a service serving 8 at
   * a time, it never saw one and settled at 16, twice the capacity). It rises by 6 a window while round
   * trips stay at the idle value: 4 to 64 in about a second.
   */
  public static final int DEFAULT_INITIAL_LIMIT = 4;

  /** Vegas probes after 0.5 to 1 times this many windows per unit of the limit (its default is 30). */
  private static final int PROBE_MULTIPLIER = 1_000;

  /**
   * @throws IllegalArgumentException if {@code initialLimit} is below 1
   */
  public AdaptiveInFlight {
    if (initialLimit < 1) {
      throw new IllegalArgumentException("the adaptive in-flight limit's initialLimit must be at least 1, was "
          + initialLimit);
    }
  }

  /** Starts at {@value #DEFAULT_INITIAL_LIMIT} requests in flight. */
  public static AdaptiveInFlight defaults() {
    return new AdaptiveInFlight(DEFAULT_INITIAL_LIMIT);
  }

  /** A new limit of this kind, at most {@code ceiling}. */
  Limit newLimit(int ceiling) {
    VegasLimit vegas = VegasLimit.newBuilder()
        .initialLimit(Math.min(initialLimit, ceiling))
        .maxConcurrency(ceiling)
        // Vegas's own step down is log10(limit) a window: from 400 to 80 under a 429 storm took 13 s
        .decreaseFunction(limit -> Math.min(limit - Math.max(1, Math.floor(Math.log10(limit))), limit * 0.9))
        // Vegas re-measures the idle round trip every 15-30 x limit windows by default; measured under load it
        // takes the queueing delay for the idle round trip and the limit overshoots into a burst of 429s (a
        // simulated service of capacity 8 got 107 in 10 s, one run in eight): probe rarely
        .probeMultiplier(PROBE_MULTIPLIER)
        .build();
    return new SampleWindows(vegas);
  }
}
