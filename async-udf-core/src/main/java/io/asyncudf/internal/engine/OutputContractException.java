package io.asyncudf.internal.engine;

/**
 * A chunk function broke the helper's contract (for example returned a different number of
 * outputs than inputs, or a value of the wrong type). It is a bug in the function, so it is never
 * retried and never recorded as data: it always fails the task.
 */
public final class OutputContractException extends IllegalStateException {

  public OutputContractException(String message) {
    super(message);
  }

  public OutputContractException(String message, Throwable cause) {
    super(message, cause);
  }
}
