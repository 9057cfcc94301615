package io.asyncudf.internal.driver;

import io.asyncudf.AsyncUdfEvent;
import io.asyncudf.AsyncUdfListener;
import io.asyncudf.DriverCallback;
import io.asyncudf.JobProgress;
import io.asyncudf.StopJobException;
import java.io.Serializable;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's end of one UDF application: answers its chunks' callback requests on a bounded pool
 * ({@link #CALLBACK_THREADS} threads, at most {@link #QUEUED_CALLS} waiting, further calls refused
 * with a message saying so), reads their events on one thread (so in order within a partition), keeps
 * the progress numbers and delivers the events to the driver listener before answering. A driver listener that throws
 * {@link StopJobException} stops the job through the {@link JobStopper}.
 */
public final class DriverChannel {

  static final int CALLBACK_THREADS = 4;
  static final int QUEUED_CALLS = 10_000;
  private static final Logger LOG = LoggerFactory.getLogger(DriverChannel.class);

  private final String id;
  private final String name;
  private final java.util.concurrent.atomic.AtomicBoolean callbackFailureLogged =
      new java.util.concurrent.atomic.AtomicBoolean();
  private final DriverCallback<Serializable, Serializable> callback;
  private final AsyncUdfListener listener;
  private final ProgressTracker progress;
  private final JobStopper stopper;
  private final ClassLoader loader;
  private final ExecutorService callbacks;
  private final ExecutorService events;
  private final LongSupplier nanoClock;
  private volatile String stopReason;
  private volatile int stoppedStage = -1;

  @SuppressWarnings("unchecked")
  DriverChannel(String id, String name, DriverOptions options, boolean progress, int partitions, JobStopper stopper,
      LongSupplier nanoClock, Consumer<JobProgress> runEnded) {
    this.id = id;
    this.name = name;
    this.callback = (DriverCallback<Serializable, Serializable>) options.callback();
    this.listener = options.listener();
    this.progress = progress ? new ProgressTracker(name, partitions, nanoClock, runEnded) : null;
    this.nanoClock = nanoClock;
    this.stopper = stopper;
    Object user = callback != null ? callback : listener;
    this.loader = user != null && user.getClass().getClassLoader() != null ? user.getClass().getClassLoader()
        : Codec.userLoader();
    this.callbacks = callback == null ? null : pool("asyncudf-callback-" + name, CALLBACK_THREADS,
        new ArrayBlockingQueue<>(QUEUED_CALLS));
    this.events = listener == null && !progress ? null
        : pool("asyncudf-driver-events-" + name, 1, new LinkedBlockingQueue<>());
  }

  /** What the executors need to know of this channel. */
  public ChannelSpec spec() {
    return new ChannelSpec(id, name, callback != null, listener != null || progress != null);
  }

  /** The progress numbers, or null when progress is off. */
  public JobProgress progress() {
    return progress == null || !progress.started() ? null : progress.snapshot();
  }

  /**
   * Spark saw task attempt {@code taskAttemptId} fail (see {@link ProgressTracker#attemptFailed}); told on
   * the event thread, after the batches of events that came before.
   */
  void attemptFailed(long taskAttemptId) {
    if (progress != null) {
      events.execute(() -> progress.attemptFailed(taskAttemptId));
    }
  }

  boolean showsProgress() {
    return progress != null;
  }

  /**
   * Runs the callback on {@code request} on one of the channel's threads, unless the calling task will have
   * given up on it ({@code timeoutMillis} from now) before a thread is free: a slow callback does not go on
   * answering calls nobody waits for while the ones that still could time out behind them.
   */
  CompletableFuture<DriverMessage.CallReply> call(byte[] request, long timeoutMillis) {
    String handler = callback == null ? "(none)" : callback.getClass().getName();
    if (callback == null) {
      return CompletableFuture.completedFuture(new DriverMessage.CallReply(null, handler,
          "no driver callback is configured for " + name + ": set one with .callback(DriverCallback)"));
    }
    CompletableFuture<DriverMessage.CallReply> reply = new CompletableFuture<>();
    long received = nanoClock.getAsLong();
    try {
      callbacks.execute(() -> {
        long waited = nanoClock.getAsLong() - received;
        if (waited > TimeUnit.MILLISECONDS.toNanos(timeoutMillis)) {
          reply.complete(new DriverMessage.CallReply(null, handler, "the call waited " + waited / 1_000_000
              + " ms for a thread of driver callback " + handler + " of " + name + ", past the " + timeoutMillis
              + " ms its task waits: not run"));
        } else {
          reply.complete(answer(handler, request));
        }
      });
    } catch (RejectedExecutionException e) {
      reply.complete(new DriverMessage.CallReply(null, handler, "driver callback " + handler + " of " + name
          + " is saturated: " + QUEUED_CALLS + " calls are waiting for its " + CALLBACK_THREADS + " threads"));
    }
    return reply;
  }

  private DriverMessage.CallReply answer(String handler, byte[] request) {
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(loader);
    try {
      Serializable question = (Serializable) Codec.decode(request, loader);
      Serializable answer = callback.handle(question);
      return new DriverMessage.CallReply(Codec.encode(answer), handler, null);
    } catch (Throwable e) { // whatever it is, the chunk hears of it rather than waiting for a timeout
      if (callbackFailureLogged.compareAndSet(false, true)) { // the task hears only its text: its trace is here
        LOG.warn("driver callback {} of {} failed (said once per query; each failure reaches its chunk)", handler,
            name, e);
      }
      return new DriverMessage.CallReply(null, handler, "driver callback " + handler + " failed: " + e);
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  /**
   * Reads a task's batch of events with the user's class loader, counts it for progress and hands it
   * to the driver listener, on this channel's one event thread; the answer comes when the listener has
   * seen the whole batch, so a task that waits for it ends only after its events were delivered.
   */
  @SuppressWarnings("unchecked")
  CompletableFuture<DriverMessage.EventsReply> events(byte[] bytes) {
    return CompletableFuture.supplyAsync(() -> {
      List<AsyncUdfEvent> batch;
      try {
        batch = (List<AsyncUdfEvent>) Codec.decode(bytes, loader);
      } catch (RuntimeException e) {
        LOG.warn("cannot read a batch of events of {}; the driver listener and progress miss it: {}", name, e.toString());
        return new DriverMessage.EventsReply(stopReason);
      }
      if (progress != null) {
        progress.record(batch);
      }
      if (listener != null) {
        deliver(batch);
      }
      return new DriverMessage.EventsReply(stopReason);
    }, events);
  }

  private void deliver(List<AsyncUdfEvent> batch) {
    for (AsyncUdfEvent event : batch) {
      if (stopReason != null) {
        if (event.partition().stageId() == stoppedStage) {
          continue; // the stage is being cancelled: its remaining events are not delivered
        }
        stopReason = null; // a later action on the same plan starts afresh
      }
      try {
        listener.onEvent(event);
      } catch (StopJobException stop) {
        stopReason = stop.reason();
        stoppedStage = event.partition().stageId();
        LOG.warn("driver listener {} of {} stops the job: {}", listener.getClass().getName(), name, stop.reason());
        stopper.stop(stoppedStage, "driver listener of " + name + " stopped the job: " + stop.reason());
      } catch (RuntimeException | LinkageError e) {
        LOG.warn("driver listener {} of {} threw on a {}; ignoring", listener.getClass().getName(), name,
            event.getClass().getSimpleName(), e);
      }
    }
  }

  private static ExecutorService pool(String name, int threads, java.util.concurrent.BlockingQueue<Runnable> queue) {
    ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, queue, runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /** Stops the job a stage belongs to, with a reason for its exception. */
  @FunctionalInterface
  public interface JobStopper {
    void stop(int stageId, String reason);
  }
}
