package io.asyncudf;

import java.util.Objects;

/**
 * A failure that could not travel from an executor to the driver as itself (it does not serialize): an event
 * of the driver listener carries this instead, with the original's class name, message and stack trace.
 */
public final class RemoteFailure extends RuntimeException {

  private final String className;

  private RemoteFailure(Throwable original) {
    super(original.toString());
    this.className = original.getClass().getName();
    setStackTrace(original.getStackTrace());
  }

  /** The stand-in for {@code original}, and for its causes in turn (at most 16 deep). */
  public static RemoteFailure of(Throwable original) {
    Objects.requireNonNull(original, "original");
    RemoteFailure outer = new RemoteFailure(original);
    RemoteFailure current = outer;
    Throwable cause = original.getCause();
    for (int depth = 0; cause != null && cause != original && depth < 16; depth++) {
      RemoteFailure next = new RemoteFailure(cause);
      current.initCause(next);
      current = next;
      cause = cause.getCause();
    }
    return outer;
  }

  /** The class of the original failure. */
  public String className() {
    return className;
  }
}
