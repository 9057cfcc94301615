package io.asyncudf.internal.driver;

import java.io.Serializable;

/** What executors send to the driver's endpoint, and its answers. Every message is serializable. */
public sealed interface DriverMessage extends Serializable {

  /**
   * A {@code callDriver} request, the user's object serialized in {@code request}; the task gives up on it
   * {@code timeoutMillis} after it was sent, and the driver does not start it after that.
   */
  record Call(String channel, byte[] request, long timeoutMillis) implements DriverMessage {}

  /**
   * Events of one task, in the order they happened: a serialized {@code List<AsyncUdfEvent>}, read on
   * the driver with the channel's class loader (a failure may be of a user's class).
   */
  record Events(String channel, byte[] events) implements DriverMessage {}

  /** A lease request on budget {@code budget} for {@code holder}, which would use {@code demand} per second. */
  record Lease(String budget, double requestsPerSecond, String holder, double demand) implements DriverMessage {}

  /** A service asked for a pause of {@code pauseNanos} on budget {@code budget}. */
  record Pause(String budget, long pauseNanos) implements DriverMessage {}

  /** The answer to a {@link Call}: the response serialized, or why there is none. */
  record CallReply(byte[] response, String handler, String failure) implements Serializable {}

  /** The answer to {@link Events}: null to go on, or why the job was stopped. */
  record EventsReply(String stopReason) implements Serializable {}
}
