package io.asyncudf.internal.connector;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

class ClusterRateLimitTest {

  /** A coordinator whose lease answers the test gives, one request at a time. */
  static final class ScriptedCoordinator implements ClusterCoordinator {
    final List<Double> demands = new ArrayList<>();
    final List<CompletableFuture<RateLease>> leases = new ArrayList<>();
    final List<Duration> pauses = new ArrayList<>();
    Duration validFor = Duration.ofHours(1); // tests of lapsing leases shorten it

    @Override
    public synchronized CompletionStage<RateLease> lease(String budget, double requestsPerSecond, double demand) {
      demands.add(demand);
      CompletableFuture<RateLease> lease = new CompletableFuture<>();
      leases.add(lease);
      return lease;
    }

    @Override
    public synchronized CompletionStage<Void> pause(String budget, Duration pause) {
      pauses.add(pause);
      return CompletableFuture.completedFuture(null);
    }

    void grant(double rate) {
      grant(rate, Duration.ZERO);
    }

    void grant(double rate, Duration paused) {
      CompletableFuture<RateLease> last;
      synchronized (this) {
        last = leases.get(leases.size() - 1);
      }
      last.complete(new RateLease(rate, validFor, paused));
    }
  }

  private final VirtualTimeScheduler time = new VirtualTimeScheduler();
  private final ScriptedCoordinator coordinator = new ScriptedCoordinator();
  private final ClusterRateLimit limit = new ClusterRateLimit("service at 100/s", 100, Duration.ofSeconds(5), coordinator,
      time, time::nanos);

  private List<CompletableFuture<Void>> acquire(int requests) {
    List<CompletableFuture<Void>> permits = new ArrayList<>();
    for (int i = 0; i < requests; i++) {
      permits.add(limit.acquire());
    }
    return permits;
  }

  private static long started(List<CompletableFuture<Void>> permits) {
    return permits.stream().filter(permit -> permit.isDone() && !permit.isCompletedExceptionally()).count();
  }

  @Test
  void noRequestStartsBeforeALeaseThenTheyStartEvenlyAtItsRate() {
    List<CompletableFuture<Void>> permits = acquire(10);

    assertThat(started(permits)).isZero();
    assertThat(coordinator.demands).containsExactly(100.0);

    coordinator.grant(10);
    assertThat(started(permits)).isEqualTo(1);
    time.advance(Duration.ofMillis(99));
    assertThat(started(permits)).isEqualTo(1);
    time.advance(Duration.ofMillis(1));
    assertThat(started(permits)).isEqualTo(2);
    time.advance(Duration.ofMillis(500));
    assertThat(started(permits)).isEqualTo(7);
  }

  @Test
  void aLeaseLastsFromWhenItWasAskedForNotFromWhenTheReplyCame() {
    coordinator.validFor = Duration.ofSeconds(1);
    List<CompletableFuture<Void>> permits = acquire(100);
    time.advance(Duration.ofMillis(800)); // the driver's reply takes 0.8 s; the renewals it asks for meanwhile stay open

    coordinator.leases.get(0).complete(new RateLease(10, coordinator.validFor, Duration.ZERO));
    time.advance(Duration.ofMillis(700));

    // turns at 0.8 and 0.9 s; at 1.0 s the share is the driver's to give again (it was asked for at 0)
    assertThat(started(permits)).isEqualTo(2);
  }

  @Test
  void aRenewedLeaseWithAnotherRateAppliesToTheRequestsAlreadyWaiting() {
    List<CompletableFuture<Void>> permits = acquire(40);
    coordinator.grant(10);
    time.advance(Duration.ofMillis(250)); // renewal is due: 3 started, 37 waiting in 0.25 s
    assertThat(started(permits)).isEqualTo(3);
    assertThat(coordinator.demands).hasSize(2);
    assertThat(coordinator.demands.get(1)).isEqualTo((3 + 37) / 0.25);

    coordinator.grant(40);
    time.advance(Duration.ofMillis(250));

    // at 40/s from the last start (t=200 ms): turns at 225, 250, ..., 500 ms
    assertThat(started(permits)).isEqualTo(3 + 12);
  }

  @Test
  void aPauseHoldsEveryRequestBackUntilItEnds() {
    List<CompletableFuture<Void>> permits = acquire(5);
    coordinator.grant(100);
    assertThat(started(permits)).isEqualTo(1);

    limit.pause(Duration.ofSeconds(2));
    time.advance(Duration.ofMillis(1_999));
    assertThat(started(permits)).isEqualTo(1);
    assertThat(coordinator.pauses).containsExactly(Duration.ofSeconds(2));

    time.advance(Duration.ofMillis(1));
    assertThat(started(permits)).isEqualTo(2);
  }

  @Test
  void aStormOf429sTellsTheDriverOnlyThePausesThatExtendTheCurrentOne() {
    for (int answer = 0; answer < 100; answer++) { // 100 answers of 429 with Retry-After: 2 within 99 ms
      limit.pause(Duration.ofSeconds(2));
      time.advance(Duration.ofMillis(1));
    }
    assertThat(coordinator.pauses).containsExactly(Duration.ofSeconds(2));

    time.advance(Duration.ofMillis(250)); // 350 ms after the first: 0.25 s beyond the pause in force, a tenth is 0.2 s
    limit.pause(Duration.ofSeconds(2));
    assertThat(coordinator.pauses).hasSize(2);
  }

  @Test
  void aPauseAnotherExecutorSawArrivesWithTheNextLease() {
    List<CompletableFuture<Void>> permits = acquire(100);
    coordinator.grant(100);
    time.advance(Duration.ofMillis(250));
    long before = started(permits);

    coordinator.grant(100, Duration.ofSeconds(2));
    time.advance(Duration.ofMillis(1_990));
    assertThat(started(permits)).isEqualTo(before);
    time.advance(Duration.ofMillis(100));
    assertThat(started(permits)).isGreaterThan(before);
  }

  @Test
  void aRequestThatWaitedLongerThanMaxQueueWaitIsRefusedNamingTheBudget() {
    List<CompletableFuture<Void>> permits = acquire(8);
    coordinator.grant(1); // turns at 0, 1, ..., 5 s; the last two would start after 6 s

    time.advance(Duration.ofSeconds(6));

    assertThat(permits.subList(0, 6)).allSatisfy(permit -> assertThat(permit).isCompleted());
    assertThat(permits.subList(6, 8)).allSatisfy(permit -> assertThat(permit.handle((ok, failure) -> failure).join())
        .isInstanceOf(RejectedExecutionException.class)
        .hasMessageContaining("cluster budget service at 100/s")
        .hasMessageContaining("2 requests waited longer than maxQueueWait (PT5S)"));
  }

  @Test
  void aSmallShareDoesNotRefuseABurstThatTheNextLeaseCanServe() {
    List<CompletableFuture<Void>> permits = acquire(1);
    coordinator.grant(0.01); // almost nothing while this holder was quiet
    permits.addAll(acquire(300));
    time.advance(Duration.ofMillis(250));
    coordinator.grant(100); // the renewal reported the burst

    time.advance(Duration.ofSeconds(3));

    assertThat(permits).allSatisfy(permit -> assertThat(permit).isCompleted().isNotCompletedExceptionally());
  }

  @Test
  void withoutALeaseTheWaitingRequestsFailNamingTheBudget() {
    List<CompletableFuture<Void>> permits = acquire(2);

    coordinator.leases.get(0).completeExceptionally(new IllegalStateException("driver unreachable"));

    assertThat(permits).allSatisfy(permit -> assertThat(permit.handle((ok, failure) -> failure).join())
        .hasMessageContaining("no lease on cluster budget service at 100/s")
        .hasMessageContaining("driver unreachable"));
  }

  @Test
  void aQuietHolderStopsRenewingAndItsLeaseLapses() {
    coordinator.validFor = Duration.ofSeconds(1);
    acquire(1);
    coordinator.grant(50);
    for (int i = 0; i < 12; i++) {
      time.advance(Duration.ofMillis(250));
      if (coordinator.leases.get(coordinator.leases.size() - 1).isDone()) {
        continue;
      }
      coordinator.grant(50);
    }
    int renewals = coordinator.leases.size();
    time.advance(Duration.ofSeconds(5));

    assertThat(coordinator.leases).hasSize(renewals);
    assertThat(limit.grantedRate()).isEqualTo(50); // until a request finds it expired
    CompletableFuture<Void> later = limit.acquire();
    assertThat(later).isNotDone();
    assertThat(coordinator.leases).hasSize(renewals + 1);
  }

  @Test
  void requestsWaitingLongerThanTheIdleTimeKeepRenewingTheLease() {
    List<CompletableFuture<Void>> permits = acquire(50);
    coordinator.grant(10);
    for (int i = 0; i < 20; i++) { // 5 s without a new request, 2.5 times the idle time
      time.advance(Duration.ofMillis(250));
      coordinator.grant(10);
    }

    assertThat(started(permits)).isEqualTo(50);
    assertThat(coordinator.leases).hasSizeGreaterThanOrEqualTo(20);
  }
}
