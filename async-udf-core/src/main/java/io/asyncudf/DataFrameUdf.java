package io.asyncudf;

import java.io.Serializable;
import java.util.Objects;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
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
public final class DataFrameUdf<P extends Serializable> extends ConfigurableUdf<DataFrameUdf<P>, P> {

  static final String DEFAULT_NAME = "async_dataframe_udf";

  private final AsyncChunkFunction<Row, Row, P> function;
  private final StructType outputSchema;
  private final String name;
  private final String journalKey;

  DataFrameUdf(AsyncChunkFunction<Row, Row, P> function, StructType outputSchema, UdfOptions<P> options) {
    this(function, outputSchema, options, DEFAULT_NAME, null);
  }

  private DataFrameUdf(AsyncChunkFunction<Row, Row, P> function, StructType outputSchema, UdfOptions<P> options,
      String name, String journalKey) {
    super(options);
    this.function = Objects.requireNonNull(function, "function");
    this.outputSchema = Objects.requireNonNull(outputSchema, "outputSchema");
    this.name = name;
    this.journalKey = journalKey;
  }

  @Override
  DataFrameUdf<P> with(UdfOptions<P> changed) {
    return new DataFrameUdf<>(function, outputSchema, changed, name, journalKey);
  }

  /**
   * The name shown in query plans, {@code explain()} and the Spark UI (default {@code async_dataframe_udf});
   * {@link #register} sets it to the table function's name.
   *
   * @throws IllegalArgumentException if {@code name} is not a plain identifier
   */
  public DataFrameUdf<P> named(String name) {
    return new DataFrameUdf<>(function, outputSchema, options(), ColumnUdf.checkName(name), journalKey);
  }

  /** The name shown in plans. */
  public String name() {
    return name;
  }

  /**
   * The input column that names each input row (unique, as a primary key) and that every output row carries
   * under the same name (a patient id that each of the patient's observation rows repeats), of an atomic type.
   * With
   * {@link #journal(String)} the answers are kept per input row: the output rows with its key, none
   * included, so that a later run answers that row from the journal without calling. Rows answered from
   * the journal are emitted as they are read, ahead of chunks still in flight.
   *
   * @throws IllegalArgumentException if {@code column} is blank
   */
  public DataFrameUdf<P> journalKey(String column) {
    if (column == null || column.isBlank()) {
      throw new IllegalArgumentException("journalKey must name a column, got '" + column + "'");
    }
    return new DataFrameUdf<>(function, outputSchema, options(), name, column);
  }

  /** The function called with each chunk of input rows. */
  public AsyncChunkFunction<Row, Row, P> function() {
    return function;
  }

  /** The schema of the output rows (without the error column). */
  public StructType outputSchema() {
    return outputSchema;
  }

  /** The input column set by {@link #journalKey(String)}, or null. */
  public String journalKey() {
    return journalKey;
  }

  /** Emit in input order (default true): all outputs of chunk n before those of chunk n + 1; or as chunks complete. */
  public DataFrameUdf<P> ordered(boolean ordered) {
    return with(options().toBuilder().ordered(ordered).build());
  }

  /**
   * The DataFrame of every chunk's output rows, with the error column last when configured. A query
   * plan like any other: defining it runs no Spark job, it works on streaming DataFrames, and
   * {@code explain()} and the SQL tab show it as an {@code AsyncMapRows} operator with its metrics.
   *
   * @throws UnsupportedOperationException if {@code df} belongs to a Spark Connect session, naming the
   *     route that works there
   * @throws IllegalArgumentException if the function, parameters or listener do not serialize, the error
   *     column clashes with an output column, or a journal has no {@link #journalKey} that the output schema
   *     and {@code df} both have, with one atomic type
   */
  public Dataset<Row> apply(Dataset<Row> df) {
    Objects.requireNonNull(df, "df");
    return SparkAdapters.get().apply(this, df);
  }

  /**
   * Makes this UDF the temporary table function {@code name} of {@code spark}, over one table
   * argument: {@code SELECT * FROM name(TABLE(patients))}, {@code name(TABLE(SELECT id FROM t))}. It
   * runs as {@link #apply(Dataset)} does, shown in plans under {@code name}. Returns the UDF, named {@code name}.
   *
   * @throws IllegalArgumentException if {@code name} is not a plain identifier, or the function,
   *     parameters or listener do not serialize
   * @throws UnsupportedOperationException for a Spark Connect session, naming the route that works there
   */
  public DataFrameUdf<P> register(SparkSession spark, String name) {
    Objects.requireNonNull(spark, "spark");
    DataFrameUdf<P> named = named(name);
    SparkAdapters.get().register(named, spark);
    return named;
  }

  @Override
  public String toString() {
    return "DataFrameUdf " + name + options() + " -> " + outputSchema.simpleString();
  }
}
