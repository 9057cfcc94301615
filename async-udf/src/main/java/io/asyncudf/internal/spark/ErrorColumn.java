package io.asyncudf.internal.spark;

import java.io.Serializable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import scala.Function1;

/**
 * The error struct written for every row of a chunk whose failure is recorded: the cause's
 * message and class, attempts made, where the row is, and the failed input as JSON, credentials
 * masked ({@link SensitiveValues}).
 */
final class ErrorColumn implements Serializable {

  /** The struct type of the error column. */
  static final StructType TYPE = new StructType()
      .add("message", DataTypes.StringType, true)
      .add("exception_class", DataTypes.StringType, false)
      .add("attempts", DataTypes.IntegerType, false)
      .add("partition_index", DataTypes.IntegerType, false)
      .add("chunk_index", DataTypes.IntegerType, false)
      .add("row_index", DataTypes.LongType, false)
      .add("input_json", DataTypes.StringType, true);

  private final Function1<Object, Object> inputToExternal;
  private final SensitiveValues sensitive;

  /**
   * @param inputToExternal converts an internal row of the input to a {@link Row} that carries its
   *     schema (what Spark's struct converter returns), rendered as {@code input_json}
   * @param sensitive whose values {@code input_json} masks
   */
  ErrorColumn(Function1<Object, Object> inputToExternal, SensitiveValues sensitive) {
    this.inputToExternal = inputToExternal;
    this.sensitive = sensitive;
  }

  InternalRow row(Throwable cause, int attempts, int partitionIndex, int chunkIndex, long rowIndex, InternalRow input) {
    String message = cause.getMessage();
    return new GenericInternalRow(new Object[] {
      message == null ? null : UTF8String.fromString(message),
      UTF8String.fromString(cause.getClass().getName()),
      attempts,
      partitionIndex,
      chunkIndex,
      rowIndex,
      UTF8String.fromString(json(input))
    });
  }

  private String json(InternalRow input) {
    Row row;
    try {
      row = (Row) sensitive.mask(inputToExternal.apply(input));
    } catch (RuntimeException e) {
      return "(the input could not be rendered with its credentials masked: " + e.getClass().getName() + ")";
    }
    try {
      return row.json();
    } catch (RuntimeException e) {
      return row.toString();
    }
  }
}
