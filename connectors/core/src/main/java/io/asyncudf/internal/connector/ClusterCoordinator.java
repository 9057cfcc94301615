package io.asyncudf.internal.connector;

import java.time.Duration;
import java.util.Iterator;
import java.util.ServiceLoader;
import java.util.concurrent.CompletionStage;

/**
 * The executors' side of a job-wide request budget: rate leases and pauses granted by one
 * coordinator for the whole job (on Spark, the driver). Connectors find the implementation with
 * {@link #current()}; the Spark adapter of {@code async-udf} provides one.
 */
public interface ClusterCoordinator {

  /**
   * A lease on part of budget {@code budget}: {@code requestsPerSecond} in total across the job, of
   * which this executor would use {@code demand} per second. The stage fails when the coordinator
   * cannot be reached.
   */
  CompletionStage<RateLease> lease(String budget, double requestsPerSecond, double demand);

  /** Tells every holder of budget {@code budget} to start no request for {@code pause}. */
  CompletionStage<Void> pause(String budget, Duration pause);

  /**
   * The coordinator of this JVM (the first {@code ServiceLoader} provider).
   *
   * @throws IllegalStateException if none is on the class path
   */
  static ClusterCoordinator current() {
    Iterator<ClusterCoordinator> providers =
        ServiceLoader.load(ClusterCoordinator.class, ClusterCoordinator.class.getClassLoader()).iterator();
    if (!providers.hasNext()) {
      throw new IllegalStateException("a cluster-wide request budget needs a ClusterCoordinator, and none is on the"
          + " class path: run inside a Spark job with io.asyncudf:async-udf (or the shaded jar) loaded");
    }
    return providers.next();
  }
}
