package io.asyncudf.internal.spark.sql;

import io.asyncudf.internal.spark.AsyncCallExpression;
import io.asyncudf.internal.spark.AsyncMapRows;
import io.asyncudf.internal.spark.AsyncUdfPlanning;
import io.asyncudf.internal.spark.RowsCall;
import io.asyncudf.internal.spark.SparkExecution;
import io.asyncudf.internal.spark.catalyst.Plans;
import io.asyncudf.internal.spark.catalyst.SparkInternals;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import scala.Tuple3;

/**
 * What a session extension needs to add async SQL functions without touching Catalyst itself: the
 * planner, functions built from their analysed arguments, and the session's conf at analysis. Used by
 * {@code io.asyncudf.sql.AsyncUdfExtensions}; not meant to be used directly.
 */
public final class SqlFunctions {

  /** Builds a function call's column from its arguments, at analysis. */
  @FunctionalInterface
  public interface Builder {
    /**
     * @throws IllegalArgumentException for arguments the function does not accept; it fails the query's
     *     analysis with that message
     */
    Column build(SqlArguments arguments);
  }

  private SqlFunctions() {}

  /** Injects the rule that lifts async calls out of {@code Project}/{@code Filter} and the strategy that plans them. */
  public static void injectPlanner(SparkSessionExtensions extensions) {
    extensions.injectOptimizerRule(session -> AsyncUdfPlanning.rule());
    extensions.injectPlannerStrategy(session -> AsyncUdfPlanning.strategy());
  }

  /** Injects SQL function {@code name}, documented by {@code usage} ({@code DESCRIBE FUNCTION}). */
  public static void inject(SparkSessionExtensions extensions, String name, String usage, Builder builder) {
    extensions.injectFunction(new Tuple3<>(FunctionIdentifier.apply(name),
        new ExpressionInfo(AsyncCallExpression.class.getName(), null, name, usage, ""),
        arguments -> SparkInternals.expression(builder.build(new SqlArguments(Plans.list(arguments))))));
  }

  /**
   * Injects table function {@code call.name()}, documented by {@code usage}, over one {@code TABLE(...)}
   * argument.
   *
   * @throws IllegalArgumentException if what the call ships does not serialize
   */
  public static void injectTableFunction(SparkSessionExtensions extensions, RowsCall call, String usage) {
    call.requireShippable();
    extensions.injectTableFunction(new Tuple3<>(FunctionIdentifier.apply(call.name()),
        new ExpressionInfo(AsyncMapRows.class.getName(), null, call.name(), usage, ""),
        SparkExecution.tableFunctionBuilder(call)));
  }

  /** The conf of the session whose query is being analysed (SQL conf, including the Spark conf it started with). */
  public static Map<String, String> sessionConf() {
    return SparkInternals.sessionConf();
  }
}
