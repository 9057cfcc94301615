package io.asyncudf.internal.connector;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Where futures handed between network threads and their callers complete. */
class AsyncUdfThreadsTest {

  private final ExecutorService network = Executors.newSingleThreadExecutor(
      AsyncUdfThreads.networkThreads(task -> new Thread(task, "test-network")));

  @AfterEach
  void stop() {
    network.shutdownNow();
  }

  @Test
  void onlyThreadsOfANetworkFactoryAreNetworkThreads() throws Exception {
    assertThat(AsyncUdfThreads.onNetworkThread()).isFalse();
    assertThat(network.submit(AsyncUdfThreads::onNetworkThread).get(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aStageCompletedOnANetworkThreadContinuesOnACallbackThread() throws Exception {
    CompletableFuture<String> stage = new CompletableFuture<>();
    CompletableFuture<String> thread = AsyncUdfThreads.offNetworkThreads(stage)
        .thenApply(value -> value + "@" + Thread.currentThread().getName());

    network.execute(() -> stage.complete("answer"));

    assertThat(thread.get(10, TimeUnit.SECONDS)).startsWith("answer@asyncudf-connector-callback-");
  }

  @Test
  void aStageCompletedElsewhereContinuesOnThatThreadWithItsFailureUnwrapped() {
    CompletableFuture<String> stage = new CompletableFuture<>();
    CompletableFuture<String> result = AsyncUdfThreads.offNetworkThreads(stage);
    CompletableFuture<String> thread = result.handle((value, failure) -> failure + "@" + Thread.currentThread().getName());

    stage.completeExceptionally(new java.util.concurrent.CompletionException(new IOException("refused")));

    assertThat(thread).isCompletedWithValue("java.io.IOException: refused@" + Thread.currentThread().getName());
  }

  @Test
  void completeOnNetworkOrCallbacksKeepsOnlyAnAnswerOnTheNetworkThread() throws Exception {
    CompletableFuture<String> answered = new CompletableFuture<>();
    CompletableFuture<Boolean> answerThread = AsyncUdfThreads.completeOnNetworkOrCallbacks(answered)
        .thenApply(value -> AsyncUdfThreads.onNetworkThread());
    CompletableFuture<String> timedOut = new CompletableFuture<>();
    CompletableFuture<String> failureThread = AsyncUdfThreads.completeOnNetworkOrCallbacks(timedOut)
        .handle((value, failure) -> failure + "@" + Thread.currentThread().getName());

    network.execute(() -> answered.complete("answer"));
    network.execute(() -> timedOut.completeExceptionally(
        new java.util.concurrent.CompletionException(new java.util.concurrent.TimeoutException("read timeout"))));

    assertThat(answerThread.get(10, TimeUnit.SECONDS)).as("an answer continues on its network thread").isTrue();
    assertThat(failureThread.get(10, TimeUnit.SECONDS))
        .startsWith("java.util.concurrent.TimeoutException: read timeout@asyncudf-connector-callback-");
  }

  @Test
  void cancellingTheResultCancelsTheStage() {
    CompletableFuture<String> stage = new CompletableFuture<>();

    AsyncUdfThreads.offNetworkThreads(stage).cancel(true);

    assertThat(stage).isCancelled();
  }

  @Test
  void completeOnCallbacksNeverContinuesOnTheCompletingThread() throws ExecutionException, InterruptedException,
      java.util.concurrent.TimeoutException {
    CompletableFuture<String> stage = new CompletableFuture<>();
    CompletableFuture<String> thread = AsyncUdfThreads.completeOnCallbacks(stage)
        .thenApply(value -> value + "@" + Thread.currentThread().getName());

    stage.complete("answer");

    assertThat(thread.get(10, TimeUnit.SECONDS)).startsWith("answer@asyncudf-connector-callback-");
  }
}
