package io.asyncudf.internal.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.asyncudf.internal.connector.RateLease;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LeaseServiceTest {

  private final AtomicLong clock = new AtomicLong(1_000_000_000L);
  private final LeaseService leases = new LeaseService(clock::get);

  private void advance(Duration duration) {
    clock.addAndGet(duration.toNanos());
  }

  @Test
  void holdersThatWantMoreThanTheBudgetShareItEvenlyOnceTheEarlierOnesHaveRenewed() {
    assertThat(leases.lease("svc", 200, "a", 1_000).requestsPerSecond()).as("alone").isEqualTo(200);
    assertThat(leases.lease("svc", 200, "b", 1_000).requestsPerSecond())
        .as("a newcomer gets what a's lease leaves free: nothing yet").isZero();

    RateLease a = leases.lease("svc", 200, "a", 1_000);
    RateLease b = leases.lease("svc", 200, "b", 1_000);

    assertThat(a.requestsPerSecond()).isEqualTo(100);
    assertThat(b.requestsPerSecond()).isEqualTo(100);
    assertThat(a.validFor()).isEqualTo(LeaseService.LEASE);
  }

  @Test
  void theLeasesOutAtOnceNeverAddUpToMoreThanTheBudget() {
    double[] issued = new double[10];
    for (int round = 0; round < 5; round++) {
      for (int holder = 0; holder < issued.length; holder++) {
        issued[holder] = leases.lease("svc", 1_000, "h" + holder, 50 + 100 * holder).requestsPerSecond();
        assertThat(java.util.Arrays.stream(issued).sum()).as("round %d, holder %d", round, holder)
            .isLessThanOrEqualTo(1_000 + 1e-9);
      }
      advance(Duration.ofMillis(250));
    }
    assertThat(java.util.Arrays.stream(issued).sum()).as("converged to the whole budget").isCloseTo(1_000, within(1e-6));
    assertThat(issued[0]).as("wants 50: gets 50").isCloseTo(50, within(1e-9));
    assertThat(issued[9]).as("the other nine share the rest").isCloseTo(950 / 9.0, within(1e-9));
  }

  @Test
  void sharesFollowDemandMaxMinFairAndAlwaysAddUpToTheBudget() {
    leases.lease("svc", 300, "light", 30);
    leases.lease("svc", 300, "medium", 120);
    leases.lease("svc", 300, "heavy", 1_000);
    double light = leases.lease("svc", 300, "light", 30).requestsPerSecond();
    double medium = leases.lease("svc", 300, "medium", 120).requestsPerSecond();
    double heavy = leases.lease("svc", 300, "heavy", 1_000).requestsPerSecond();

    assertThat(light).isEqualTo(30);
    assertThat(medium).isEqualTo(120);
    assertThat(heavy).isEqualTo(150);
    assertThat(light + medium + heavy).isCloseTo(300, within(1e-9));
  }

  @Test
  void whatNobodyAsksForIsSpreadSoAHolderCanGrow() {
    leases.lease("svc", 100, "a", 10);
    leases.lease("svc", 100, "b", 20);
    RateLease a = leases.lease("svc", 100, "a", 10);
    RateLease b = leases.lease("svc", 100, "b", 20);

    assertThat(a.requestsPerSecond()).isEqualTo(10 + 35);
    assertThat(b.requestsPerSecond()).isEqualTo(20 + 35);
  }

  @Test
  void aHolderThatStopsRenewingGivesItsShareBack() {
    leases.lease("svc", 200, "dies", 1_000);
    leases.lease("svc", 200, "lives", 1_000);
    assertThat(leases.holders("svc")).isEqualTo(2);

    advance(Duration.ofMillis(600));
    leases.lease("svc", 200, "lives", 1_000);
    advance(Duration.ofMillis(500)); // "dies" last renewed 1.1 s ago: its lease has lapsed
    RateLease alone = leases.lease("svc", 200, "lives", 1_000);

    assertThat(alone.requestsPerSecond()).isEqualTo(200);
    assertThat(leases.holders("svc")).isEqualTo(1);
  }

  @Test
  void aPauseComesWithEveryLeaseUntilItEnds() {
    leases.lease("svc", 100, "a", 100);
    leases.pause("svc", Duration.ofSeconds(2));
    advance(Duration.ofMillis(500));

    assertThat(leases.lease("svc", 100, "b", 100).pausedFor()).isEqualTo(Duration.ofMillis(1_500));
    advance(Duration.ofMillis(1_500));
    assertThat(leases.lease("svc", 100, "a", 100).pausedFor()).isZero();
  }

  @Test
  void budgetsAreIndependent() {
    leases.lease("one", 100, "a", 1_000);
    assertThat(leases.lease("two", 50, "a", 1_000).requestsPerSecond()).isEqualTo(50);
    leases.pause("one", Duration.ofSeconds(1));
    assertThat(leases.lease("two", 50, "a", 1_000).pausedFor()).isZero();
  }
}
