package io.asyncudf.internal.spark.arrow;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.MapType;

/**
 * Spark's external values as a Java caller expects them at the top level: arrays as
 * {@link List}, maps as {@link Map}. Values nested inside a {@code Row} keep Spark's row
 * conventions ({@code row.getList(i)}, {@code row.getJavaMap(i)}).
 */
public final class ExternalValues {

  private ExternalValues() {}

  public static Object forJava(Object value, DataType type) {
    if (value instanceof scala.collection.Seq<?> seq && type instanceof ArrayType) {
      return scala.jdk.javaapi.CollectionConverters.asJava(seq);
    }
    if (value instanceof scala.collection.Map<?, ?> map && type instanceof MapType) {
      return scala.jdk.javaapi.CollectionConverters.asJava(map);
    }
    return value;
  }
}
