package io.asyncudf.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncudf.AsyncUdfEvent;
import io.asyncudf.AsyncUdfListener;
import io.asyncudf.ChunkEvent;
import io.asyncudf.PartitionEvent;
import io.asyncudf.RequestRetryEvent;
import io.asyncudf.internal.connector.AsyncUdfThreads;
import io.asyncudf.partition.SparkPartitionInformation;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How events reach a listener: never on a network thread, never two at once for a partition, each chunk's in
 * order, the partition's end last. The callback thread is the test's: it runs the queued deliveries when it
 * chooses.
 */
@Timeout(10)
class EventsTest {

  private static final SparkPartitionInformation CHUNK =
      new SparkPartitionInformation(7, 1, 0, 99L, 0, 1, "1", "host", 1L, "task", false, null, null, null)
          .withChunk(0, 0, 8);

  private final Queue<Runnable> callbackThread = new ArrayDeque<>();
  private final List<String> delivered = new CopyOnWriteArrayList<>();
  private final List<String> threads = new CopyOnWriteArrayList<>();

  private final AsyncUdfListener listener = new AsyncUdfListener() {
    @Override
    public void onEvent(AsyncUdfEvent event) {
      threads.add(Thread.currentThread().getName());
      delivered.add(name(event));
    }
  };

  private final Events events = new Events(listener, callbackThread::add);

  private static String name(AsyncUdfEvent event) {
    if (event instanceof ChunkEvent chunk) {
      return "chunk " + chunk.kind();
    }
    if (event instanceof PartitionEvent partition) {
      return "partition " + partition.kind();
    }
    return event.getClass().getSimpleName();
  }

  private static RequestRetryEvent retry() {
    return new RequestRetryEvent(CHUNK, 1, "GET http://service/x", 1, new IOException("reset"), Duration.ofMillis(5));
  }

  private static PartitionEvent end() {
    return new PartitionEvent(PartitionEvent.Kind.END, CHUNK, 8, 1, 0, 0, Duration.ZERO, null);
  }

  /** Runs {@code task} on a thread the connectors' thread factory marks as a network thread, and waits for it. */
  private static void onNetworkThread(Runnable task) throws Exception {
    ThreadFactory network = AsyncUdfThreads.networkThreads(runnable -> new Thread(runnable, "test-network-thread"));
    var executor = Executors.newSingleThreadExecutor(network);
    try {
      CompletableFuture.runAsync(task, executor).get(5, TimeUnit.SECONDS);
    } finally {
      executor.shutdownNow();
    }
  }

  private void runCallbacks() {
    Runnable next;
    while ((next = callbackThread.poll()) != null) {
      next.run();
    }
  }

  @Test
  void anEventReportedOnANetworkThreadIsDeliveredOnACallbackThread() throws Exception {
    onNetworkThread(() -> events.deliver(retry()));

    assertThat(delivered).isEmpty();
    assertThat(callbackThread).hasSize(1);
    runCallbacks();
    assertThat(delivered).containsExactly("RequestRetryEvent");
    assertThat(threads).containsExactly(Thread.currentThread().getName());
  }

  @Test
  void eventsReportedWhileOneWaitsComeAfterItInOrder() throws Exception {
    events.chunkStart(CHUNK, 1);
    onNetworkThread(() -> events.deliver(retry()));
    events.chunkSuccess(CHUNK, 1, Duration.ofMillis(20));

    assertThat(delivered).containsExactly("chunk START");
    runCallbacks();
    assertThat(delivered).containsExactly("chunk START", "RequestRetryEvent", "chunk SUCCESS");
  }

  @Test
  void thePartitionsEndWaitsForTheEventsBeforeIt() throws Exception {
    onNetworkThread(() -> events.deliver(retry()));
    Thread task = new Thread(() -> events.deliverLast(end()), "task");
    task.start();
    awaitWaiting(task);

    assertThat(delivered).isEmpty();
    runCallbacks();
    task.join();
    assertThat(delivered).containsExactly("RequestRetryEvent", "partition END");
    assertThat(threads).containsExactly(Thread.currentThread().getName(), "task");
  }

  /** Until {@code thread} waits (for the lock's signal, with a time limit); fails if it ends or never waits. */
  private static void awaitWaiting(Thread thread) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (thread.getState() != Thread.State.TIMED_WAITING) {
      assertThat(thread.getState()).as("the task's state").isNotEqualTo(Thread.State.TERMINATED);
      assertThat(System.nanoTime()).as("the task waits within 5 s").isLessThan(deadline);
      Thread.onSpinWait();
    }
  }

  @Test
  void anInterruptedTaskPutsItsPartitionsEndBehindTheEventsBeforeIt() throws Exception {
    onNetworkThread(() -> events.deliver(retry()));
    Thread.currentThread().interrupt();
    try {
      events.deliverLast(end());
    } finally {
      assertThat(Thread.interrupted()).as("the interrupt is kept").isTrue();
    }

    assertThat(delivered).isEmpty();
    runCallbacks();
    assertThat(delivered).containsExactly("RequestRetryEvent", "partition END");
  }

  @Test
  void aListenerThatThrowsAnErrorIsLoggedAndTheNextEventsStillArrive() {
    Events throwing = new Events(new AsyncUdfListener() {
      @Override
      public void onEvent(AsyncUdfEvent event) {
        delivered.add(name(event));
        throw new AssertionError("a listener's assertion");
      }
    }, callbackThread::add);

    throwing.chunkStart(CHUNK, 1);
    throwing.chunkSuccess(CHUNK, 1, Duration.ZERO);
    throwing.deliverLast(end()); // would wait for ever if the first error had kept the lane

    assertThat(delivered).containsExactly("chunk START", "chunk SUCCESS", "partition END");
  }

  @Test
  void anEventAListenerReportsWhileDeliveringComesNextOnACallbackThread() {
    Events[] nested = new Events[1];
    nested[0] = new Events(new AsyncUdfListener() {
      @Override
      public void onEvent(AsyncUdfEvent event) {
        delivered.add(name(event));
        if (event instanceof ChunkEvent chunk && chunk.kind() == ChunkEvent.Kind.START) {
          nested[0].chunkSuccess(CHUNK, 1, Duration.ZERO);
        }
      }
    }, callbackThread::add);

    nested[0].chunkStart(CHUNK, 1);
    assertThat(delivered).containsExactly("chunk START");
    runCallbacks();
    assertThat(delivered).containsExactly("chunk START", "chunk SUCCESS");
  }

  @Test
  void anEventReportedDuringADeliveryWaitsForItThenGoesToACallbackThread() throws Exception {
    CountDownLatch inFirst = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Events blocking = new Events(new AsyncUdfListener() {
      @Override
      public void onEvent(AsyncUdfEvent event) {
        threads.add(Thread.currentThread().getName());
        delivered.add(name(event));
        if (event instanceof ChunkEvent chunk && chunk.kind() == ChunkEvent.Kind.START) {
          inFirst.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      }
    }, callbackThread::add);
    Thread first = new Thread(() -> blocking.chunkStart(CHUNK, 1), "first");
    first.start();
    inFirst.await();

    blocking.chunkSuccess(CHUNK, 1, Duration.ZERO); // returns at once: queued behind the delivery in progress
    assertThat(delivered).containsExactly("chunk START");
    release.countDown();
    first.join();

    assertThat(delivered).containsExactly("chunk START");
    runCallbacks();
    assertThat(delivered).containsExactly("chunk START", "chunk SUCCESS");
    assertThat(threads).containsExactly("first", Thread.currentThread().getName());
  }
}
