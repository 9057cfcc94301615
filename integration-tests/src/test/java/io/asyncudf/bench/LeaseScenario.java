package io.asyncudf.bench;

import io.asyncudf.internal.connector.ClusterCoordinator;
import io.asyncudf.internal.connector.ClusterRateLimit;
import io.asyncudf.internal.connector.RateLease;
import io.asyncudf.internal.connector.VirtualTimeScheduler;
import io.asyncudf.internal.driver.Codec;
import io.asyncudf.internal.driver.DriverMessage;
import io.asyncudf.internal.driver.DriverService;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code leases} scenario: 1,000 simulated executors, each with the real {@link ClusterRateLimit},
 * lease a job-wide budget from the driver's real {@link DriverService} (messages encoded and decoded as
 * on the wire) in one JVM, on a virtual clock. Half the executors want far more than their share, half
 * want a little; after 15 s a tenth of them die. Reports the driver's CPU per lease (measured on the
 * thread that handles them) and the total rate achieved against the budget before and after the deaths.
 */
final class LeaseScenario {

  static final int EXECUTORS = 1_000;
  static final double BUDGET = 20_000;
  private static final double LIGHT_RATE = 4;
  private static final int HEAVY_OUTSTANDING = 64;
  private static final Duration RUN = Duration.ofSeconds(30);
  private static final Duration DEATHS = Duration.ofSeconds(15);

  private final VirtualTimeScheduler time = new VirtualTimeScheduler();
  private final DriverService driver = new DriverService((stage, reason) -> { }, time::nanos);
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final AtomicLong leases = new AtomicLong();
  private final AtomicLong driverCpuNanos = new AtomicLong();
  private final List<Long> starts = new ArrayList<>();

  /** One simulated executor JVM: its limit, its coordinator link, and whether it is alive. */
  private final class Executor implements ClusterCoordinator {
    final String name;
    final ClusterRateLimit limit;
    boolean alive = true;

    Executor(int index) {
      this.name = "executor-" + index;
      this.limit = new ClusterRateLimit("service", BUDGET, Duration.ofMinutes(10), this, time, time::nanos);
    }

    @Override
    public CompletionStage<RateLease> lease(String budget, double requestsPerSecond, double demand) {
      if (!alive) {
        return new CompletableFuture<>(); // a dead JVM sends nothing
      }
      byte[] message = Codec.encode(new DriverMessage.Lease(budget, requestsPerSecond, name, demand));
      long cpu = threads.getCurrentThreadCpuTime();
      byte[] answer = driver.handle(message).join();
      driverCpuNanos.addAndGet(threads.getCurrentThreadCpuTime() - cpu);
      leases.incrementAndGet();
      return CompletableFuture.completedFuture((RateLease) Codec.decode(answer, LeaseScenario.class.getClassLoader()));
    }

    @Override
    public CompletionStage<Void> pause(String budget, Duration pause) {
      return CompletableFuture.completedFuture(null);
    }

    void keepBusy() {
      if (alive) {
        limit.acquire().thenRun(() -> {
          starts.add(time.nanos());
          keepBusy();
        });
      }
    }

    void trickle() {
      if (alive) {
        limit.acquire().thenRun(() -> starts.add(time.nanos()));
        time.schedule(this::trickle, (long) (1e9 / LIGHT_RATE), TimeUnit.NANOSECONDS);
      }
    }
  }

  /** Runs the simulation and prints its numbers. */
  static void run(PrintStream out) {
    new LeaseScenario().simulate(out);
  }

  private void simulate(PrintStream out) {
    long wallStart = System.nanoTime();
    long begin = time.nanos();
    List<Executor> executors = new ArrayList<>();
    for (int i = 0; i < EXECUTORS; i++) {
      Executor executor = new Executor(i);
      executors.add(executor);
      if (i % 2 == 0) {
        for (int j = 0; j < HEAVY_OUTSTANDING; j++) {
          executor.keepBusy();
        }
      } else {
        executor.trickle();
      }
    }
    time.advance(DEATHS);
    for (int i = 0; i < EXECUTORS; i += 10) {
      executors.get(i).alive = false; // every tenth: all heavy ones, 100 executors
    }
    time.advance(RUN.minus(DEATHS));

    double before = rate(begin + Duration.ofSeconds(5).toNanos(), begin + DEATHS.toNanos());
    double after = rate(begin + DEATHS.plusSeconds(3).toNanos(), begin + RUN.toNanos());
    out.println();
    out.printf(Locale.ROOT, "Lease service, %,d simulated executors (half want more than their share, half %.0f req/s;"
        + " 100 die at %ds), budget %,.0f req/s, %ds of virtual time:%n", EXECUTORS, LIGHT_RATE, DEATHS.toSeconds(),
        BUDGET, RUN.toSeconds());
    out.printf(Locale.ROOT, "  leases granted: %,d (%,.0f/s); driver CPU per lease: %.1f us (%.1f%% of one core at this rate)%n",
        leases.get(), leases.get() / (double) RUN.toSeconds(), driverCpuNanos.get() / 1e3 / leases.get(),
        driverCpuNanos.get() / 1e9 / RUN.toSeconds() * 100);
    out.printf(Locale.ROOT, "  total rate 5-15 s: %,.0f req/s = %.3f of the budget; after the deaths (18-30 s): %,.0f req/s"
        + " = %.3f%n", before, before / BUDGET, after, after / BUDGET);
    out.printf(Locale.ROOT, "  (simulated in %.1f s of wall time)%n", (System.nanoTime() - wallStart) / 1e9);
  }

  private double rate(long from, long to) {
    return starts.stream().filter(t -> t >= from && t < to).count() / ((to - from) / 1e9);
  }
}
