package io.asyncudf.internal.driver;

import io.asyncudf.JobProgress;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shows the progress of running UDF applications on the driver: on a terminal, one line rewritten in
 * place at most once a second and left on screen with the final numbers when the run ends; otherwise
 * (stderr redirected, a notebook kernel, a cluster manager's log) a log line of logger
 * {@code io.asyncudf.progress} every {@link #LOG_EVERY_SECONDS} seconds and one at the end.
 */
final class ProgressReporter {

  static final int LOG_EVERY_SECONDS = 10;
  private static final Logger LOG = LoggerFactory.getLogger("io.asyncudf.progress");

  private final Supplier<List<DriverChannel>> channels;
  private final PrintStream terminal;
  private final LongSupplier nanoClock;
  private final Map<String, Long> lastLogged = new HashMap<>();
  private final Map<String, Long> lastEnded = new HashMap<>();
  private ScheduledExecutorService ticker;
  private boolean lineShown;

  /** @param terminal where the line goes, or null to log instead */
  ProgressReporter(Supplier<List<DriverChannel>> channels, PrintStream terminal, LongSupplier nanoClock) {
    this.channels = channels;
    this.terminal = terminal;
    this.nanoClock = nanoClock;
  }

  /** A reporter on stderr when it is a terminal, else on the log, ticking once a second on a daemon thread. */
  static ProgressReporter start(Supplier<List<DriverChannel>> channels) {
    ProgressReporter reporter = new ProgressReporter(channels, stderrIsTerminal() ? System.err : null, System::nanoTime);
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "asyncudf-progress");
      thread.setDaemon(true);
      return thread;
    });
    ticker.scheduleAtFixedRate(reporter::tick, 1, 1, TimeUnit.SECONDS);
    reporter.ticker = ticker;
    return reporter;
  }

  /** Stops the ticking thread. */
  synchronized void close() {
    if (ticker != null) {
      ticker.shutdownNow();
    }
  }

  /** Shows the running runs' numbers (called once a second). */
  void tick() {
    long collected = nanoClock.getAsLong();
    Map<String, JobProgress> running = new java.util.LinkedHashMap<>();
    for (DriverChannel channel : channels.get()) { // outside this reporter's lock: a run may end meanwhile
      JobProgress progress = channel.progress();
      if (progress != null && progress.running()) {
        running.put(channel.spec().id(), progress);
      }
    }
    show(running, collected);
  }

  private synchronized void show(Map<String, JobProgress> running, long collected) {
    StringJoiner line = new StringJoiner("  ||  ");
    long now = nanoClock.getAsLong();
    // a run's end matters only to the tick that collected its numbers before it: a stream ends one per micro-batch
    lastEnded.values().removeIf(ended -> now - ended > TimeUnit.SECONDS.toNanos(LOG_EVERY_SECONDS));
    for (Map.Entry<String, JobProgress> run : running.entrySet()) {
      Long ended = lastEnded.get(run.getKey());
      if (ended != null && ended - collected >= 0) {
        continue; // it ended after these numbers were taken: its final line is already shown
      }
      JobProgress progress = run.getValue();
      if (terminal != null) {
        line.add(progress.toString());
      } else {
        Long last = lastLogged.get(run.getKey());
        if (last == null || now - last >= TimeUnit.SECONDS.toNanos(LOG_EVERY_SECONDS)) {
          lastLogged.put(run.getKey(), now);
          LOG.info("{}", progress);
        }
      }
    }
    if (terminal != null && line.length() > 0) {
      terminal.print("\r" + line + "\u001b[K");
      terminal.flush();
      lineShown = true;
    }
  }

  /** A run ended: its final numbers stay on screen (or go to the log). */
  synchronized void ended(String channel, JobProgress run) {
    lastLogged.remove(channel);
    lastEnded.put(channel, nanoClock.getAsLong());
    if (terminal != null) {
      terminal.print((lineShown ? "\r" : "") + run + " (done)\u001b[K\n");
      terminal.flush();
      lineShown = false;
    } else {
      LOG.info("{} (done)", run);
    }
  }

  /** Whether this process's stderr is a terminal (Linux: fd 2 is a tty or pty device). */
  static boolean stderrIsTerminal() {
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (Exception e) {
      return System.console() != null;
    }
  }
}
