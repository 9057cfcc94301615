package io.asyncudf;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
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
 * <p>Three ways to apply it, all on the same engine: {@link #apply(Column...)} gives a {@code Column}
 * for {@code select}, {@code withColumn} or {@code filter}; {@link #register(SparkSession, String)}
 * makes it a SQL function; {@link #withColumn(Dataset, String, Column)} is the shortcut that also
 * adds the error column.
 *
 * @param <I> the Java type of one input
 * @param <O> the Java type of one output
 * @param <P> the user parameters
 */
public final class ColumnUdf<I, O, P extends Serializable> extends ConfigurableUdf<ColumnUdf<I, O, P>, P> {

  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  static final String DEFAULT_NAME = "async_udf";

  private final AsyncChunkFunction<I, O, P> function;
  private final DataType outputType;
  private final boolean structInput;
  private final String name;
  private final DataType inputType;
  private final Column journalKey;

  ColumnUdf(AsyncChunkFunction<I, O, P> function, DataType outputType, boolean structInput,
      UdfOptions<P> options) {
    this(function, outputType, structInput, options, DEFAULT_NAME, null, null);
  }

  private ColumnUdf(AsyncChunkFunction<I, O, P> function, DataType outputType, boolean structInput,
      UdfOptions<P> options, String name, DataType inputType, Column journalKey) {
    super(options);
    this.function = Objects.requireNonNull(function, "function");
    this.outputType = Objects.requireNonNull(outputType, "outputType");
    this.structInput = structInput;
    this.name = name;
    this.inputType = inputType;
    this.journalKey = journalKey;
  }

  /** This UDF accepting only inputs of {@code type} (from an input encoder). */
  ColumnUdf<I, O, P> inputType(DataType type) {
    return new ColumnUdf<>(function, outputType, structInput, options(), name, type, journalKey);
  }

  @Override
  ColumnUdf<I, O, P> with(UdfOptions<P> changed) {
    return new ColumnUdf<>(function, outputType, structInput, changed, name, inputType, journalKey);
  }

  /**
   * With {@link #journal(String)}: keys each row's answer by {@code key} (any expression over the rows the UDF
   * is applied to, such as {@code col("patient_id")}), not by the input, so that inputs differing in what does
   * not matter (a timestamp in a request) share an answer. Resolved where the UDF is applied; rows with equal
   * keys share one journal entry. Null: keyed by the input (the default).
   */
  public ColumnUdf<I, O, P> journalKey(Column key) {
    return new ColumnUdf<>(function, outputType, structInput, options(), name, inputType, key);
  }

  /**
   * The name shown in query plans, {@code explain()} and the Spark UI (default {@code async_udf});
   * {@link #register} sets it to the SQL function's name.
   *
   * @throws IllegalArgumentException if {@code name} is not a plain identifier
   */
  public ColumnUdf<I, O, P> named(String name) {
    return new ColumnUdf<>(function, outputType, structInput, options(), checkName(name), inputType, journalKey);
  }

  /** The function called with each chunk. */
  public AsyncChunkFunction<I, O, P> function() {
    return function;
  }

  /** Whether each input is a {@code Row}: a struct column, or several columns taken as one struct. */
  public boolean structInput() {
    return structInput;
  }

  /** The only input type accepted (from an input encoder), or null for any of the input shape. */
  public DataType inputType() {
    return inputType;
  }

  /** The journal key set by {@link #journalKey(Column)}, or null: keyed by the input. */
  public Column journalKey() {
    return journalKey;
  }

  /** The name shown in plans. */
  public String name() {
    return name;
  }

  /** The type of one output. */
  public DataType outputType() {
    return outputType;
  }

  /**
   * The type of the value {@link #apply(Column...)} returns: the output type; with an
   * {@link #errorColumn(String) errorColumn} a struct of the output (its fields when the output is a
   * struct, else one field {@code value}) followed by the error struct under the error column's name.
   */
  public DataType resultType() {
    return SparkAdapters.get().resultType(this);
  }

  /**
   * This UDF applied to {@code inputs}, as a column of {@link #resultType()}. A scalar-input UDF takes
   * one column; a struct-input UDF takes one struct column, or several columns that it receives as
   * one {@code Row} with their names as fields. Use it anywhere in {@code select}, {@code withColumn}
   * or {@code filter}: before the rest of the expression is evaluated, the call runs in an async
   * operator of its own over whole partitions, keeping input order and one output per input.
   *
   * <p>On a classic session the planner that does this is installed at first use; under Spark
   * Connect, where Java functions cannot be sent from the client, register the UDF on the server
   * instead ({@code spark.asyncudf.functions.<name>.factory}) and call it by name.
   *
   * @throws IllegalArgumentException if no input is given, or the function, parameters or listener
   *     do not serialize
   * @throws UnsupportedOperationException in a Spark Connect client, naming the route that works there
   */
  public Column apply(Column... inputs) {
    if (inputs.length == 0) {
      throw new IllegalArgumentException(name + " needs at least one input column");
    }
    for (Column input : inputs) {
      Objects.requireNonNull(input, "input column");
    }
    return SparkAdapters.get().column(this, List.of(inputs));
  }

  /**
   * Makes this UDF the temporary SQL function {@code name} of {@code spark}: {@code SELECT name(col) FROM t},
   * {@code functions.call_function(name, col)} from Java or PySpark. Returns the UDF, named {@code name}.
   *
   * @throws IllegalArgumentException if {@code name} is not a plain identifier
   * @throws UnsupportedOperationException for a Spark Connect session (register through the server's
   *     {@code spark.asyncudf.functions.<name>.factory} there)
   */
  public ColumnUdf<I, O, P> register(SparkSession spark, String name) {
    Objects.requireNonNull(spark, "spark");
    ColumnUdf<I, O, P> named = named(name);
    SparkAdapters.get().register(named, spark);
    return named;
  }

  static String checkName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("a UDF name must be a plain identifier (letters, digits, _), got '" + name + "'");
    }
    return name;
  }

  /**
   * {@code df} with {@code outputColumn} computed from {@code input} (replacing a column of that
   * name, else appended), followed by the error column when configured: {@code df.withColumn(outputColumn,
   * apply(input))} with the result split into the output and the error column. Defining it runs no
   * Spark job; it works on streaming DataFrames.
   *
   * @throws UnsupportedOperationException if {@code df} belongs to a Spark Connect session, naming the
   *     route that works there
   * @throws IllegalArgumentException if {@code input} does not resolve or has the wrong shape
   *     (struct vs scalar), a column name is blank, or the function, parameters or listener do not
   *     serialize
   */
  public Dataset<Row> withColumn(Dataset<Row> df, String outputColumn, Column input) {
    Objects.requireNonNull(df, "df");
    boolean nameless = name.equals(DEFAULT_NAME) && outputColumn != null && NAME.matcher(outputColumn).matches();
    return SparkAdapters.get().withColumn(nameless ? named(outputColumn) : this, df, outputColumn, input);
  }

  @Override
  public String toString() {
    return "ColumnUdf " + name + options() + " -> " + outputType.simpleString();
  }
}
