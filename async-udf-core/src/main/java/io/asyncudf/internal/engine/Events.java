package io.asyncudf.internal.engine;

import io.asyncudf.AsyncUdfEvent;
import io.asyncudf.AsyncUdfListener;
import io.asyncudf.ChunkEvent;
import io.asyncudf.ChunkEvent.Kind;
import io.asyncudf.PartitionEvent;
import io.asyncudf.internal.connector.AsyncUdfThreads;
import io.asyncudf.partition.SparkPartitionInformation;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers events to the user's listener, one at a time and in the order they were reported; a listener that
 * throws is logged, never propagated. Never on a connector's network thread: an event reported there (a
 * request's retry, re-send or wait) is delivered on a callback thread. An event reported while another is
 * being delivered is queued and delivered right after it, by the thread delivering, so a listener is never
 * called concurrently for one partition and sees each chunk's events in order. The partition's end comes last.
 */
final class Events {

  private static final Logger LOG = LoggerFactory.getLogger(Events.class);

  private final AsyncUdfListener listener;
  private final Executor offNetwork;
  private final Object lock = new Object();
  private final ArrayDeque<AsyncUdfEvent> queued = new ArrayDeque<>(); // guarded by lock
  private boolean delivering; // guarded by lock: a thread delivers events, or a callback thread is asked to

  Events(AsyncUdfListener listener) {
    this(listener, AsyncUdfThreads.callbacks());
  }

  /** @param offNetwork where events reported on a network thread are delivered */
  Events(AsyncUdfListener listener, Executor offNetwork) {
    this.listener = listener;
    this.offNetwork = offNetwork;
  }

  void partitionStart(SparkPartitionInformation partition) {
    deliver(new PartitionEvent(PartitionEvent.Kind.START, partition, 0, 0, 0, 0, Duration.ZERO, null));
  }

  void chunkStart(SparkPartitionInformation chunk, int attempt) {
    deliver(new ChunkEvent(Kind.START, chunk, attempt, Duration.ZERO, null, Duration.ZERO));
  }

  void chunkSuccess(SparkPartitionInformation chunk, int attempts, Duration duration) {
    deliver(new ChunkEvent(Kind.SUCCESS, chunk, attempts, duration, null, Duration.ZERO));
  }

  void chunkFailure(SparkPartitionInformation chunk, int attempts, Duration duration, Throwable failure) {
    deliver(new ChunkEvent(Kind.FAILURE, chunk, attempts, duration, failure, Duration.ZERO));
  }

  void chunkRetry(SparkPartitionInformation chunk, int failedAttempt, Duration duration, Throwable failure, Duration delay) {
    deliver(new ChunkEvent(Kind.RETRY, chunk, failedAttempt, duration, failure, delay));
  }

  void chunkTimeout(SparkPartitionInformation chunk, int attempt, Duration duration, Throwable failure) {
    deliver(new ChunkEvent(Kind.TIMEOUT, chunk, attempt, duration, failure, Duration.ZERO));
  }

  /**
   * Hands {@code event} to the listener, if any: on this thread, unless this is a network thread (then on a
   * callback thread) or another event is being delivered (then right after it, by the thread delivering it).
   */
  void deliver(AsyncUdfEvent event) {
    if (listener == null) {
      return;
    }
    synchronized (lock) {
      if (delivering) {
        queued.add(event);
        return;
      }
      delivering = true;
      if (AsyncUdfThreads.onNetworkThread()) {
        queued.add(event);
        offNetwork.execute(this::drain);
        return;
      }
    }
    hand(event);
    drain();
  }

  /**
   * Delivers the partition's last event once every event before it has been delivered, waiting for them on this
   * thread (the task's). If interrupted while waiting, queues it behind them instead.
   */
  void deliverLast(AsyncUdfEvent event) {
    if (listener == null) {
      return;
    }
    synchronized (lock) {
      while (delivering) {
        try {
          lock.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          queued.add(event);
          return;
        }
      }
    }
    deliver(event);
  }

  /** Delivers the queued events; the caller is the delivering thread. */
  private void drain() {
    while (true) {
      AsyncUdfEvent next;
      synchronized (lock) {
        next = queued.poll();
        if (next == null) {
          delivering = false;
          lock.notifyAll();
          return;
        }
      }
      hand(next);
    }
  }

  private void hand(AsyncUdfEvent event) {
    try {
      listener.onEvent(event);
    } catch (RuntimeException | LinkageError e) {
      LOG.warn("AsyncUdfListener {} threw on {}; ignoring", listener.getClass().getName(), event, e);
    }
  }
}
