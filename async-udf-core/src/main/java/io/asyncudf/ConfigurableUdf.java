package io.asyncudf;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The options every async UDF has, set one at a time or all at once with {@link #options(UdfOptions)}.
 * Immutable: each option returns a new UDF of the same kind.
 *
 * @param <S> the UDF type the options return
 * @param <P> the user parameters
 */
public abstract sealed class ConfigurableUdf<S extends ConfigurableUdf<S, P>, P extends Serializable>
    implements Serializable permits ColumnUdf, DataFrameUdf {

  private final UdfOptions<P> options;

  ConfigurableUdf(UdfOptions<P> options) {
    this.options = Objects.requireNonNull(options, "options");
  }

  /** A UDF like this one with {@code changed} options. */
  abstract S with(UdfOptions<P> changed);

  /** The options in effect. */
  public final UdfOptions<P> options() {
    return options;
  }

  /**
   * Replaces every option at once.
   *
   * @throws NullPointerException if {@code options} is null
   */
  public final S options(UdfOptions<P> options) {
    return with(Objects.requireNonNull(options, "options"));
  }

  /** Serializable parameters handed to every chunk as {@link ChunkContext#parameters()}. */
  public final S parameters(P parameters) {
    return with(options.toBuilder().parameters(parameters).build());
  }

  /**
   * Rows per chunk (default 100); every chunk but a partition's last has exactly this many.
   *
   * @throws IllegalArgumentException if {@code rows} is below 1
   */
  public final S maxChunkSize(int rows) {
    return with(options.toBuilder().maxChunkSize(rows).build());
  }

  /**
   * Chunks in flight at once per task (default 8). In input order, finished chunks waiting for an
   * earlier one are held while new chunks start, up to four times as many chunks not yet emitted.
   *
   * @throws IllegalArgumentException if {@code chunks} is below 1
   */
  public final S maxConcurrentChunks(int chunks) {
    return with(options.toBuilder().maxConcurrentChunks(chunks).build());
  }

  /**
   * Limit of one chunk attempt (default 5 minutes): a late attempt is cancelled, with the requests it
   * registered, and fails with a {@code TimeoutException}.
   *
   * @throws IllegalArgumentException if {@code timeout} is not positive
   */
  public final S timeout(Duration timeout) {
    return with(options.toBuilder().timeout(timeout).build());
  }

  /**
   * Re-runs failed chunk attempts (default {@link RetryPolicy#none()}).
   *
   * @throws NullPointerException if {@code retry} is null
   */
  public final S retry(RetryPolicy retry) {
    return with(options.toBuilder().retry(retry).build());
  }

  /**
   * Records final failures as data instead of failing the task: the output (every output column for
   * a {@link DataFrameUdf}) is null on a failed row and struct column {@code name} describes the
   * failure; the column is null on rows that succeeded.
   *
   * @throws IllegalArgumentException if {@code name} is null or blank
   */
  public final S errorColumn(String name) {
    return with(options.toBuilder().errorColumn(name).build());
  }

  /**
   * Failure types that fail the task even with an error column, for whole chunks and single rows
   * ({@link RowFailure}) alike; a failure caused by one of them counts as one.
   *
   * @throws NullPointerException if a type is null
   */
  @SafeVarargs
  public final S failOn(Class<? extends Throwable>... types) {
    return with(options.toBuilder().failOn(List.of(types)).build());
  }

  /**
   * Receives partition and chunk events on the executors.
   *
   * @throws NullPointerException if {@code listener} is null
   */
  public final S listener(AsyncUdfListener listener) {
    return with(options.toBuilder().listener(listener).build());
  }

  /**
   * Most bytes of Arrow memory one task may use to stage its input (default 64 MiB).
   *
   * @throws IllegalArgumentException if {@code bytes} is below 1
   */
  public final S stagingMemoryLimit(long bytes) {
    return with(options.toBuilder().stagingMemoryLimit(bytes).build());
  }

  /**
   * A function on the driver that chunks call while the job runs, with {@link ChunkContext#callDriver}:
   * it is never serialized (it may capture driver state) and answers on a small pool of driver threads.
   *
   * @throws NullPointerException if {@code callback} is null
   */
  public final S callback(DriverCallback<?, ?> callback) {
    return with(options.toBuilder().callback(callback).build());
  }

  /**
   * Receives every partition and chunk event of the job on the driver, in batches, in order within a
   * partition, on one driver thread; it is never serialized. It stops the job by throwing
   * {@link StopJobException}: the reason appears in the job's exception. A task's events have all
   * reached the driver when the task ends.
   *
   * @throws NullPointerException if {@code listener} is null
   */
  public final S driverListener(AsyncUdfListener listener) {
    return with(options.toBuilder().driverListener(listener).build());
  }

  /**
   * Shows one progress line on the driver while the UDF runs (rows done, rows/s, in flight, retries,
   * failed rows, elapsed, ETA): rewritten once a second on a terminal, a log line every 10 s
   * otherwise; the numbers are also {@link AsyncUdf#progress()}. The session conf
   * {@code spark.asyncudf.progress=true} turns it on for every async UDF.
   */
  public final S progress(boolean progress) {
    return with(options.toBuilder().progress(progress).build());
  }

  /**
   * Keeps each successful answer in a journal at {@code path} (a Hadoop {@code FileSystem} location) and
   * answers inputs already there from it: a failed or repeated job calls only what it has not called yet.
   * A DataFrame helper also needs {@link DataFrameUdf#journalKey(String)}, to keep its answers per input
   * row. See {@link UdfOptions.Builder#journal(String)}.
   *
   * @throws IllegalArgumentException if {@code path} is blank
   */
  public final S journal(String path) {
    return with(options.toBuilder().journal(path).build());
  }
}
