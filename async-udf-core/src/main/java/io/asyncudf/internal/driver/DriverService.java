package io.asyncudf.internal.driver;

import io.asyncudf.JobProgress;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Everything the driver serves to executors, independent of the transport: the channels of UDF
 * applications (held weakly: a channel lives as long as the plan that uses it), the lease service
 * of job-wide budgets, and the progress of recent runs. Messages come in and go out as bytes.
 */
public final class DriverService {

  private static final int RECENT_RUNS = 20;

  private final LongSupplier nanoClock;
  private final DriverChannel.JobStopper stopper;
  private final LeaseService leases;
  private final Map<String, WeakReference<DriverChannel>> channels = new LinkedHashMap<>();
  private final Deque<JobProgress> finished = new ArrayDeque<>();
  private final Function<DriverService, ProgressReporter> reporterFactory;
  private ProgressReporter reporter;

  /** A service whose progress goes to stderr (a terminal) or the log, ticking on a thread of its own. */
  public DriverService(DriverChannel.JobStopper stopper) {
    this(stopper, System::nanoTime, service -> ProgressReporter.start(service::progressChannels));
  }

  /** A service on {@code nanoClock} (a simulation's), its progress shown like {@link #DriverService(DriverChannel.JobStopper)}'s. */
  public DriverService(DriverChannel.JobStopper stopper, LongSupplier nanoClock) {
    this(stopper, nanoClock, service -> ProgressReporter.start(service::progressChannels));
  }

  DriverService(DriverChannel.JobStopper stopper, LongSupplier nanoClock,
      Function<DriverService, ProgressReporter> reporterFactory) {
    this.stopper = stopper;
    this.nanoClock = nanoClock;
    this.leases = new LeaseService(nanoClock);
    this.reporterFactory = reporterFactory;
  }

  private synchronized ProgressReporter reporter() {
    if (reporter == null) {
      reporter = reporterFactory.apply(this);
    }
    return reporter;
  }

  /**
   * Opens the channel of one UDF application. The caller keeps it strongly reachable for as long as
   * the application's tasks may run (the plan holds it).
   *
   * @param partitions the input's partitions, 0 when unknown
   */
  public DriverChannel open(String name, DriverOptions options, boolean progress, int partitions) {
    String id = UUID.randomUUID().toString();
    ProgressReporter shown = progress ? reporter() : null;
    DriverChannel channel = new DriverChannel(id, name, options, progress, partitions, stopper, nanoClock, run -> {
      finished(run);
      shown.ended(id, run);
    });
    synchronized (channels) {
      channels.values().removeIf(ref -> ref.get() == null);
      channels.put(channel.spec().id(), new WeakReference<>(channel));
    }
    return channel;
  }

  /** Stops the progress thread; the service answers nothing after its endpoint has stopped anyway. */
  public synchronized void close() {
    if (reporter != null) {
      reporter.close();
    }
  }

  /** Answers one message from an executor, encoded; never fails (failures travel in the answer) except for garbage. */
  public CompletableFuture<byte[]> handle(byte[] message) {
    DriverMessage decoded = (DriverMessage) Codec.decode(message, DriverService.class.getClassLoader());
    if (decoded instanceof DriverMessage.Call call) {
      DriverChannel channel = channel(call.channel());
      if (channel == null) {
        return CompletableFuture.completedFuture(Codec.encode(new DriverMessage.CallReply(null, "(none)",
            "the driver no longer knows this UDF application (its plan is gone)")));
      }
      return channel.call(call.request(), call.timeoutMillis()).thenApply(Codec::encode);
    }
    if (decoded instanceof DriverMessage.Events events) {
      DriverChannel channel = channel(events.channel());
      return channel == null ? CompletableFuture.completedFuture(Codec.encode(new DriverMessage.EventsReply(null)))
          : channel.events(events.events()).thenApply(Codec::encode);
    }
    if (decoded instanceof DriverMessage.Lease lease) {
      return CompletableFuture.completedFuture(Codec.encode(
          leases.lease(lease.budget(), lease.requestsPerSecond(), lease.holder(), lease.demand())));
    }
    DriverMessage.Pause pause = (DriverMessage.Pause) decoded;
    leases.pause(pause.budget(), Duration.ofNanos(pause.pauseNanos()));
    return CompletableFuture.completedFuture(Codec.encode(Boolean.TRUE));
  }

  private DriverChannel channel(String id) {
    synchronized (channels) {
      WeakReference<DriverChannel> ref = channels.get(id);
      return ref == null ? null : ref.get();
    }
  }

  /**
   * Spark saw task attempt {@code taskAttemptId} fail, with or without its end event: a progress run
   * does not wait for an attempt that can no longer report (one lost with its executor), nor count its
   * rows. Called for failed attempts only (of any job), so it may look at every channel.
   */
  public void attemptFailed(long taskAttemptId) {
    for (DriverChannel channel : progressChannels()) {
      channel.attemptFailed(taskAttemptId);
    }
  }

  /** Channels that show progress and are still reachable. */
  List<DriverChannel> progressChannels() {
    List<DriverChannel> live = new ArrayList<>();
    synchronized (channels) {
      for (Iterator<WeakReference<DriverChannel>> it = channels.values().iterator(); it.hasNext(); ) {
        DriverChannel channel = it.next().get();
        if (channel == null) {
          it.remove();
        } else if (channel.showsProgress()) {
          live.add(channel);
        }
      }
    }
    return live;
  }

  /** Records a run that ended, for {@link #progress()}. */
  void finished(JobProgress run) {
    synchronized (finished) {
      finished.addLast(run);
      while (finished.size() > RECENT_RUNS) {
        finished.removeFirst();
      }
    }
  }

  /** The latest runs that ended (at most 20), oldest first, then the running ones. */
  public List<JobProgress> progress() {
    List<JobProgress> all;
    synchronized (finished) {
      all = new ArrayList<>(finished);
    }
    for (DriverChannel channel : progressChannels()) {
      JobProgress now = channel.progress();
      if (now != null && now.running()) {
        all.add(now);
      }
    }
    return all;
  }
}
