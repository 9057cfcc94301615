package io.asyncudf;

import java.util.Objects;

/**
 * Thrown by a {@linkplain ConfigurableUdf#driverListener driver listener} to stop the job: the driver
 * cancels the stage the event came from, its running tasks are killed (ending their requests), and
 * the job fails with an exception whose message contains {@link #reason()}.
 */
public final class StopJobException extends RuntimeException {

  public StopJobException(String reason) {
    super(Objects.requireNonNull(reason, "reason"));
  }

  /** Why the job was stopped, as it appears in the job's exception. */
  public String reason() {
    return getMessage();
  }
}
