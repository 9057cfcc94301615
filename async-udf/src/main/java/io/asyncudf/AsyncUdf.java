package io.asyncudf;

import io.asyncudf.spark.SparkExecution.InputShape;
import java.io.Serializable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * Entry point: the five async UDF helpers. Each runs inside {@code mapPartitions}, cuts every
 * partition into chunks of {@code maxChunkSize} rows and keeps up to {@code maxConcurrentChunks}
 * chunks in flight as non-blocking calls, so throughput is bounded by the service and by
 * {@code concurrency / latency}, not by cores.
 *
 * <pre>{@code
 * Dataset<Row> scored = AsyncUdf.<String, Double, Serializable>scalarToScalar(
 *         AsyncChunkFunction.perRow((ctx, text) -> client.score(text)), DataTypes.DoubleType)
 *     .maxChunkSize(200)
 *     .maxConcurrentChunks(16)
 *     .withColumn(df, "score", col("text"));
 * }</pre>
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
    return new ColumnUdf<>(fn, outputType, InputShape.SCALAR, UdfOptions.defaults());
  }

  /** A scalar (non-struct) column to a struct column, one {@code Row} per input. */
  public static <I, P extends Serializable> ColumnUdf<I, Row, P> scalarToStruct(AsyncChunkFunction<I, Row, P> fn,
      StructType outputType) {
    return new ColumnUdf<>(fn, outputType, InputShape.SCALAR, UdfOptions.defaults());
  }

  /** A struct column (each input a {@code Row}) to a column of {@code outputType}. */
  public static <O, P extends Serializable> ColumnUdf<Row, O, P> structToScalar(AsyncChunkFunction<Row, O, P> fn,
      DataType outputType) {
    return new ColumnUdf<>(fn, outputType, InputShape.STRUCT, UdfOptions.defaults());
  }

  /** A struct column to a struct column, one {@code Row} per input {@code Row}. */
  public static <P extends Serializable> ColumnUdf<Row, Row, P> structToStruct(AsyncChunkFunction<Row, Row, P> fn,
      StructType outputType) {
    return new ColumnUdf<>(fn, outputType, InputShape.STRUCT, UdfOptions.defaults());
  }
}
