package io.asyncudf;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncudf.partition.SparkPartitionInformation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AsyncUdfListenerTest {

  private static final SparkPartitionInformation CHUNK =
      new SparkPartitionInformation(0, 3, 0, 100, 0, 1, "1", "host", 1, "task", false, null, null, null)
          .withChunk(0, 0, 10);

  /** One event of every kind, in the order of {@link #NAMED}. */
  private static List<AsyncUdfEvent> everyKind() {
    List<AsyncUdfEvent> events = new ArrayList<>();
    events.add(new PartitionEvent(PartitionEvent.Kind.START, CHUNK, 0, 0, 0, 0, Duration.ZERO, null));
    for (ChunkEvent.Kind kind : ChunkEvent.Kind.values()) {
      events.add(new ChunkEvent(kind, CHUNK, 1, Duration.ZERO, null, Duration.ZERO));
    }
    events.add(new RequestRetryEvent(CHUNK, 1, "GET http://svc/1", 1, new IllegalStateException(), Duration.ZERO));
    events.add(new RequestWaitEvent(CHUNK, 1, "GET http://svc/1", Duration.ofMillis(5), 8));
    events.add(new RequestResendEvent(CHUNK, 1, "GET http://svc/1", new IllegalStateException()));
    events.add(new PartitionEvent(PartitionEvent.Kind.END, CHUNK, 10, 1, 0, 0, Duration.ZERO, null));
    return events;
  }

  private static final List<String> NAMED = List.of("partitionStart", "chunkStart", "chunkSuccess", "chunkFailure",
      "chunkRetry", "chunkTimeout", "requestRetry", "requestWait", "requestResend", "partitionEnd");

  @Test
  void onEventCallsTheNamedMethodOfEachKind() {
    List<String> called = new ArrayList<>();
    AsyncUdfListener named = new AsyncUdfListener() {
      @Override public void onPartitionStart(PartitionEvent event) { called.add("partitionStart"); }
      @Override public void onPartitionEnd(PartitionEvent event) { called.add("partitionEnd"); }
      @Override public void onChunkStart(ChunkEvent event) { called.add("chunkStart"); }
      @Override public void onChunkSuccess(ChunkEvent event) { called.add("chunkSuccess"); }
      @Override public void onChunkFailure(ChunkEvent event) { called.add("chunkFailure"); }
      @Override public void onChunkRetry(ChunkEvent event) { called.add("chunkRetry"); }
      @Override public void onChunkTimeout(ChunkEvent event) { called.add("chunkTimeout"); }
      @Override public void onRequestRetry(RequestRetryEvent event) { called.add("requestRetry"); }
      @Override public void onRequestWait(RequestWaitEvent event) { called.add("requestWait"); }
      @Override public void onRequestResend(RequestResendEvent event) { called.add("requestResend"); }
    };

    everyKind().forEach(named::onEvent);

    assertThat(called).isEqualTo(NAMED);
  }

  @Test
  void aListenerOfOnEventHearsEveryEvent() {
    List<AsyncUdfEvent> heard = new ArrayList<>();
    AsyncUdfListener all = new AsyncUdfListener() {
      @Override public void onEvent(AsyncUdfEvent event) { heard.add(event); }
    };

    List<AsyncUdfEvent> events = everyKind();
    events.forEach(all::onEvent);

    assertThat(heard).isEqualTo(events);
  }
}
