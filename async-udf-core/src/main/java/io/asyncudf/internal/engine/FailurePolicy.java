package io.asyncudf.internal.engine;

import java.io.Serializable;
import java.util.List;

/**
 * Whether a chunk's final failure becomes data (recorded per row) or fails the task.
 *
 * @param record whether failures are recorded at all (an error column exists)
 * @param failOn failure types that always fail the task, even when failures are recorded
 */
public record FailurePolicy(boolean record, List<Class<? extends Throwable>> failOn) implements Serializable {

  public FailurePolicy {
    failOn = List.copyOf(failOn);
  }

  /** Every final failure fails the task. */
  public static FailurePolicy failTask() {
    return new FailurePolicy(false, List.of());
  }

  /** Whether {@code failure} is recorded rather than failing the task. */
  public boolean records(Throwable failure) {
    if (!record || failure instanceof OutputContractException) {
      return false;
    }
    for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
      for (Class<? extends Throwable> type : failOn) {
        if (type.isInstance(cause)) {
          return false;
        }
      }
    }
    return true;
  }
}
