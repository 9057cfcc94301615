package io.asyncudf.internal.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    return ((ScheduledThreadPoolExecutor) AsyncUdfThreads.scheduler()).getQueue().size();
  }

  @Test
  void waitersGetFreedSlotsInOrderAndLeaveNoTimerBehind() throws Exception {
    // slots pass on the releasing thread: a granted waiter's timer is cancelled before release() returns
    // (on the default handoff executor, get() could return before that continuation ran)
    InFlightLimit limit = direct(2);
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

  /** A limit whose freed slots pass to the next waiter on the releasing thread, so each step is visible at once. */
  private static InFlightLimit direct(int slots) {
    return new InFlightLimit(slots, Duration.ofMinutes(10), Runnable::run);
  }

  @Test
  void runHoldsASlotUntilTheTaskEndsAndStartsWaitingTasksInOrder() {
    InFlightLimit limit = direct(1);
    List<String> startedTasks = new ArrayList<>();
    CompletableFuture<String> first = new CompletableFuture<>();
    CompletableFuture<String> second = new CompletableFuture<>();
    CompletableFuture<String> third = new CompletableFuture<>();

    CompletableFuture<String> a = limit.run(() -> started(startedTasks, "a", first));
    CompletableFuture<String> b = limit.run(() -> started(startedTasks, "b", second));
    CompletableFuture<String> c = limit.run(() -> started(startedTasks, "c", third));
    assertThat(startedTasks).containsExactly("a");

    first.complete("A");
    assertThat(a).isCompletedWithValue("A");
    assertThat(startedTasks).containsExactly("a", "b");

    second.completeExceptionally(new IllegalStateException("b failed"));
    assertThat(b).isCompletedExceptionally();
    assertThat(startedTasks).containsExactly("a", "b", "c");

    third.complete("C");
    assertThat(c).isCompletedWithValue("C");
    assertThat(limit.acquire()).as("every slot came back").isDone();
  }

  @Test
  void cancellingARunningTaskCancelsItAndPassesItsSlotOn() {
    InFlightLimit limit = direct(1);
    List<String> startedTasks = new ArrayList<>();
    CompletableFuture<String> running = new CompletableFuture<>();
    CompletableFuture<String> a = limit.run(() -> started(startedTasks, "a", running));
    CompletableFuture<String> b = limit.run(() -> started(startedTasks, "b", new CompletableFuture<>()));

    a.cancel(true);

    assertThat(running).isCancelled();
    assertThat(startedTasks).containsExactly("a", "b");
    assertThat(b).isNotDone();
  }

  @Test
  void cancellingAWaitingTaskNeverStartsItAndLeaksNoSlot() {
    InFlightLimit limit = direct(1);
    List<String> startedTasks = new ArrayList<>();
    CompletableFuture<String> running = new CompletableFuture<>();
    limit.run(() -> started(startedTasks, "a", running));
    CompletableFuture<String> b = limit.run(() -> started(startedTasks, "b", new CompletableFuture<>()));
    CompletableFuture<String> c = limit.run(() -> started(startedTasks, "c", CompletableFuture.completedFuture("C")));

    b.cancel(true);
    running.complete("A");

    assertThat(startedTasks).containsExactly("a", "c");
    assertThat(c).isCompletedWithValue("C");
    assertThat(limit.acquire()).as("the slot of the cancelled waiter came back").isDone();
  }

  @Test
  void aTaskThatThrowsWhileStartingGivesItsSlotBack() {
    InFlightLimit limit = direct(1);
    CompletableFuture<String> failed = limit.run(() -> {
      throw new IllegalArgumentException("bad request");
    });

    assertThat(failed).isCompletedExceptionally();
    assertThat(limit.acquire()).isDone();
  }

  private static CompletableFuture<String> started(List<String> log, String name, CompletableFuture<String> task) {
    log.add(name);
    return task;
  }

  @Test
  void theFirstRequestThatMustWaitIsReportedOnceAndEveryWaitCounted() {
    java.util.concurrent.atomic.AtomicInteger reported = new java.util.concurrent.atomic.AtomicInteger();
    InFlightLimit limit = new InFlightLimit(1, Duration.ofMinutes(10), reported::incrementAndGet);
    CompletableFuture<Void> first = limit.acquire();
    CompletableFuture<Void> second = limit.acquire();
    CompletableFuture<Void> third = limit.acquire();

    assertThat(first).isDone();
    assertThat(second).isNotDone();
    assertThat(reported.get()).as("said once, not per waiting request").isEqualTo(1);
    assertThat(limit.waits()).isEqualTo(2);
    second.cancel(false);
    third.cancel(false);
    limit.release();
  }
}
