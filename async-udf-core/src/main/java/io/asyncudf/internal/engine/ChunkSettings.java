package io.asyncudf.internal.engine;

import io.asyncudf.AsyncUdfListener;
import io.asyncudf.RetryPolicy;
import io.asyncudf.UdfOptions;
import java.io.Serializable;
import java.time.Duration;

/**
 * How the engine runs the chunks of one partition. Validated by the public UDF builders.
 *
 * @param maxChunkSize rows per chunk
 * @param maxConcurrentChunks chunks running at once, at most (and four times as many submitted but not yet emitted)
 * @param timeout limit of one attempt
 * @param retry which failed attempts are retried, how often and after what backoff
 * @param failures which final failures are recorded instead of failing the task
 * @param listener receiver of events, or null
 * @param ordered whether chunks are emitted in input order (otherwise as they complete)
 * @param onePerInput whether every chunk must produce exactly one output per input
 */
public record ChunkSettings(
    int maxChunkSize,
    int maxConcurrentChunks,
    Duration timeout,
    RetryPolicy retry,
    FailurePolicy failures,
    AsyncUdfListener listener,
    boolean ordered,
    boolean onePerInput)
    implements Serializable {

  /**
   * The settings {@code options} give.
   *
   * @param onePerInput a column helper's settings: one output per input, always in input order
   */
  public static ChunkSettings of(UdfOptions<?> options, boolean onePerInput) {
    return new ChunkSettings(options.maxChunkSize(), options.maxConcurrentChunks(), options.timeout(), options.retry(),
        new FailurePolicy(options.errorColumn() != null, options.failOn()), options.listener(),
        options.ordered() || onePerInput, onePerInput);
  }

  /** These settings with events going to {@code value} instead. */
  public ChunkSettings withListener(AsyncUdfListener value) {
    return new ChunkSettings(maxChunkSize, maxConcurrentChunks, timeout, retry, failures, value, ordered, onePerInput);
  }
}
