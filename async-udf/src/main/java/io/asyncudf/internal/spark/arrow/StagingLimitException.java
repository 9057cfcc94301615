package io.asyncudf.internal.spark.arrow;

/** A partition's input did not fit in the Arrow staging memory limit. */
public final class StagingLimitException extends IllegalStateException {

  StagingLimitException(String message, Throwable cause) {
    super(message, cause);
  }
}
