package io.asyncudf.internal.driver;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** An executor's way to the driver's {@link DriverService}: one message out, one answer back, as bytes. */
@FunctionalInterface
public interface DriverLink {

  /**
   * Sends {@code message}; the future completes with the answer, or fails when the driver cannot be
   * reached or does not answer within {@code timeout}. Cancelling the future abandons the wait.
   */
  CompletableFuture<byte[]> ask(byte[] message, Duration timeout);
}
