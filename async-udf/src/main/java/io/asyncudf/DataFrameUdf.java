package io.asyncudf;

import io.asyncudf.spark.SparkExecution;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * A DataFrame-to-DataFrame async UDF: each chunk of input rows becomes any number of output rows
 * of {@code outputSchema}. Created by {@link AsyncUdf#dataFrame}; immutable, every option returns
 * a new instance.
 *
 * <p>Output rows come in input order by default: all outputs of chunk {@code n} before those of
 * chunk {@code n + 1}. With {@code ordered(false)} chunks are emitted as they complete.
 *
 * @param <P> the user parameters
 */
public final class DataFrameUdf<P extends Serializable> implements Serializable {

  private final AsyncChunkFunction<Row, Row, P> function;
  private final StructType outputSchema;
  private final UdfOptions<P> options;

  DataFrameUdf(AsyncChunkFunction<Row, Row, P> function, StructType outputSchema, UdfOptions<P> options) {
    this.function = Objects.requireNonNull(function, "function");
    this.outputSchema = Objects.requireNonNull(outputSchema, "outputSchema");
    this.options = options;
  }

  /** Serializable parameters handed to every chunk as {@link ChunkContext#parameters()}. */
  public DataFrameUdf<P> parameters(P parameters) {
    return new DataFrameUdf<>(function, outputSchema, options.withParameters(parameters));
  }

  /** Rows per chunk (default 100); every chunk but a partition's last has exactly this many. */
  public DataFrameUdf<P> maxChunkSize(int rows) {
    return new DataFrameUdf<>(function, outputSchema, options.withMaxChunkSize(rows));
  }

  /** Chunks in flight, or finished but not yet emitted, at once per task (default 8). */
  public DataFrameUdf<P> maxConcurrentChunks(int chunks) {
    return new DataFrameUdf<>(function, outputSchema, options.withMaxConcurrentChunks(chunks));
  }

  /** Limit of one chunk attempt (default 5 minutes); a late attempt fails with a {@code TimeoutException}. */
  public DataFrameUdf<P> timeout(Duration timeout) {
    return new DataFrameUdf<>(function, outputSchema, options.withTimeout(timeout));
  }

  /** Re-runs failed chunk attempts (default {@link RetryPolicy#none()}). */
  public DataFrameUdf<P> retry(RetryPolicy retry) {
    return new DataFrameUdf<>(function, outputSchema, options.withRetry(retry));
  }

  /**
   * Records final chunk failures as data instead of failing the task: every input row of a failed
   * chunk yields one output row whose output columns are null and whose struct column {@code name}
   * describes the failure; the column is null on successful rows.
   */
  public DataFrameUdf<P> errorColumn(String name) {
    return new DataFrameUdf<>(function, outputSchema, options.withErrorColumn(name));
  }

  /** Failures of these types (or caused by them) fail the task even with an error column. */
  @SafeVarargs
  public final DataFrameUdf<P> failOn(Class<? extends Throwable>... types) {
    return new DataFrameUdf<>(function, outputSchema, options.withFailOn(List.of(types)));
  }

  /** Receives partition and chunk events on the executors. */
  public DataFrameUdf<P> listener(AsyncUdfListener listener) {
    return new DataFrameUdf<>(function, outputSchema, options.withListener(listener));
  }

  /** Emit in input order (default true) or as chunks complete. */
  public DataFrameUdf<P> ordered(boolean ordered) {
    return new DataFrameUdf<>(function, outputSchema, options.withOrdered(ordered));
  }

  /** Most bytes of Arrow memory one task may use to stage its input (default 64 MiB). */
  public DataFrameUdf<P> stagingMemoryLimit(long bytes) {
    return new DataFrameUdf<>(function, outputSchema, options.withStagingMemoryLimit(bytes));
  }

  /**
   * The DataFrame of every chunk's output rows, with the error column last when configured.
   * Lazily evaluated like any DataFrame.
   *
   * @throws IllegalArgumentException if the function, parameters or listener do not serialize, or
   *     the error column clashes with an output column
   */
  public Dataset<Row> apply(Dataset<Row> df) {
    Objects.requireNonNull(df, "df");
    return SparkExecution.dataFrame(df, function, options.parameters(), outputSchema, options.chunkSettings(false),
        options.stagingSettings(), options.errorColumn());
  }

  @Override
  public String toString() {
    return "DataFrameUdf" + describe(options) + " -> " + outputSchema.simpleString();
  }

  static String describe(UdfOptions<?> options) {
    return "{maxChunkSize=" + options.maxChunkSize() + ", maxConcurrentChunks=" + options.maxConcurrentChunks()
        + ", timeout=" + options.timeout() + ", retry=" + options.retry() + ", errorColumn=" + options.errorColumn()
        + ", ordered=" + options.ordered() + ", stagingMemoryLimit=" + options.stagingMemoryLimit() + "}";
  }
}
