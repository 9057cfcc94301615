package io.asyncudf.http;

import com.netflix.concurrency.limits.Limit;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Feeds an adaptive limit (Vegas) one sample per window of finished requests: the window's average round
 * trip, the most requests in flight and whether any was turned away. A window closes once it holds
 * {@value #MIN_SAMPLES} samples and lasted at least twice its fastest round trip (and {@code 50 ms}), or,
 * as soon as {@code 50 ms} passed, when a request in it was turned away. (With 100 ms the ramp from 4 to 64
 * took a second, and a 20,000-row run reached 0.89 of the best static limit instead of 0.92.) Unlike Netflix's
 * {@code WindowedLimit}, which drops a window with fewer than 10 samples, a slow service's windows wait
 * for their samples: at 4 requests in flight and 200 ms a round trip, a window every half second.
 * Overloaded samples count as drops only; their round trips are not averaged.
 */
final class SampleWindows implements Limit {

  static final int MIN_SAMPLES = 10;
  private static final long MIN_WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private final Limit delegate;
  private long windowStart = -1;
  private int samples;
  private long roundTripSum;
  private long fastest = Long.MAX_VALUE;
  private int maxInFlight;
  private boolean dropped;

  SampleWindows(Limit delegate) {
    this.delegate = delegate;
  }

  @Override
  public int getLimit() {
    return delegate.getLimit();
  }

  @Override
  public void notifyOnChange(Consumer<Integer> consumer) {
    delegate.notifyOnChange(consumer);
  }

  @Override
  public synchronized void onSample(long startTime, long roundTrip, int inFlight, boolean didDrop) {
    long end = startTime + roundTrip;
    if (windowStart < 0) {
      windowStart = end;
    }
    if (didDrop) {
      dropped = true;
    } else {
      samples++;
      roundTripSum += roundTrip;
      fastest = Math.min(fastest, roundTrip);
    }
    maxInFlight = Math.max(maxInFlight, inFlight);
    long elapsed = end - windowStart;
    boolean full = samples >= MIN_SAMPLES && elapsed >= Math.max(MIN_WINDOW_NANOS, 2 * fastest);
    if (full || (dropped && elapsed >= MIN_WINDOW_NANOS)) {
      long average = samples == 0 ? Long.MAX_VALUE / 4 : roundTripSum / samples;
      delegate.onSample(windowStart, Math.max(1, average), maxInFlight, dropped);
      windowStart = end;
      samples = 0;
      roundTripSum = 0;
      fastest = Long.MAX_VALUE;
      maxInFlight = 0;
      dropped = false;
    }
  }
}
