package io.asyncudf.internal.engine;

import java.time.Duration;
import java.util.List;

/**
 * How a chunk ended after all its attempts.
 *
 * @param <O> the output type
 */
public sealed interface ChunkOutcome<O> {

  /** Attempts made, at least 1. */
  int attempts();

  /** Time from the first attempt's start to the end. */
  Duration duration();

  /** The chunk function's outputs. */
  record Success<O>(List<O> outputs, int attempts, Duration duration) implements ChunkOutcome<O> {}

  /** The last attempt's failure, with future wrappers removed and timeouts as {@code TimeoutException}. */
  record Failure<O>(Throwable cause, int attempts, Duration duration) implements ChunkOutcome<O> {}
}
