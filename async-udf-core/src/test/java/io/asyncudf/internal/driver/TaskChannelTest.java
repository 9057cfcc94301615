package io.asyncudf.internal.driver;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncudf.DriverCallbackException;
import io.asyncudf.internal.connector.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** A task's callback calls: at most 16 on their way, the rest waiting without a thread; the call timeout ends either. */
class TaskChannelTest {

  private final ManualScheduler timers = new ManualScheduler();
  private final List<CompletableFuture<byte[]>> asked = new ArrayList<>();
  private final CompletableFuture<Void> seventeenthAsked = new CompletableFuture<>();

  private TaskChannel channel() {
    DriverLink link = (message, timeout) -> {
      CompletableFuture<byte[]> answer = new CompletableFuture<>();
      synchronized (asked) {
        asked.add(answer);
        if (asked.size() == TaskChannel.CALLS_IN_FLIGHT + 1) {
          seventeenthAsked.complete(null);
        }
      }
      return answer;
    };
    return new TaskChannel(new ChannelSpec("c1", "enrich", true, false), link, timers, Duration.ofSeconds(30),
        getClass().getClassLoader());
  }

  private static byte[] reply(String answer) {
    return Codec.encode(new DriverMessage.CallReply(Codec.encode(answer), "handler", null));
  }

  private int asks() {
    synchronized (asked) {
      return asked.size();
    }
  }

  @Test
  void sixteenCallsAreOnTheirWayAndTheNextGoesWhenOneIsAnswered() throws Exception {
    TaskChannel channel = channel();
    List<CompletableFuture<String>> calls = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      calls.add(channel.call("question " + i));
    }
    assertThat(asks()).isEqualTo(TaskChannel.CALLS_IN_FLIGHT);

    asked.get(0).complete(reply("answer 0"));

    assertThat(calls.get(0).get(5, TimeUnit.SECONDS)).isEqualTo("answer 0");
    seventeenthAsked.get(5, TimeUnit.SECONDS);
    assertThat(asks()).as("one freed place, one more call sent").isEqualTo(TaskChannel.CALLS_IN_FLIGHT + 1);
    assertThat(calls.subList(1, 20)).noneMatch(CompletableFuture::isDone);
  }

  @Test
  void theCallTimeoutEndsCallsOnTheirWayAndWaitingOnesAlike() throws Exception {
    TaskChannel channel = channel();
    List<CompletableFuture<String>> calls = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      calls.add(channel.call("question " + i));
    }

    assertThat(timers.runDelayed()).as("one timer per call").isEqualTo(20);

    for (CompletableFuture<String> call : calls) {
      assertThat(failure(call)).isInstanceOf(DriverCallbackException.class)
          .hasMessageContaining("the driver callback of enrich did not answer within PT30S");
    }
    List<CompletableFuture<byte[]>> sent;
    synchronized (asked) {
      sent = List.copyOf(asked);
    }
    CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).handle((done, failure) -> null)
        .get(5, TimeUnit.SECONDS);
    assertThat(sent).as("no call is left on its way").allMatch(CompletableFuture::isCancelled);
  }

  private static Throwable failure(CompletableFuture<?> call) throws InterruptedException, TimeoutException {
    try {
      call.get(5, TimeUnit.SECONDS);
      throw new AssertionError("the call succeeded");
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }

  @Test
  void aListenerThatFallsSixteenBatchesBehindMakesTheTaskDropEventsNotHoldThem() throws Exception {
    List<CompletableFuture<byte[]>> eventAsks = new ArrayList<>();
    CompletableFuture<Void> firstAsked = new CompletableFuture<>();
    DriverLink link = (message, timeout) -> {
      CompletableFuture<byte[]> answer = new CompletableFuture<>();
      synchronized (eventAsks) {
        eventAsks.add(answer);
      }
      firstAsked.complete(null);
      return answer;
    };
    TaskChannel channel = new TaskChannel(new ChannelSpec("c2", "enrich", false, true), link, timers,
        Duration.ofSeconds(30), getClass().getClassLoader());
    io.asyncudf.AsyncUdfListener forwarder = channel.eventForwarder();
    io.asyncudf.partition.SparkPartitionInformation chunk =
        new io.asyncudf.partition.SparkPartitionInformation(0, 3, 0, 100, 0, 1, "1", "host", 1, "task", false, null,
            null, null).withChunk(2, 200, 100);
    io.asyncudf.ChunkEvent event = new io.asyncudf.ChunkEvent(io.asyncudf.ChunkEvent.Kind.SUCCESS, chunk, 1,
        Duration.ofMillis(40), null, Duration.ZERO);

    for (int i = 0; i < (TaskChannel.BATCHES_WAITING + 4) * TaskChannel.BATCH_EVENTS; i++) {
      forwarder.onEvent(event);
      if (i == (TaskChannel.BATCHES_WAITING + 2) * TaskChannel.BATCH_EVENTS) {
        forwarder.onEvent(new io.asyncudf.PartitionEvent(io.asyncudf.PartitionEvent.Kind.END, chunk, 100, 1, 0, 0,
            Duration.ofSeconds(1), null));
      }
    }

    timers.runDelayed(); // the batch window's flush of what is left
    assertThat(channel.droppedEvents()).as("four batches of chunk events over the limit; the partition's end is kept")
        .isEqualTo(4L * TaskChannel.BATCH_EVENTS);
    firstAsked.get(5, TimeUnit.SECONDS);
    eventAsks.get(0).complete(new byte[0]); // the driver answers the first batch: one place free
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (channel.unansweredBatches() > TaskChannel.BATCHES_WAITING - 1 && System.nanoTime() < deadline) {
      Thread.onSpinWait(); // the answer's continuation may run on a callback thread
    }

    for (int i = 0; i < TaskChannel.BATCH_EVENTS; i++) {
      forwarder.onEvent(event);
    }
    assertThat(channel.droppedEvents()).as("the next batch is kept").isEqualTo(4L * TaskChannel.BATCH_EVENTS);
  }
}
