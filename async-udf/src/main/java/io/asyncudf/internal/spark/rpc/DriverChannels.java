package io.asyncudf.internal.spark.rpc;

import io.asyncudf.JobProgress;
import io.asyncudf.internal.driver.DriverChannel;
import io.asyncudf.internal.driver.DriverOptions;
import java.util.List;
import org.apache.spark.SparkContext;

/**
 * Opens the driver channel of a UDF application when it needs one (a callback, a driver listener,
 * progress), on the driver, at planning time. Not meant to be used directly.
 */
public final class DriverChannels {

  /** The conf key that turns the progress line on for every async UDF of a session. */
  public static final String PROGRESS_KEY = "spark.asyncudf.progress";

  private DriverChannels() {}

  /**
   * The channel of one application of UDF {@code name}, or null when it needs none; starts the
   * driver's endpoint either way.
   *
   * @param sessionProgress whether the session asks for progress ({@value #PROGRESS_KEY})
   * @param partitions the input's partitions
   */
  public static DriverChannel open(SparkContext context, String name, DriverOptions options, boolean sessionProgress,
      int partitions) {
    // the endpoint also serves the executors' leases on job-wide budgets, so it starts even without a channel
    var service = DriverEndpoint.service(context);
    boolean progress = options.progress() || sessionProgress;
    if (options.callback() == null && options.listener() == null && !progress) {
      return null;
    }
    return service.open(name, options, progress, partitions);
  }

  /** Starts the driver's endpoint of {@code context} now (UDF planning does it too). */
  public static void install(SparkContext context) {
    DriverEndpoint.service(context);
  }

  /** The progress of the latest runs on this driver, oldest first, running ones last. */
  public static List<JobProgress> progress() {
    return DriverEndpoint.services().stream().flatMap(service -> service.progress().stream()).toList();
  }

  public static boolean enabled(String value) {
    return value != null && Boolean.parseBoolean(value.trim());
  }
}
