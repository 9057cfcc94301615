package io.asyncudf;

import io.asyncudf.spark.SparkExecution;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;

/**
 * A column-to-column async UDF: exactly one output per input row, in input order, written to a
 * new column. Created by the {@link AsyncUdf} column helpers; immutable, every option returns a
 * new instance.
 *
 * <p>Inputs are Spark's external Java values of the input column (a {@code Row} for structs,
 * {@code List}/{@code Map} for arrays/maps); a null input is passed to the function as
 * {@code null}. A chunk whose output count differs from its input count fails the task with an
 * error naming the chunk and both counts.
 *
 * @param <I> the Java type of one input
 * @param <O> the Java type of one output
 * @param <P> the user parameters
 */
public final class ColumnUdf<I, O, P extends Serializable> implements Serializable {

  private final AsyncChunkFunction<I, O, P> function;
  private final DataType outputType;
  private final SparkExecution.InputShape inputShape;
  private final UdfOptions<P> options;

  ColumnUdf(AsyncChunkFunction<I, O, P> function, DataType outputType, SparkExecution.InputShape inputShape,
      UdfOptions<P> options) {
    this.function = Objects.requireNonNull(function, "function");
    this.outputType = Objects.requireNonNull(outputType, "outputType");
    this.inputShape = inputShape;
    this.options = options;
  }

  private ColumnUdf<I, O, P> with(UdfOptions<P> changed) {
    return new ColumnUdf<>(function, outputType, inputShape, changed);
  }

  /** Serializable parameters handed to every chunk as {@link ChunkContext#parameters()}. */
  public ColumnUdf<I, O, P> parameters(P parameters) {
    return with(options.withParameters(parameters));
  }

  /** Rows per chunk (default 100); every chunk but a partition's last has exactly this many. */
  public ColumnUdf<I, O, P> maxChunkSize(int rows) {
    return with(options.withMaxChunkSize(rows));
  }

  /** Chunks in flight, or finished but not yet emitted, at once per task (default 8). */
  public ColumnUdf<I, O, P> maxConcurrentChunks(int chunks) {
    return with(options.withMaxConcurrentChunks(chunks));
  }

  /** Limit of one chunk attempt (default 5 minutes); a late attempt fails with a {@code TimeoutException}. */
  public ColumnUdf<I, O, P> timeout(Duration timeout) {
    return with(options.withTimeout(timeout));
  }

  /** Re-runs failed chunk attempts (default {@link RetryPolicy#none()}). */
  public ColumnUdf<I, O, P> retry(RetryPolicy retry) {
    return with(options.withRetry(retry));
  }

  /**
   * Records final chunk failures as data instead of failing the task: on every row of a failed
   * chunk the output column is null and struct column {@code name} describes the failure; the
   * column is null on successful rows.
   */
  public ColumnUdf<I, O, P> errorColumn(String name) {
    return with(options.withErrorColumn(name));
  }

  /** Failures of these types (or caused by them) fail the task even with an error column. */
  @SafeVarargs
  public final ColumnUdf<I, O, P> failOn(Class<? extends Throwable>... types) {
    return with(options.withFailOn(List.of(types)));
  }

  /** Receives partition and chunk events on the executors. */
  public ColumnUdf<I, O, P> listener(AsyncUdfListener listener) {
    return with(options.withListener(listener));
  }

  /** Most bytes of Arrow memory one task may use to stage its input (default 64 MiB). */
  public ColumnUdf<I, O, P> stagingMemoryLimit(long bytes) {
    return with(options.withStagingMemoryLimit(bytes));
  }

  /**
   * {@code df} with {@code outputColumn} computed from {@code input} (replacing a column of that
   * name, else appended), followed by the error column when configured. Lazily evaluated.
   *
   * @throws IllegalArgumentException if {@code input} does not resolve or has the wrong shape
   *     (struct vs scalar), a column name is blank, or the function, parameters or listener do not
   *     serialize
   */
  public Dataset<Row> withColumn(Dataset<Row> df, String outputColumn, Column input) {
    Objects.requireNonNull(df, "df");
    return SparkExecution.column(df, outputColumn, input, inputShape, function, options.parameters(), outputType,
        options.chunkSettings(true), options.stagingSettings(), options.errorColumn());
  }

  @Override
  public String toString() {
    return "ColumnUdf" + DataFrameUdf.describe(options) + " -> " + outputType.simpleString();
  }
}
