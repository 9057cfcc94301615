package io.asyncudf;

import java.util.Objects;

/**
 * A failure that could not travel from an executor to the driver as itself (it does not serialize): an event
 * of the driver listener carries this instead, with the original's class name, message and stack trace.
 */
public final class RemoteFailure extends RuntimeException {

  private final String className;

  private RemoteFailure(Throwable original) {
    super(original.getClass().getName() + ": " + original.getMessage());
    this.className = original.getClass().getName();
    setStackTrace(original.getStackTrace());
  }

  /** The stand-in for {@code original}. */
  public static RemoteFailure of(Throwable original) {
    return new RemoteFailure(Objects.requireNonNull(original, "original"));
  }

  /** The class of the original failure. */
  public String className() {
    return className;
  }
}
