package io.asyncudf;

import java.util.Map;

/**
 * Creates a DataFrame helper as a SQL table function for a session the user cannot run code on
 * (Spark Connect, Databricks standard access mode). Named in Spark conf as
 * {@code spark.asyncudf.functions.<name>.factory=<class>}, like an {@link AsyncFunctionFactory}; the
 * session extension {@code io.asyncudf.sql.AsyncUdfExtensions} instantiates it once (public
 * no-argument constructor) when a session starts and registers the helper as table function
 * {@code <name>}: {@code SELECT * FROM <name>(TABLE(t))}, as {@link DataFrameUdf#register} does.
 */
@FunctionalInterface
public interface AsyncTableFunctionFactory {

  /**
   * The DataFrame helper for table function {@code name}.
   *
   * @param options the conf keys {@code spark.asyncudf.functions.<name>.<key>} other than {@code factory},
   *     by {@code <key>}
   * @throws Exception if the helper cannot be created; session start fails naming the function
   */
  DataFrameUdf<?> create(String name, Map<String, String> options) throws Exception;
}
