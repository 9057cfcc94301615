package io.asyncudf;

import java.util.Map;

/**
 * Creates an async UDF for a session the user cannot run code on (Spark Connect, Databricks standard
 * access mode). Named in Spark conf as {@code spark.asyncudf.functions.<name>.factory=<class>}, with
 * the class in a jar on the server's class path; the session extension
 * {@code io.asyncudf.sql.AsyncUdfExtensions} instantiates it once (public no-argument constructor)
 * when a session starts and registers the UDF as SQL function {@code <name>}.
 */
@FunctionalInterface
public interface AsyncFunctionFactory {

  /**
   * The UDF for function {@code name}.
   *
   * @param options the conf keys {@code spark.asyncudf.functions.<name>.<key>} other than {@code factory},
   *     by {@code <key>}
   * @throws Exception if the UDF cannot be created; session start fails naming the function
   */
  ColumnUdf<?, ?, ?> create(String name, Map<String, String> options) throws Exception;
}
