package io.asyncudf.internal.driver;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncudf.AsyncUdfEvent;
import io.asyncudf.ChunkEvent;
import io.asyncudf.PartitionEvent;
import io.asyncudf.RemoteFailure;
import io.asyncudf.RequestResendEvent;
import io.asyncudf.RequestRetryEvent;
import io.asyncudf.partition.SparkPartitionInformation;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PortableEventsTest {

  private static final SparkPartitionInformation CHUNK =
      new SparkPartitionInformation(0, 3, 0, 100, 0, 1, "1", "host", 1, "task", false, null, null, null)
          .withChunk(2, 200, 100);

  /** A failure holding something that does not serialize, as a client's exception may. */
  private static final class Unportable extends RuntimeException {
    @SuppressWarnings("unused")
    private final Object connection = new Object();

    Unportable() {
      super("connection state", new IOException("reset"));
    }
  }

  private static List<AsyncUdfEvent> withFailure(Throwable failure) {
    return List.of(new ChunkEvent(ChunkEvent.Kind.FAILURE, CHUNK, 3, Duration.ofMillis(40), failure, Duration.ZERO),
        new PartitionEvent(PartitionEvent.Kind.END, CHUNK, 100, 1, 1, 100, Duration.ofSeconds(1), failure),
        new RequestRetryEvent(CHUNK, 1, "GET http://svc/1", 2, failure, Duration.ofMillis(5)),
        new RequestResendEvent(CHUNK, 1, "GET http://svc/1", failure));
  }

  @Test
  void anEventWhoseFailureSerializesTravelsAsItIs() {
    for (AsyncUdfEvent event : withFailure(new IOException("reset"))) {
      assertThat(PortableEvents.of(event)).isSameAs(event);
    }
  }

  @Test
  void aFailureThatDoesNotSerializeTravelsAsItsClassMessageAndStack() {
    Unportable failure = new Unportable();
    for (AsyncUdfEvent event : withFailure(failure)) {
      AsyncUdfEvent portable = PortableEvents.of(event);
      assertThat(portable.getClass()).isEqualTo(event.getClass());
      assertThat(portable.partition()).isEqualTo(event.partition());
      assertThat(portable.failure()).isInstanceOf(RemoteFailure.class)
          .hasMessage(Unportable.class.getName() + ": connection state");
      assertThat(((RemoteFailure) portable.failure()).className()).isEqualTo(Unportable.class.getName());
      assertThat(portable.failure().getStackTrace()).isEqualTo(failure.getStackTrace());
      assertThat(portable.failure().getCause()).as("the cause travels too").isInstanceOf(RemoteFailure.class)
          .hasMessage("java.io.IOException: reset");
      AsyncUdfEvent arrived = (AsyncUdfEvent) Codec.decode(Codec.encode(portable), getClass().getClassLoader());
      assertThat(arrived.failure()).as("it serializes now").hasMessage(portable.failure().getMessage());
    }
  }
}
