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

  /** See {@link UdfOptions.Builder#maxChunkSize}. @throws IllegalArgumentException if {@code rows} is below 1 */
  public final S maxChunkSize(int rows) {
    return with(options.toBuilder().maxChunkSize(rows).build());
  }

  /** See {@link UdfOptions.Builder#maxConcurrentChunks}. @throws IllegalArgumentException if {@code chunks} is below 1 */
  public final S maxConcurrentChunks(int chunks) {
    return with(options.toBuilder().maxConcurrentChunks(chunks).build());
  }

  /** See {@link UdfOptions.Builder#timeout}. @throws IllegalArgumentException if {@code timeout} is not positive */
  public final S timeout(Duration timeout) {
    return with(options.toBuilder().timeout(timeout).build());
  }

  /** See {@link UdfOptions.Builder#retry}. @throws NullPointerException if {@code retry} is null */
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

  /** See {@link UdfOptions.Builder#failOn}. @throws NullPointerException if a type is null */
  @SafeVarargs
  public final S failOn(Class<? extends Throwable>... types) {
    return with(options.toBuilder().failOn(List.of(types)).build());
  }

  /** Receives partition and chunk events on the executors. @throws NullPointerException if {@code listener} is null */
  public final S listener(AsyncUdfListener listener) {
    return with(options.toBuilder().listener(listener).build());
  }

  /** See {@link UdfOptions.Builder#stagingMemoryLimit}. @throws IllegalArgumentException if {@code bytes} is below 1 */
  public final S stagingMemoryLimit(long bytes) {
    return with(options.toBuilder().stagingMemoryLimit(bytes).build());
  }
}
