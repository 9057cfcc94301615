package io.asyncudf.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncudf.internal.connector.InFlightLimit;
import java.time.Duration;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The adaptive limit against a simulated service on a virtual clock: every request's completion comes
 * at the time the service model says, in that order, so the run is the same every time (no sleeps, no
 * threads of its own).
 */
class AdaptiveInFlightTest {

  /** Requests the service answers in {@link #BASE_MILLIS} at once; beyond it answers slow in proportion. */
  private static final int CAPACITY = 64;
  private static final long BASE_MILLIS = 20;

  /**
   * A service that answers in 20 ms up to {@code CAPACITY} requests in flight, slows in proportion beyond
   * that (it serves {@code CAPACITY} at a time), and answers 429 in 5 ms beyond twice that; a client
   * that always has {@code demand} requests waiting to go.
   */
  private static final class Simulation {
    private record Answer(long at, long sequence, CompletableFuture<Void> future, boolean tooMany) {}

    final AtomicLong now = new AtomicLong(1);
    final InFlightLimit limit;
    final PriorityQueue<Answer> answers = new PriorityQueue<>(
        (a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.sequence, b.sequence));
    long sequence;
    int atService;
    long ok;
    long tooMany;

    final int capacity;
    final long baseMillis;

    Simulation(int capacity, AdaptiveInFlight adaptive, int ceiling) {
      this(capacity, BASE_MILLIS, adaptive, ceiling);
    }

    Simulation(int capacity, long baseMillis, AdaptiveInFlight adaptive, int ceiling) {
      this.capacity = capacity;
      this.baseMillis = baseMillis;
      limit = new InFlightLimit(adaptive.newLimit(ceiling), "adaptive", Duration.ofDays(1), Runnable::run,
          now::get, HttpConnector::outcome, () -> {});
    }

    void send() {
      limit.run(() -> {
        atService++;
        CompletableFuture<Void> future = new CompletableFuture<>();
        boolean overloaded = atService > 2 * capacity;
        long millis = overloaded ? 5 : Math.max(baseMillis, baseMillis * atService / capacity);
        answers.add(new Answer(now.get() + TimeUnit.MILLISECONDS.toNanos(millis), sequence++, future, overloaded));
        return future;
      });
    }

    /** Runs until {@code until} on the virtual clock; each answered request is replaced by a new one. */
    void runUntil(long untilNanos) {
      while (!answers.isEmpty() && answers.peek().at <= untilNanos) {
        Answer answer = answers.poll();
        now.set(answer.at);
        atService--;
        if (answer.tooMany) {
          tooMany++;
          answer.future.completeExceptionally(new HttpStatusException(429, "GET /", 1, "", null));
        } else {
          ok++;
          answer.future.complete(null);
        }
        send();
      }
      now.set(untilNanos);
    }
  }

  @Test
  void settlesNearTheServiceCapacityWithoutTooManyRequestsAndAtItsThroughput() {
    Simulation service = new Simulation(CAPACITY, AdaptiveInFlight.defaults(), 1024);
    for (int i = 0; i < 1024; i++) {
      service.send(); // four tasks of 256 rows in flight each: far more than the service can take
    }
    long second = TimeUnit.SECONDS.toNanos(1);
    service.runUntil(10 * second);
    long okBefore = service.ok;
    long tooManyBefore = service.tooMany;
    int lowest = Integer.MAX_VALUE;
    int highest = 0;
    for (int step = 1; step <= 200; step++) { // 20 more seconds, looked at every 100 ms
      service.runUntil(10 * second + step * second / 10);
      lowest = Math.min(lowest, service.limit.limit());
      highest = Math.max(highest, service.limit.limit());
    }
    long answered = service.ok - okBefore;
    long rejected = service.tooMany - tooManyBefore;

    assertThat(lowest).as("the settled limit, lowest").isGreaterThanOrEqualTo((int) (CAPACITY * 0.75));
    assertThat(highest).as("the settled limit, highest").isLessThanOrEqualTo((int) (CAPACITY * 1.25));
    assertThat(rejected).as("429 answers").isLessThan((answered + rejected) / 100);
    double perSecond = answered / 20.0;
    double best = CAPACITY * 1000.0 / BASE_MILLIS; // what a static limit of CAPACITY gets
    assertThat(perSecond / best).as("throughput against the best static limit").isGreaterThanOrEqualTo(0.9);
  }

  @Test
  void fromTheDefaultStartASmallServiceIsFoundWithoutA429() {
    int capacity = 8;
    Simulation service = new Simulation(capacity, AdaptiveInFlight.defaults(), 1024);
    for (int i = 0; i < 256; i++) {
      service.send();
    }
    service.runUntil(TimeUnit.SECONDS.toNanos(10));
    assertThat(service.limit.limit()).as("the idle round trip seen first: at most 6 above the capacity")
        .isBetween(capacity, capacity + 6);
    assertThat(service.tooMany).isZero();
  }

  @Test
  void aSlowServiceIsFoundToo() {
    int capacity = 32;
    Simulation service = new Simulation(capacity, 250, AdaptiveInFlight.defaults(), 1024);
    for (int i = 0; i < 512; i++) {
      service.send();
    }
    service.runUntil(TimeUnit.SECONDS.toNanos(60));
    assertThat(service.limit.limit()).as("from 4, against answers of 250 ms").isBetween(capacity * 3 / 4,
        capacity * 5 / 4);
    assertThat(service.tooMany).isZero();
  }

  @Test
  void neverExceedsItsCeiling() {
    Simulation service = new Simulation(CAPACITY, new AdaptiveInFlight(8), 16);
    for (int i = 0; i < 200; i++) {
      service.send();
    }
    int highest = 0;
    for (int step = 1; step <= 100; step++) {
      service.runUntil(step * TimeUnit.MILLISECONDS.toNanos(100));
      highest = Math.max(highest, service.limit.limit());
      assertThat(service.limit.inUse()).isLessThanOrEqualTo(16);
    }
    assertThat(highest).as("rose to the ceiling, the service being faster than it").isEqualTo(16);
  }

  @Test
  void aServiceTurningAwayTheInitialLimitBringsItDownAndItSettles() {
    int capacity = 8; // 429 beyond 16 in flight: an initial 20 is too many
    Simulation service = new Simulation(capacity, new AdaptiveInFlight(20), 1024);
    for (int i = 0; i < 256; i++) {
      service.send();
    }
    service.runUntil(TimeUnit.SECONDS.toNanos(2));
    assertThat(service.tooMany).as("the first answers were 429").isPositive();
    assertThat(service.limit.limit()).as("within 2 s").isLessThanOrEqualTo(2 * capacity);
    long tooMany = service.tooMany;

    service.runUntil(TimeUnit.SECONDS.toNanos(15));
    assertThat(service.limit.limit()).as("settled below where the service turns requests away")
        .isBetween(capacity, 2 * capacity);
    assertThat(service.tooMany).as("no 429 once it came down").isEqualTo(tooMany);
  }

  @Test
  void anInitialLimitBelowOneIsRefused() {
    assertThatThrownBy(() -> new AdaptiveInFlight(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("initialLimit must be at least 1, was 0");
  }
}
