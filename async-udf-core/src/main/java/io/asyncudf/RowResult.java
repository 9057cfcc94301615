package io.asyncudf;

import java.util.Objects;

/**
 * One row's answer in a chunk whose rows succeed or fail one by one, such as the items of a bulk or batch
 * response: the row's output, or its own failure while the rest of its chunk succeeds. A column helper's
 * function returns these through {@link AsyncChunkFunction#withRowResults}: a failed row gets a null output
 * and the error struct with {@code errorColumn}, or fails the task naming the row without one (or when its
 * cause is a {@code failOn} type).
 *
 * @param <O> the Java type of one output
 */
public sealed interface RowResult<O> {

  /** The row's output. */
  static <O> RowResult<O> success(O value) {
    return new Success<>(value);
  }

  /**
   * The row's failure.
   *
   * @throws NullPointerException if {@code cause} is null
   */
  static <O> RowResult<O> failure(Throwable cause) {
    return new Failure<>(Objects.requireNonNull(cause, "cause"));
  }

  /** A row that succeeded with {@code value} (which may be null). */
  record Success<O>(O value) implements RowResult<O> {}

  /** A row that failed with {@code cause}. */
  record Failure<O>(Throwable cause) implements RowResult<O> {
    /** @throws NullPointerException if {@code cause} is null */
    public Failure {
      Objects.requireNonNull(cause, "cause");
    }
  }
}
