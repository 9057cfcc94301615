package io.asyncudf.internal.connector;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** The connectors' one retry loop, with attempts completed in the order the test chooses and waits run by hand. */
class RequestRetriesTest {

  private final ManualScheduler scheduler = new ManualScheduler();
  private final List<CompletableFuture<String>> attempts = new ArrayList<>();
  private final List<String> reported = new ArrayList<>();
  private final RequestReports scope = new RequestReports() {
    @Override
    public void requestRetried(String request, int failedAttempt, Throwable failure, Duration retryDelay) {
      reported.add(request + " #" + failedAttempt + " " + failure.getMessage() + " wait " + retryDelay.toMillis());
    }
  };

  /** Retries IOExceptions, waiting 10 ms times the failed attempt's number. */
  private static final RequestRetries.Rules IO_FAILURES = new RequestRetries.Rules() {
    @Override
    public boolean isRetryable(Throwable failure) {
      return failure instanceof IOException;
    }

    @Override
    public Duration delayAfter(int failedAttempt, Throwable failure) {
      return Duration.ofMillis(10L * failedAttempt);
    }
  };

  private CompletableFuture<String> run(int maxAttempts) {
    return new RequestRetries(maxAttempts, scheduler).run(scope, () -> "GET /x", IO_FAILURES, number -> {
      CompletableFuture<String> attempt = new CompletableFuture<>();
      attempts.add(attempt);
      return attempt;
    });
  }

  @Test
  void retriesRetryableFailuresAfterTheRulesDelayReportingEachRetry() {
    CompletableFuture<String> result = run(3);

    attempts.get(0).completeExceptionally(new IOException("reset"));
    assertThat(attempts).as("the next attempt waits for its delay").hasSize(1);
    assertThat(scheduler.runDelayed()).isEqualTo(1);
    attempts.get(1).completeExceptionally(new java.util.concurrent.CompletionException(new IOException("reset again")));
    scheduler.runDelayed();
    attempts.get(2).complete("ok");

    assertThat(result).isCompletedWithValue("ok");
    assertThat(reported).containsExactly("GET /x #1 reset wait 10", "GET /x #2 reset again wait 20");
  }

  @Test
  void aFailureTheRulesRefuseOrTheLastAttemptsFailureEndsItUnwrapped() throws Exception {
    CompletableFuture<String> refused = run(3);
    attempts.get(0).completeExceptionally(new java.util.concurrent.CompletionException(new IllegalStateException("400")));
    assertThat(failureOf(refused)).isInstanceOf(IllegalStateException.class).hasMessage("400");

    CompletableFuture<String> exhausted = run(2);
    attempts.get(1).completeExceptionally(new IOException("one"));
    scheduler.runDelayed();
    attempts.get(2).completeExceptionally(new IOException("two"));
    assertThat(failureOf(exhausted)).isInstanceOf(IOException.class).hasMessage("two");
    assertThat(attempts).hasSize(3);
  }

  @Test
  void cancellingReachesAnAttemptThatStartedBeforeItsWaitWasRecorded() {
    RequestRetries.Rules noWait = new RequestRetries.Rules() {
      @Override
      public boolean isRetryable(Throwable failure) {
        return true;
      }

      @Override
      public Duration delayAfter(int failedAttempt, Throwable failure) {
        return Duration.ZERO; // the manual scheduler runs the next attempt inside schedule(), before it returns
      }
    };
    CompletableFuture<String> result = new RequestRetries(2, scheduler).run(scope, () -> "GET /x", noWait, number -> {
      CompletableFuture<String> attempt = new CompletableFuture<>();
      attempts.add(attempt);
      return attempt;
    });
    attempts.get(0).completeExceptionally(new IOException("reset"));
    assertThat(attempts).hasSize(2);

    result.cancel(true);

    assertThat(attempts.get(1)).as("the second attempt's request ends with the cancelled result").isCancelled();
  }

  @Test
  void cancellingDuringAnAttemptCancelsItAndDuringAWaitStartsNoFurtherAttempt() {
    CompletableFuture<String> running = run(3);
    running.cancel(true);
    assertThat(attempts.get(0)).isCancelled();

    CompletableFuture<String> waiting = run(3);
    attempts.get(1).completeExceptionally(new IOException("reset"));
    assertThat(scheduler.pendingDelayed()).isEqualTo(1);
    waiting.cancel(true);

    assertThat(scheduler.pendingDelayed()).as("the wait's timer is cancelled").isZero();
    scheduler.runDelayed();
    assertThat(attempts).hasSize(2);
  }

  private static Throwable failureOf(CompletableFuture<?> future) throws InterruptedException {
    try {
      future.get();
      throw new AssertionError("completed normally");
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }
}
