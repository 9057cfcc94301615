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
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers events to the user's listener, one at a time and in the order they were reported; what a listener
 * throws is logged, never propagated. Never on a connector's network thread: an event reported there (a
 * request's retry, re-send or wait) is delivered on a callback thread. An event reported while another is
 * being delivered waits, and a callback thread delivers it next, so a listener is never called concurrently
 * for one partition and sees each chunk's events in order. The partition's end comes after them.
 */
final class Events {

  private static final Logger LOG = LoggerFactory.getLogger(Events.class);

  /** How long a task waits for its partition's earlier events to be delivered before it delivers the end. */
  static final Duration LAST_EVENT_WAIT = Duration.ofSeconds(10);

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
   * Hands {@code event} to the listener, if any: on this thread, unless this is a network thread or another
   * event is being delivered; then on a callback thread, after the events before it.
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
        event = null;
      }
    }
    if (event != null) {
      handThenRelease(event);
    } else {
      drainElsewhere();
    }
  }

  /**
   * Delivers the partition's last event on this thread (the task's) once every event before it has been
   * delivered, waiting up to {@link #LAST_EVENT_WAIT} for them; after that, or if interrupted while waiting, it
   * goes behind them on a callback thread.
   */
  void deliverLast(AsyncUdfEvent event) {
    if (listener == null) {
      return;
    }
    synchronized (lock) {
      long deadline = System.nanoTime() + LAST_EVENT_WAIT.toNanos();
      long left;
      while (delivering && (left = deadline - System.nanoTime()) > 0) {
        try {
          TimeUnit.NANOSECONDS.timedWait(lock, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      if (delivering) {
        LOG.warn("the listener is still busy with earlier events of this partition; its end event is delivered "
            + "after them, on another thread");
        queued.add(event);
        return;
      }
      delivering = true;
    }
    handThenRelease(event);
  }

  /** Delivers {@code event} on this thread, which holds the lane; hands the lane to a callback thread if events wait. */
  private void handThenRelease(AsyncUdfEvent event) {
    try {
      hand(event);
    } finally {
      boolean more;
      synchronized (lock) {
        more = !queued.isEmpty();
        if (!more) {
          release();
        }
      }
      if (more) {
        drainElsewhere();
      }
    }
  }

  /** Has a callback thread deliver the queued events; the lane is held and stays held until they are delivered. */
  private void drainElsewhere() {
    offNetwork.execute(this::drain);
  }

  /** Delivers the queued events, then releases the lane; the caller holds the lane. */
  private void drain() {
    try {
      while (true) {
        AsyncUdfEvent next;
        synchronized (lock) {
          next = queued.poll();
          if (next == null) {
            release();
            return;
          }
        }
        hand(next);
      }
    } catch (OutOfMemoryError e) {
      synchronized (lock) {
        release();
      }
      throw e;
    }
  }

  /** Frees the lane (the caller holds the lock) and wakes a task waiting to deliver its partition's end. */
  private void release() {
    delivering = false;
    lock.notifyAll();
  }

  /** Calls the listener; anything it throws but an {@link OutOfMemoryError} (a stack overflow too) is logged. */
  private void hand(AsyncUdfEvent event) {
    try {
      listener.onEvent(event);
    } catch (OutOfMemoryError e) {
      throw e;
    } catch (Throwable e) {
      LOG.warn("AsyncUdfListener {} threw on {}; ignoring", listener.getClass().getName(), event, e);
    }
  }
}
