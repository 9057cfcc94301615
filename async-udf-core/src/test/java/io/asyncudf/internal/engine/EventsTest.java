package io.asyncudf.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncudf.AsyncUdfEvent;
import io.asyncudf.AsyncUdfListener;
import io.asyncudf.RequestResendEvent;
import io.asyncudf.internal.connector.AsyncUdfThreads;
import io.asyncudf.partition.SparkPartitionInformation;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EventsTest {

  @Test
  void aRequestsEventReportedOnANetworkThreadReachesTheListenerOnAnotherThread() throws Exception {
    CompletableFuture<Thread> listenerThread = new CompletableFuture<>();
    AsyncUdfListener listener = new AsyncUdfListener() {
      @Override
      public void onEvent(AsyncUdfEvent event) {
        listenerThread.complete(Thread.currentThread());
      }
    };
    Events events = new Events(listener);
    RequestResendEvent resend = new RequestResendEvent(
        new SparkPartitionInformation(0, 3, 0, 100, 0, 1, "1", "host", 1, "task", false, null, null, null), 1,
        "GET http://service/x", new IOException("connection reset"));

    Thread network = AsyncUdfThreads.networkThreads(Executors.defaultThreadFactory())
        .newThread(() -> events.deliverOffNetwork(resend));
    network.start();
    network.join();

    assertThat(listenerThread.get(10, TimeUnit.SECONDS)).as("user code never runs on a network thread")
        .isNotSameAs(network);

    CompletableFuture<Thread> direct = new CompletableFuture<>();
    new Events(new AsyncUdfListener() {
      @Override
      public void onEvent(AsyncUdfEvent event) {
        direct.complete(Thread.currentThread());
      }
    }).deliverOffNetwork(resend);
    assertThat(direct).as("elsewhere, at once on the reporting thread").isCompletedWithValue(Thread.currentThread());
  }
}
