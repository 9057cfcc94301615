package io.asyncudf.spark;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.rules.Rule;
import org.apache.spark.sql.execution.SparkStrategy;
import scala.Function1;
import scala.collection.immutable.Seq;

/**
 * How async calls get into Spark's planning: the {@link ExtractAsyncCalls} rule and the
 * {@link AsyncEvalStrategy}, either from the session extension {@code io.asyncudf.sql.AsyncUdfExtensions}
 * or installed into a classic session at first use. Also turns column helpers into expressions and
 * SQL functions. Not meant to be used directly.
 */
public final class AsyncUdfPlanning {

  private AsyncUdfPlanning() {}

  /** The rule that lifts async calls out of {@code Project} and {@code Filter}. */
  static Rule<LogicalPlan> rule() {
    return new ExtractAsyncCalls();
  }

  /** The strategy that plans them. */
  static SparkStrategy strategy() {
    return new AsyncEvalStrategy();
  }

  /**
   * Installs the rule and strategy into {@code session} unless they are there already.
   *
   * @throws UnsupportedOperationException for a Spark Connect session, naming the route that works there
   */
  public static void install(SparkSession session) {
    SparkInternals.installPlanner(SparkInternals.classic(session), rule(), strategy());
  }

  /** Installs them into the active (else the default) session when it is a classic one; else does nothing. */
  static void installIntoActiveSession() {
    SparkSession session = SparkSession.getActiveSession().getOrElse(() -> SparkSession.getDefaultSession().getOrElse(() -> null));
    org.apache.spark.sql.classic.SparkSession classic = session == null ? null : SparkInternals.classicOrNull(session);
    if (classic != null) {
      SparkInternals.installPlanner(classic, rule(), strategy());
    }
  }

  /** The column of {@code call} applied to {@code inputs}. */
  public static Column column(AsyncCall call, List<Column> inputs) {
    installIntoActiveSession();
    List<Column> arguments = call.shape() == SparkExecution.InputShape.STRUCT && inputs.size() > 1
        ? List.of(functions.struct(inputs.toArray(Column[]::new)))
        : inputs;
    return SparkInternals.column(expression(call, arguments.stream().map(SparkInternals::expression).toList()));
  }

  /** The expression of {@code call} applied to {@code arguments}. */
  static Expression expression(AsyncCall call, List<Expression> arguments) {
    call.requireShippable();
    return AsyncCallExpression.of(call, Plans.seq(arguments));
  }

  /** A Spark function builder: the expression of {@code call} applied to the arguments given in SQL. */
  static Function1<Seq<Expression>, Expression> functionBuilder(AsyncCall call) {
    return arguments -> expression(call, Plans.list(arguments));
  }

  /** Registers {@code call} as temporary SQL function {@code name} of {@code session} and installs the planner. */
  public static void register(SparkSession session, String name, AsyncCall call) {
    install(session);
    SparkInternals.registerFunction(session, name, functionBuilder(call));
  }
}
