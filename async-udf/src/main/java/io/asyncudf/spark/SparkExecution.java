package io.asyncudf.spark;

import io.asyncudf.AsyncChunkFunction;
import io.asyncudf.driver.DriverChannel;
import io.asyncudf.driver.DriverOptions;
import io.asyncudf.engine.ChunkSettings;
import java.io.Serializable;
import java.util.Arrays;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Plans UDF applications on the driver: checks that everything shipped to executors serializes,
 * resolves schemas and converters, and wires a {@link PartitionTransform} into the DataFrame's
 * RDD. Called by {@code io.asyncudf.DataFrameUdf} and {@code io.asyncudf.ColumnUdf}; not meant to
 * be used directly.
 */
public final class SparkExecution {

  private static final String STAGED_INPUT = "__asyncudf_input";
  private static final String OUTPUT = "__asyncudf_output";
  private static final String ERROR = "__asyncudf_error";

  /** Which kind of input a column helper accepts. */
  public enum InputShape {
    SCALAR,
    STRUCT
  }

  private SparkExecution() {}

  /** Applies a DataFrame helper: output rows of {@code outputSchema} (plus the error column, if any). */
  public static <P extends Serializable> Dataset<Row> dataFrame(Dataset<Row> df, AsyncChunkFunction<Row, Row, P> function,
      P parameters, StructType outputSchema, ChunkSettings settings, StagingSettings staging, String errorColumn,
      DriverOptions driver) {
    requireShippable(function, parameters, settings);
    if (errorColumn != null && Arrays.asList(outputSchema.fieldNames()).contains(errorColumn)) {
      throw new IllegalArgumentException("errorColumn '" + errorColumn + "' is also a column of the output schema "
          + outputSchema.simpleString());
    }
    StructType inputSchema = df.schema();
    StructType resultSchema = errorColumn == null ? outputSchema : outputSchema.add(errorColumn, ErrorColumn.TYPE, true);
    ErrorColumn errors = errorColumn == null ? null : new ErrorColumn(SparkInternals.toExternal(df, inputSchema));
    DataFrameTransform<P> transform = new DataFrameTransform<>(function, parameters, settings, staging,
        SparkInternals.sessionTimeZone(df), inputSchema, outputSchema, resultSchema,
        SparkInternals.toExternal(df, inputSchema), SparkInternals.toInternal(df, outputSchema), errors);
    RDD<InternalRow> input = SparkInternals.internalRows(df);
    transform.attach(openChannel(df, "async_dataframe_udf", driver, input));
    return SparkInternals.dataFrame(df, mapPartitions(input, transform), resultSchema);
  }

  /**
   * Applies a column helper: {@code df} with {@code outputColumn} (replaced if it exists, appended
   * otherwise) and the error column, if any.
   */
  public static <I, O, P extends Serializable> Dataset<Row> column(Dataset<Row> df, String outputColumn, Column input,
      InputShape shape, AsyncChunkFunction<I, O, P> function, P parameters, DataType outputType,
      ChunkSettings settings, StagingSettings staging, String errorColumn, String name, DriverOptions driver) {
    if (outputColumn == null || outputColumn.isBlank()) {
      throw new IllegalArgumentException("outputColumn must be a non-blank column name, got '" + outputColumn + "'");
    }
    if (input == null) {
      throw new IllegalArgumentException("input column must not be null");
    }
    if (outputColumn.equals(errorColumn)) {
      throw new IllegalArgumentException("errorColumn and outputColumn are both '" + outputColumn + "'");
    }
    requireShippable(function, parameters, settings);
    StructField inputField = resolve(df, input);
    checkShape(shape, inputField);
    Dataset<Row> staged = df.select(df.col("*"), input.as(STAGED_INPUT));
    StructType stagedSchema = staged.schema();
    ResultColumns results = ResultColumns.separate(outputType, errorColumn != null);
    StructType resultSchema = stagedSchema.add(OUTPUT, outputType, true);
    ErrorColumn errors = null;
    if (errorColumn != null) {
      resultSchema = resultSchema.add(ERROR, ErrorColumn.TYPE, true);
      StructType inputAsRow = new StructType().add(inputField.name(), inputField.dataType(), true);
      errors = new ErrorColumn(SparkInternals.toExternal(df, inputAsRow));
    }
    ColumnTransform<I, O, P> transform = new ColumnTransform<>(function, parameters, settings, staging,
        SparkInternals.sessionTimeZone(df), stagedSchema, true, results, outputColumn, outputType,
        SparkInternals.toExternal(df, inputField.dataType()), SparkInternals.toInternal(df, outputType), errors);
    RDD<InternalRow> stagedRows = SparkInternals.internalRows(staged);
    transform.attach(openChannel(df, name, driver, stagedRows));
    Dataset<Row> raw = SparkInternals.dataFrame(df, mapPartitions(stagedRows, transform), resultSchema);
    Dataset<Row> result = raw.withColumn(outputColumn, raw.col(OUTPUT));
    if (errorColumn != null) {
      result = result.withColumn(errorColumn, raw.col(ERROR));
    }
    return result.drop(STAGED_INPUT, OUTPUT, ERROR);
  }

  /** The error column's struct type. */
  public static StructType errorType() {
    return ErrorColumn.TYPE;
  }

  private static DriverChannel openChannel(Dataset<Row> df, String name, DriverOptions driver, RDD<InternalRow> input) {
    boolean sessionProgress = DriverChannels.enabled(df.sparkSession().conf().get(DriverChannels.PROGRESS_KEY, "false"));
    return DriverChannels.open(df.sparkSession().sparkContext(), name, driver, sessionProgress, input.getNumPartitions());
  }

  private static RDD<InternalRow> mapPartitions(RDD<InternalRow> rows, PartitionTransform<?, ?, ?> transform) {
    return rows.toJavaRDD().mapPartitions(transform).rdd();
  }

  private static StructField resolve(Dataset<Row> df, Column input) {
    try {
      return df.select(input).schema().fields()[0];
    } catch (Exception e) {
      if (e instanceof RuntimeException unexpected && !(e instanceof AnalysisException)) {
        throw unexpected;
      }
      throw new IllegalArgumentException("input column " + input + " cannot be resolved against "
          + df.schema().simpleString() + ": " + e.getMessage(), e);
    }
  }

  private static void checkShape(InputShape shape, StructField input) {
    boolean struct = input.dataType() instanceof StructType;
    if (shape == InputShape.STRUCT && !struct) {
      throw new IllegalArgumentException("input column '" + input.name() + "' is " + input.dataType().simpleString()
          + ", but a struct-input helper needs a struct; use functions.struct(...) to build one, or a scalar helper");
    }
    if (shape == InputShape.SCALAR && struct) {
      throw new IllegalArgumentException("input column '" + input.name() + "' is a struct ("
          + input.dataType().simpleString() + "); use structToScalar or structToStruct for struct inputs");
    }
  }

  private static void requireShippable(AsyncChunkFunction<?, ?, ?> function, Object parameters, ChunkSettings settings) {
    Serialization.requireSerializable("chunk function", function);
    Serialization.requireSerializable("parameters", parameters);
    Serialization.requireSerializable("listener", settings.listener());
    Serialization.requireSerializable("retry policy", settings.retry());
  }
}
