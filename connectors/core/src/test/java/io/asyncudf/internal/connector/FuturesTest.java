package io.asyncudf.internal.connector;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Stages whose cancellation reaches the stage they wait for, which CompletableFuture's own do not. */
class FuturesTest {

  @Test
  void cancellingAComposedStageCancelsTheFirstStageWhileItRuns() {
    CompletableFuture<String> first = new CompletableFuture<>();
    CompletableFuture<String> composed = Futures.thenCompose(first, value -> CompletableFuture.completedFuture(value));

    composed.cancel(true);

    assertThat(first).isCancelled();
  }

  @Test
  void cancellingAComposedStageCancelsTheSecondStageOnceItStarted() {
    CompletableFuture<String> first = new CompletableFuture<>();
    CompletableFuture<String> second = new CompletableFuture<>();
    CompletableFuture<String> composed = Futures.thenCompose(first, value -> second);
    first.complete("token");

    composed.cancel(true);

    assertThat(second).isCancelled();
  }

  @Test
  void exceptionallyComposeRecoversFromTheUnwrappedFailureAndPassesValuesThrough() {
    CompletableFuture<String> failed = CompletableFuture.failedFuture(
        new java.util.concurrent.CompletionException(new IOException("401")));
    CompletableFuture<String> recovered = Futures.exceptionallyCompose(failed,
        failure -> CompletableFuture.completedFuture("retried after " + failure.getMessage()));
    CompletableFuture<String> passed = Futures.exceptionallyCompose(CompletableFuture.completedFuture("ok"),
        failure -> CompletableFuture.completedFuture("never"));

    assertThat(recovered).isCompletedWithValue("retried after 401");
    assertThat(passed).isCompletedWithValue("ok");
  }
}
