package io.asyncudf.internal.driver;

import io.asyncudf.AsyncUdfEvent;
import io.asyncudf.AsyncUdfListener;
import io.asyncudf.DriverCallbackException;
import io.asyncudf.PartitionEvent;
import io.asyncudf.internal.connector.AsyncUdfThreads;
import io.asyncudf.internal.connector.InFlightLimit;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One task's end of its UDF application's driver channel, on the executor.
 *
 * <p>Callback calls never block: at most {@link #CALLS_IN_FLIGHT} are on their way at once, the rest
 * wait in a queue without a thread, and each fails with a {@link DriverCallbackException} after the
 * call timeout. Events are batched (up to {@link #BATCH_EVENTS}, or what came within
 * {@link #BATCH_WINDOW}) and sent one batch at a time, so they reach the driver in the order they
 * happened; {@link #close()} sends what is left and waits, bounded, until the driver has it, so a job's
 * events have all arrived when its action returns. A driver listener that falls {@link #BATCHES_WAITING}
 * batches behind does not hold the executor's memory: the chunk and request events of further batches are
 * dropped, counted and reported in a warning, until it catches up; partition events (two per task, which
 * progress and the listener's runs count on) are kept and go with a later batch. Thread-safe.
 */
public final class TaskChannel implements DriverCalls, AutoCloseable {

  static final int CALLS_IN_FLIGHT = 16;
  static final int BATCH_EVENTS = 512;
  static final Duration BATCH_WINDOW = Duration.ofMillis(200);
  static final Duration CLOSE_WAIT = Duration.ofSeconds(30);
  /** Batches sent or waiting to be sent that the driver has not answered, at most. */
  static final int BATCHES_WAITING = 16;
  private static final Logger LOG = LoggerFactory.getLogger(TaskChannel.class);

  private final ChannelSpec spec;
  private final DriverLink link;
  private final ScheduledExecutorService scheduler;
  private final Duration callTimeout;
  private final ClassLoader loader;
  private final Executor callbacks = AsyncUdfThreads.callbacks();
  private final InFlightLimit calls;
  private final List<AsyncUdfEvent> pending = new ArrayList<>();
  private CompletableFuture<?> lastBatch = CompletableFuture.completedFuture(null);
  private boolean flushScheduled;
  private int unanswered;
  private long dropped;

  /**
   * @param callTimeout how long a callback call may take, queueing included
   * @param loader reads the callback's responses (the task's class loader, which knows the user's classes)
   */
  public TaskChannel(ChannelSpec spec, DriverLink link, ScheduledExecutorService scheduler, Duration callTimeout,
      ClassLoader loader) {
    this.spec = Objects.requireNonNull(spec, "spec");
    this.link = Objects.requireNonNull(link, "link");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.callTimeout = Objects.requireNonNull(callTimeout, "callTimeout");
    this.loader = Objects.requireNonNull(loader, "loader");
    // the call's own timer ends a call that waits too long; the limit's, a little later, is only a backstop
    this.calls = InFlightLimit.fixed(CALLS_IN_FLIGHT, "all " + CALLS_IN_FLIGHT + " driver callback calls",
        "twice the call timeout", callTimeout.multipliedBy(2), callbacks);
  }

  @Override
  public <Q extends Serializable, R extends Serializable> CompletableFuture<R> call(Q request) {
    if (!spec.callback()) {
      return DriverCalls.none(spec.name()).call(request);
    }
    byte[] encoded;
    try {
      encoded = Codec.encode(request);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    long start = System.nanoTime();
    CompletableFuture<R> result = new CompletableFuture<>();
    var timer = scheduler.schedule(() -> callbacks.execute(() -> result.completeExceptionally(new DriverCallbackException(
        "(unknown)", "the driver callback of " + spec.name() + " did not answer within " + callTimeout))),
        callTimeout.toNanos(), TimeUnit.NANOSECONDS);
    // the call's time left goes with it, so that the driver does not start a call this task has given up on
    CompletableFuture<byte[]> answer = calls.run(() -> {
      long left = Math.max(0, callTimeout.toMillis() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
      return link.ask(Codec.encode(new DriverMessage.Call(spec.id(), encoded, left)), callTimeout);
    });
    result.whenComplete((value, failure) -> {
      timer.cancel(false);
      answer.cancel(false); // stops the wait for a slot, or the call
    });
    // the answer arrives on a Spark RPC thread: the chunk's continuations run on the connector threads instead
    answer.whenCompleteAsync((bytes, failure) -> {
      if (failure != null) {
        result.completeExceptionally(new DriverCallbackException("(unknown)", "cannot reach the driver callback of "
            + spec.name() + ": " + unwrap(failure)));
      } else {
        complete(result, bytes);
      }
    }, callbacks);
    return result;
  }

  @SuppressWarnings("unchecked")
  private <R> void complete(CompletableFuture<R> result, byte[] bytes) {
    try {
      DriverMessage.CallReply reply = (DriverMessage.CallReply) Codec.decode(bytes, loader);
      if (reply.failure() != null) {
        result.completeExceptionally(new DriverCallbackException(reply.handler(), reply.failure()));
      } else {
        result.complete((R) Codec.decode(reply.response(), loader));
      }
    } catch (RuntimeException e) {
      result.completeExceptionally(e);
    }
  }

  /** The listener that sends this task's events to the driver, or null when the driver wants none. */
  public AsyncUdfListener eventForwarder() {
    return spec.events() ? new Forwarder() : null;
  }

  private void report(AsyncUdfEvent event) {
    AsyncUdfEvent portable = PortableEvents.of(event);
    boolean flushNow;
    boolean schedule = false;
    synchronized (this) {
      pending.add(portable);
      flushNow = pending.size() >= BATCH_EVENTS;
      if (!flushNow && !flushScheduled) {
        flushScheduled = true;
        schedule = true;
      }
    }
    if (flushNow) {
      flush();
    } else if (schedule) {
      scheduler.schedule(this::flush, BATCH_WINDOW.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  /**
   * Sends the pending events after the batch before them has arrived; the send runs on the callback executor,
   * never on a thread holding this channel's lock.
   */
  private CompletableFuture<?> flush() {
    return send(false);
  }

  /** As {@link #flush()}; {@code last}: the task's final batch, sent however many are unanswered. */
  private synchronized CompletableFuture<?> send(boolean last) {
    flushScheduled = false;
    if (pending.isEmpty()) {
      return lastBatch;
    }
    if (unanswered >= BATCHES_WAITING && !last) {
      if (dropped == 0) {
        LOG.warn("the driver listener of {} has not answered {} batches of events: this task drops its chunk and "
            + "request events until it catches up (a listener should return at once)", spec.name(), unanswered);
      }
      int before = pending.size();
      pending.removeIf(event -> !(event instanceof PartitionEvent));
      dropped += before - pending.size();
      return lastBatch;
    }
    int events = pending.size();
    byte[] message = Codec.encode(new DriverMessage.Events(spec.id(), Codec.encode(new ArrayList<>(pending))));
    pending.clear();
    unanswered++;
    lastBatch = lastBatch.handle((done, failure) -> null)
        .thenComposeAsync(previous -> link.ask(message, CLOSE_WAIT), callbacks)
        .whenComplete((answer, failure) -> {
          synchronized (this) {
            unanswered--;
          }
          if (failure != null) {
            LOG.warn("{} events of {} did not reach the driver: {}", events, spec.name(), unwrap(failure));
          }
        });
    return lastBatch;
  }

  /** Events this task dropped because the driver listener was {@link #BATCHES_WAITING} batches behind. */
  synchronized long droppedEvents() {
    return dropped;
  }

  /** Batches sent or waiting to be sent that the driver has not answered. */
  synchronized int unansweredBatches() {
    return unanswered;
  }

  /** Sends the events left and waits until the driver has them (at most {@link #CLOSE_WAIT}). */
  @Override
  public void close() {
    if (!spec.events()) {
      return;
    }
    try {
      send(true).get(CLOSE_WAIT.toNanos(), TimeUnit.NANOSECONDS);
      long lost = droppedEvents();
      if (lost > 0) {
        LOG.warn("{} events of {} were dropped in this task: its driver listener did not keep up", lost, spec.name());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("events of {} may not all have reached the driver: {}", spec.name(), unwrap(e));
    }
  }

  private static String unwrap(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof ExecutionException || cause instanceof java.util.concurrent.CompletionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause.toString();
  }

  private final class Forwarder implements AsyncUdfListener {
    @Override
    public void onEvent(AsyncUdfEvent event) {
      report(event);
    }
  }
}
