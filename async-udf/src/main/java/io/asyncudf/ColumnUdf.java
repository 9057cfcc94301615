package io.asyncudf;

import io.asyncudf.spark.SparkExecution;
import java.io.Serializable;
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
public final class ColumnUdf<I, O, P extends Serializable> extends ConfigurableUdf<ColumnUdf<I, O, P>, P> {

  private final AsyncChunkFunction<I, O, P> function;
  private final DataType outputType;
  private final SparkExecution.InputShape inputShape;

  ColumnUdf(AsyncChunkFunction<I, O, P> function, DataType outputType, SparkExecution.InputShape inputShape,
      UdfOptions<P> options) {
    super(options);
    this.function = Objects.requireNonNull(function, "function");
    this.outputType = Objects.requireNonNull(outputType, "outputType");
    this.inputShape = inputShape;
  }

  @Override
  ColumnUdf<I, O, P> with(UdfOptions<P> changed) {
    return new ColumnUdf<>(function, outputType, inputShape, changed);
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
    UdfOptions<P> options = options();
    return SparkExecution.column(df, outputColumn, input, inputShape, function, options.parameters(), outputType,
        options.chunkSettings(true), options.stagingSettings(), options.errorColumn());
  }

  @Override
  public String toString() {
    return "ColumnUdf" + options() + " -> " + outputType.simpleString();
  }
}
