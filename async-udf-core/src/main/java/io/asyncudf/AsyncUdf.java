package io.asyncudf;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * Entry point: the five async UDF helpers. Each runs in an operator of its own over whole
 * partitions, cuts every partition into chunks of {@code maxChunkSize} rows and keeps up to
 * {@code maxConcurrentChunks} chunks in flight as non-blocking calls, so throughput is bounded by
 * the service and by {@code concurrency / latency}, not by cores.
 *
 * <pre>{@code
 * ColumnUdf<String, Double, Serializable> score = AsyncUdf.scalarToScalar(Encoders.STRING(), Encoders.DOUBLE(),
 *         AsyncChunkFunction.perRow((ctx, text) -> client.score(text)))
 *     .maxChunkSize(200)
 *     .maxConcurrentChunks(16);
 * Dataset<Row> scored = df.withColumn("score", score.apply(col("text")));
 * }</pre>
 *
 * <p>The forms that take {@code Encoder}s need no explicit type arguments: the encoders fix the
 * input and output types, so the lambda's parameters are typed. The forms that take only a
 * {@code DataType} are kept for existing code.
 */
public final class AsyncUdf {

  private AsyncUdf() {}

  /** DataFrame to DataFrame: every chunk of whole input rows yields any number of rows of {@code outputSchema}. */
  public static <P extends Serializable> DataFrameUdf<P> dataFrame(AsyncChunkFunction<Row, Row, P> fn,
      StructType outputSchema) {
    return new DataFrameUdf<>(fn, outputSchema, UdfOptions.defaults());
  }

  /** A scalar (non-struct) column to a column of {@code outputType}, one output per input. */
  public static <I, O, P extends Serializable> ColumnUdf<I, O, P> scalarToScalar(AsyncChunkFunction<I, O, P> fn,
      DataType outputType) {
    return new ColumnUdf<>(fn, outputType, false, UdfOptions.defaults());
  }

  /** A scalar (non-struct) column to a struct column, one {@code Row} per input. */
  public static <I, P extends Serializable> ColumnUdf<I, Row, P> scalarToStruct(AsyncChunkFunction<I, Row, P> fn,
      StructType outputType) {
    return new ColumnUdf<>(fn, outputType, false, UdfOptions.defaults());
  }

  /** A struct column (each input a {@code Row}) to a column of {@code outputType}. */
  public static <O, P extends Serializable> ColumnUdf<Row, O, P> structToScalar(AsyncChunkFunction<Row, O, P> fn,
      DataType outputType) {
    return new ColumnUdf<>(fn, outputType, true, UdfOptions.defaults());
  }

  /**
   * A scalar column to a column, typed by encoders such as {@code Encoders.STRING()} and
   * {@code Encoders.DOUBLE()}: the output type is the output encoder's, and an input column of
   * another type than the input encoder's fails at analysis naming both.
   *
   * @throws IllegalArgumentException if an encoder is not of a single value (a bean or tuple encoder)
   */
  public static <I, O, P extends Serializable> ColumnUdf<I, O, P> scalarToScalar(Encoder<I> input, Encoder<O> output,
      AsyncChunkFunction<I, O, P> fn) {
    return new ColumnUdf<>(fn, valueType("output", output), false, UdfOptions.defaults())
        .inputType(valueType("input", input));
  }

  /** A scalar column of the input encoder's type to a struct column of {@code outputType}. */
  public static <I, P extends Serializable> ColumnUdf<I, Row, P> scalarToStruct(Encoder<I> input,
      AsyncChunkFunction<I, Row, P> fn, StructType outputType) {
    return new ColumnUdf<>(fn, outputType, false, UdfOptions.defaults())
        .inputType(valueType("input", input));
  }

  /** A struct column (or several columns, as one {@code Row}) to a column of the output encoder's type. */
  public static <O, P extends Serializable> ColumnUdf<Row, O, P> structToScalar(Encoder<O> output,
      AsyncChunkFunction<Row, O, P> fn) {
    return new ColumnUdf<>(fn, valueType("output", output), true, UdfOptions.defaults());
  }

  private static DataType valueType(String what, Encoder<?> encoder) {
    StructType schema = encoder.schema();
    if (schema.size() != 1 || !schema.fields()[0].name().equals("value")) {
      throw new IllegalArgumentException("the " + what + " encoder must encode a single value (like Encoders.STRING()"
          + " or Encoders.DOUBLE()), got one of " + schema.simpleString()
          + "; use a struct helper with a StructType and Row values for structs");
    }
    return schema.fields()[0].dataType();
  }

  /** A struct column to a struct column, one {@code Row} per input {@code Row}. */
  public static <P extends Serializable> ColumnUdf<Row, Row, P> structToStruct(AsyncChunkFunction<Row, Row, P> fn,
      StructType outputType) {
    return new ColumnUdf<>(fn, outputType, true, UdfOptions.defaults());
  }

  /**
   * The progress of async UDFs with progress on, on this driver: the latest runs that ended (at most
   * 20), oldest first, then the ones running. Empty off the driver.
   */
  public static List<JobProgress> progress() {
    return SparkAdapters.get().progress();
  }

  /**
   * Starts the driver channel of {@code spark}'s context now. Applying an async UDF does this itself;
   * call it on the driver before a job whose plain Spark UDFs use an HTTP client with
   * {@code clusterRequestsPerSecond}.
   *
   * @throws UnsupportedOperationException for a Spark Connect client session (the server starts it)
   */
  public static void installDriverChannel(SparkSession spark) {
    SparkAdapters.get().installDriverChannel(spark);
  }
}
