package io.asyncudf.internal.spark;

import io.asyncudf.internal.spark.catalyst.Plans;
import io.asyncudf.internal.spark.catalyst.SparkInternals;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.rules.Rule;
import org.apache.spark.sql.execution.SparkStrategy;
import org.apache.spark.sql.functions;
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
  public static Rule<LogicalPlan> rule() {
    return new ExtractAsyncCalls();
  }

  /** The strategy that plans them. */
  public static SparkStrategy strategy() {
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

  /**
   * The column of {@code call} applied to {@code inputs}; for a call with a journal key the user named
   * ({@link AsyncCall#journalKeyed()}), the last of {@code inputs} is that key.
   */
  public static Column column(AsyncCall call, List<Column> inputs) {
    installIntoActiveSession();
    List<Column> values = call.journalKeyed() ? inputs.subList(0, inputs.size() - 1) : inputs;
    List<Column> arguments = new java.util.ArrayList<>(call.shape() == SparkExecution.InputShape.STRUCT
        && values.size() > 1 ? List.of(functions.struct(values.toArray(Column[]::new))) : values);
    if (call.journalKeyed()) {
      arguments.add(inputs.get(inputs.size() - 1));
    }
    return SparkInternals.column(expression(call, arguments.stream().map(SparkInternals::expression).toList()));
  }

  /** The expression of {@code call} applied to {@code arguments}. */
  static Expression expression(AsyncCall call, List<Expression> arguments) {
    call.requireShippable();
    return AsyncCallExpression.of(call, Plans.seq(arguments));
  }

  /** A Spark function builder: the expression of {@code call} applied to the arguments given in SQL. */
  static Function1<Seq<Expression>, Expression> functionBuilder(AsyncCall call) {
    return functionBuilder(call, null);
  }

  /** The same, with {@code journalKey} (or null) appended as the call's journal key. */
  private static Function1<Seq<Expression>, Expression> functionBuilder(AsyncCall call, Expression journalKey) {
    return arguments -> {
      List<Expression> given = new java.util.ArrayList<>(Plans.list(arguments));
      if (journalKey != null) {
        given.add(journalKey);
      }
      return expression(call, given);
    };
  }

  /** Registers {@code call} as temporary SQL function {@code name} of {@code session} and installs the planner. */
  public static void register(SparkSession session, String name, AsyncCall call) {
    register(session, name, call, null);
  }

  /**
   * Registers {@code call} as temporary SQL function {@code name}, its journal key {@code journalKey} (resolved
   * where the function is called), or none when null.
   */
  public static void register(SparkSession session, String name, AsyncCall call, Column journalKey) {
    install(session);
    SparkInternals.registerFunction(session, name,
        functionBuilder(call, journalKey == null ? null : SparkInternals.expression(session, journalKey)));
  }
}
