package io.asyncudf.internal.driver;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncudf.DriverCallback;
import io.asyncudf.UdfOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The driver's side of callback calls: a call its task has given up on is not started. */
class DriverChannelCallsTest {

  private final AtomicLong nanos = new AtomicLong();
  private final CountDownLatch release = new CountDownLatch(1);
  private final List<String> handled = java.util.Collections.synchronizedList(new ArrayList<>());

  private DriverChannel channel() {
    DriverCallback<String, String> callback = question -> {
      handled.add(question);
      if (question.startsWith("slow")) {
        release.await(10, TimeUnit.SECONDS);
      }
      return "answer to " + question;
    };
    return new DriverChannel("c1", "enrich", DriverOptions.of(UdfOptions.<java.io.Serializable>builder().callback(callback)
        .build()), false, 0, (stage, reason) -> { }, nanos::get, run -> { });
  }

  @Test
  void aCallStillQueuedWhenItsTaskGaveUpIsNotRun() throws Exception {
    DriverChannel channel = channel();
    List<CompletableFuture<DriverMessage.CallReply>> slow = new ArrayList<>();
    for (int i = 0; i < DriverChannel.CALLBACK_THREADS; i++) {
      slow.add(channel.call(Codec.encode("slow " + i), 30_000));
    }
    CompletableFuture<DriverMessage.CallReply> late = channel.call(Codec.encode("late"), 1_000);
    CompletableFuture<DriverMessage.CallReply> patient = channel.call(Codec.encode("patient"), 60_000);

    nanos.addAndGet(TimeUnit.SECONDS.toNanos(2)); // the callback's threads were busy for 2 s
    release.countDown();

    DriverMessage.CallReply refused = late.get(10, TimeUnit.SECONDS);
    assertThat(refused.failure()).contains("the call waited 2000 ms for a thread of driver callback")
        .contains("past the 1000 ms its task waits: not run");
    assertThat((String) Codec.decode(patient.get(10, TimeUnit.SECONDS).response(), getClass().getClassLoader()))
        .isEqualTo("answer to patient");
    for (CompletableFuture<DriverMessage.CallReply> call : slow) {
      assertThat(call.get(10, TimeUnit.SECONDS).failure()).isNull();
    }
    assertThat(handled).doesNotContain("late").contains("patient");
  }
}
