package io.asyncudf.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncudf.connector.ConnectorThreads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InFlightLimitTest {

  private static int scheduledTimers() {
    return ((ScheduledThreadPoolExecutor) ConnectorThreads.scheduler()).getQueue().size();
  }

  @Test
  void waitersGetFreedSlotsInOrderAndLeaveNoTimerBehind() throws Exception {
    InFlightLimit limit = new InFlightLimit(2, Duration.ofMinutes(10));
    int timersBefore = scheduledTimers();
    assertThat(limit.acquire()).isDone();
    assertThat(limit.acquire()).isDone();
    List<CompletableFuture<Void>> waiting = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      waiting.add(limit.acquire());
    }
    assertThat(waiting).noneMatch(CompletableFuture::isDone);

    for (int i = 0; i < 10_000; i++) {
      limit.release();
      waiting.get(i).get(5, TimeUnit.SECONDS);
      if (i + 1 < waiting.size()) {
        assertThat(waiting.get(i + 1)).as("the next waiter before a slot is freed").isNotDone();
      }
    }
    assertThat(scheduledTimers()).as("timers of waiters that got their slot").isLessThanOrEqualTo(timersBefore);
  }

  @Test
  void aWaiterPastMaxQueueWaitFailsNamingBothLimitsAndHoldsNoSlot() throws Exception {
    InFlightLimit limit = new InFlightLimit(1, Duration.ofMillis(50));
    limit.acquire();
    CompletableFuture<Void> late = limit.acquire();

    assertThatThrownBy(() -> late.get(5, TimeUnit.SECONDS))
        .hasCauseInstanceOf(RejectedExecutionException.class)
        .hasMessageContaining("maxQueueWait (PT0.05S)")
        .hasMessageContaining("all 1 of maxInFlight");
    CompletableFuture<Void> next = limit.acquire();
    limit.release();
    assertThat(next.get(5, TimeUnit.SECONDS)).isNull();
  }

  @Test
  void aCancelledWaiterIsPassedBy() throws Exception {
    InFlightLimit limit = new InFlightLimit(1, Duration.ofMinutes(10));
    limit.acquire();
    CompletableFuture<Void> cancelled = limit.acquire();
    CompletableFuture<Void> patient = limit.acquire();
    cancelled.cancel(false);

    limit.release();

    assertThat(patient.get(5, TimeUnit.SECONDS)).isNull();
    limit.release();
    assertThat(limit.acquire()).as("the slot came back").isDone();
  }
}
