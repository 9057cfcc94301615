package io.asyncudf;

/**
 * A {@link ChunkContext#callDriver} call that did not get an answer: the {@link DriverCallback} threw
 * (the message names its class and carries its message), the driver was too busy, or the call timed
 * out. Like any failure of a chunk function it fails the chunk, or lands in the error column.
 */
public final class DriverCallbackException extends RuntimeException {

  private final String handler;

  public DriverCallbackException(String handler, String message) {
    super(message);
    this.handler = handler;
  }

  /** The class name of the callback, or {@code "(none)"} when none was configured. */
  public String handler() {
    return handler;
  }
}
