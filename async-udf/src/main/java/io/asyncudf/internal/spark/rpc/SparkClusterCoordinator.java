package io.asyncudf.internal.spark.rpc;

import io.asyncudf.internal.connector.AsyncUdfThreads;
import io.asyncudf.internal.connector.ClusterCoordinator;
import io.asyncudf.internal.connector.RateLease;
import io.asyncudf.internal.driver.Codec;
import io.asyncudf.internal.driver.DriverMessage;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkEnv;

/**
 * Job-wide request budgets on Spark: leases and pauses come from the driver's lease service over the
 * driver channel. Found by connectors through {@code ServiceLoader}.
 */
public final class SparkClusterCoordinator implements ClusterCoordinator {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  /** Each rate limit loads its own coordinator, so two limits on one budget in one JVM are two holders. */
  private final int instance = INSTANCES.incrementAndGet();

  @Override
  public CompletionStage<RateLease> lease(String budget, double requestsPerSecond, double demand) {
    byte[] message = Codec.encode(new DriverMessage.Lease(budget, requestsPerSecond, holder(), demand));
    // off the Spark RPC thread that completes the ask: the lease lets requests go, which start HTTP calls
    return DriverEndpoint.link().ask(message, TIMEOUT)
        .thenApplyAsync(bytes -> (RateLease) Codec.decode(bytes, SparkClusterCoordinator.class.getClassLoader()),
            AsyncUdfThreads.callbacks());
  }

  @Override
  public CompletionStage<Void> pause(String budget, Duration pause) {
    byte[] message = Codec.encode(new DriverMessage.Pause(budget, pause.toNanos()));
    return DriverEndpoint.link().ask(message, TIMEOUT).thenAccept(bytes -> { });
  }

  /** This limit as a lease holder: executor id, process and instance. */
  private String holder() {
    SparkEnv env = SparkEnv.get();
    return (env == null ? "?" : env.executorId()) + "@" + ProcessHandle.current().pid() + "#" + instance;
  }
}
