package io.asyncudf;

import java.time.Duration;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;

/**
 * What the helpers of this package ask of Spark: planning a call, registering functions, the driver
 * channel and the journals. Implemented once, by the library's Spark adapter, which is found by name at
 * first use, so that this package depends on no implementation package. Not for user code: methods may
 * change in any release.
 */
public interface SparkAdapter {

  /**
   * {@code udf} applied to {@code inputs}, as a column of {@link ColumnUdf#resultType()}.
   *
   * @throws UnsupportedOperationException in a Spark Connect client
   * @throws IllegalArgumentException if what the call ships does not serialize
   */
  Column column(ColumnUdf<?, ?, ?> udf, List<Column> inputs);

  /** The type of {@code udf}'s column: its output, or with an error column the struct of output and error. */
  DataType resultType(ColumnUdf<?, ?, ?> udf);

  /**
   * Registers {@code udf} as the temporary SQL function {@code udf.name()} of {@code spark}.
   *
   * @throws UnsupportedOperationException for a Spark Connect session
   */
  void register(ColumnUdf<?, ?, ?> udf, SparkSession spark);

  /**
   * {@code df} with {@code outputColumn} computed by {@code udf} from {@code input}, and the error column.
   *
   * @throws UnsupportedOperationException for a Spark Connect session
   * @throws IllegalArgumentException if {@code input} does not resolve or has the wrong shape
   */
  Dataset<Row> withColumn(ColumnUdf<?, ?, ?> udf, Dataset<Row> df, String outputColumn, Column input);

  /**
   * {@code df} through {@code udf}.
   *
   * @throws UnsupportedOperationException for a Spark Connect session
   * @throws IllegalArgumentException if the options do not fit the output schema or {@code df}
   */
  Dataset<Row> apply(DataFrameUdf<?> udf, Dataset<Row> df);

  /**
   * Registers {@code udf} as the temporary table function {@code udf.name()} of {@code spark}.
   *
   * @throws UnsupportedOperationException for a Spark Connect session
   */
  void register(DataFrameUdf<?> udf, SparkSession spark);

  /** The progress of async UDFs on this driver; empty off the driver. */
  List<JobProgress> progress();

  /**
   * Starts the driver channel of {@code spark}'s context.
   *
   * @throws UnsupportedOperationException for a Spark Connect client session
   */
  void installDriverChannel(SparkSession spark);

  /**
   * The latest valid entry per key of the journal at {@code path}.
   *
   * @throws java.io.UncheckedIOException if the location cannot be listed
   */
  Dataset<Row> readJournal(SparkSession spark, String path);

  /**
   * Compacts the journal files at {@code path} older than {@code olderThan}; returns the entries kept.
   *
   * @throws java.io.UncheckedIOException if a file cannot be listed, moved or deleted
   */
  long compactJournal(SparkSession spark, String path, Duration olderThan);
}
