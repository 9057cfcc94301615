package io.asyncudf.spark;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.CatalystTypeConverters;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.classic.SparkSession;
import org.apache.spark.sql.execution.arrow.ArrowWriter;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.ArrowUtils;
import scala.Function0;
import scala.Function1;

/**
 * The one place that touches Spark classes outside its stable public API (catalyst rows,
 * converters, Arrow writer, the classic session). Signatures of these differ between Spark
 * versions; every supported version runs the whole test suite against this class.
 */
final class SparkInternals {

  private SparkInternals() {}

  /** The rows of {@code df} in Spark's internal form, without per-row conversion. */
  static RDD<InternalRow> internalRows(Dataset<Row> df) {
    return ((org.apache.spark.sql.classic.Dataset<Row>) df).queryExecution().toRdd();
  }

  /** A DataFrame over internal rows that match {@code schema}. */
  static Dataset<Row> dataFrame(Dataset<Row> like, RDD<InternalRow> rows, StructType schema) {
    return session(like).internalCreateDataFrame(rows, schema, false);
  }

  static String sessionTimeZone(Dataset<Row> df) {
    return session(df).sessionState().conf().sessionLocalTimeZone();
  }

  /**
   * Converts internal values of {@code type} to Spark's external Java/Scala values, following the
   * session's settings (for example {@code spark.sql.datetime.java8API.enabled}). Serializable.
   */
  static Function1<Object, Object> toExternal(Dataset<Row> df, DataType type) {
    return withSessionConf(df, () -> CatalystTypeConverters.createToScalaConverter(type));
  }

  /** Converts external values of {@code type} (Java collections accepted) to internal ones. Serializable. */
  static Function1<Object, Object> toInternal(Dataset<Row> df, DataType type) {
    return withSessionConf(df, () -> CatalystTypeConverters.createToCatalystConverter(type));
  }

  static Schema arrowSchema(StructType schema, String timeZone) {
    return ArrowUtils.toArrowSchema(schema, timeZone, false, false);
  }

  /** Writes internal rows into an Arrow batch. */
  interface BatchWriter {
    void write(InternalRow row);

    /** Sets the batch's row count; call once, after the last row. */
    void finish();
  }

  static BatchWriter batchWriter(VectorSchemaRoot root) {
    ArrowWriter writer = ArrowWriter.create(root);
    return new BatchWriter() {
      @Override
      public void write(InternalRow row) {
        writer.write(row);
      }

      @Override
      public void finish() {
        writer.finish();
      }
    };
  }

  /** A child of Spark's Arrow root allocator that refuses to hold more than {@code limit} bytes. */
  static BufferAllocator taskAllocator(String name, long limit) {
    return ArrowUtils.rootAllocator().newChildAllocator(name, 0, limit);
  }

  static UnsafeProjection unsafeProjection(StructType schema) {
    return UnsafeProjection.create(schema);
  }

  private static SparkSession session(Dataset<Row> df) {
    return (SparkSession) df.sparkSession();
  }

  private static <T> T withSessionConf(Dataset<Row> df, Function0<T> body) {
    return SQLConf.withExistingConf(session(df).sessionState().conf(), body);
  }
}
