package io.asyncudf.sql;

import io.asyncudf.AsyncFunctionFactory;
import io.asyncudf.AsyncTableFunctionFactory;
import io.asyncudf.ColumnUdf;
import io.asyncudf.DataFrameUdf;
import io.asyncudf.internal.spark.RowsCall;
import io.asyncudf.internal.spark.sql.SqlFunctions;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.sql.SparkSessionExtensions;
import scala.Tuple2;
import scala.runtime.AbstractFunction1;
import scala.runtime.BoxedUnit;

/**
 * The session extension, for {@code spark.sql.extensions=io.asyncudf.sql.AsyncUdfExtensions}. It
 * injects
 * <ul>
 *   <li>the planner of async calls: the rule that lifts them out of {@code SELECT} and {@code WHERE}
 *       and the strategy that plans the async operator;
 *   <li>the SQL functions {@code async_http_request}, {@code fhir_read}, {@code fhir_search} and
 *       {@code opensearch_get} over connections defined by {@code spark.asyncudf.connection.<name>.*};
 *   <li>a function {@code <name>} for every {@code spark.asyncudf.functions.<name>.factory=<class>} in
 *       the Spark conf at session start: an {@link AsyncFunctionFactory} (a SQL function) or an
 *       {@link AsyncTableFunctionFactory} (a table function over {@code TABLE(...)}) with a public
 *       no-argument constructor, loaded from the class path (a jar the cluster admin has installed).
 * </ul>
 * Needed where the Java API cannot install the planner itself: SQL-only use, Spark Connect servers,
 * Databricks standard access mode.
 *
 * @throws IllegalArgumentException at session start when a factory class cannot be loaded,
 *     instantiated or run, naming the function and the class
 */
public final class AsyncUdfExtensions extends AbstractFunction1<SparkSessionExtensions, BoxedUnit> {

  static final String FUNCTIONS = "spark.asyncudf.functions.";

  @Override
  public BoxedUnit apply(SparkSessionExtensions extensions) {
    SqlFunctions.injectPlanner(extensions);
    for (ConnectorFunction function : ConnectorFunction.ALL) {
      SqlFunctions.inject(extensions, function.name(), function.usage(), function::build);
    }
    SparkEnv env = SparkEnv.get();
    if (env != null) {
      factories(env.conf()).forEach((name, created) -> {
        if (created instanceof ColumnUdf<?, ?, ?> udf) {
          SqlFunctions.inject(extensions, name, name + "(...) - " + udf, arguments -> udf.apply(arguments.columns()));
        } else {
          RowsCall call = (RowsCall) created;
          SqlFunctions.injectTableFunction(extensions, call, name + "(TABLE(t)) - " + call);
        }
      });
    }
    return BoxedUnit.UNIT;
  }

  /**
   * What the {@code spark.asyncudf.functions.<name>.factory} keys create, by name: a {@link ColumnUdf}
   * (a SQL function) or the {@link RowsCall} of a {@link DataFrameUdf} (a table function).
   */
  static Map<String, Object> factories(SparkConf conf) {
    Map<String, Map<String, String>> keysByFunction = new TreeMap<>();
    for (Tuple2<String, String> entry : conf.getAllWithPrefix(FUNCTIONS)) {
      int dot = entry._1().indexOf('.');
      if (dot > 0) {
        keysByFunction.computeIfAbsent(entry._1().substring(0, dot), name -> new TreeMap<>())
            .put(entry._1().substring(dot + 1), entry._2());
      }
    }
    Map<String, Object> udfs = new TreeMap<>();
    keysByFunction.forEach((name, keys) -> {
      String className = keys.remove("factory");
      if (className != null) {
        udfs.put(name, create(name, className.trim(), keys));
      }
    });
    return udfs;
  }

  private static Object create(String name, String className, Map<String, String> options) {
    String key = FUNCTIONS + name + ".factory";
    Object factory;
    try {
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      factory = Class.forName(className, true, loader == null ? AsyncUdfExtensions.class.getClassLoader() : loader)
          .getConstructor().newInstance();
    } catch (ReflectiveOperationException | LinkageError e) {
      throw new IllegalArgumentException(key + "=" + className + ": cannot load and instantiate the class "
          + "(it must be on the class path and have a public no-argument constructor): " + e, e);
    }
    if (!(factory instanceof AsyncFunctionFactory) && !(factory instanceof AsyncTableFunctionFactory)) {
      throw new IllegalArgumentException(key + "=" + className + " implements neither "
          + AsyncFunctionFactory.class.getName() + " nor " + AsyncTableFunctionFactory.class.getName());
    }
    try {
      if (factory instanceof AsyncTableFunctionFactory tables) {
        DataFrameUdf<?> udf = tables.create(name, Map.copyOf(options));
        if (udf == null) {
          throw new IllegalArgumentException(key + "=" + className + " returned no UDF for " + name);
        }
        return RowsCall.of(udf.named(name));
      }
      ColumnUdf<?, ?, ?> udf = ((AsyncFunctionFactory) factory).create(name, Map.copyOf(options));
      if (udf == null) {
        throw new IllegalArgumentException(key + "=" + className + " returned no UDF for " + name);
      }
      return udf.named(name);
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalArgumentException(key + "=" + className + " failed to create function " + name + ": " + e, e);
    }
  }
}
