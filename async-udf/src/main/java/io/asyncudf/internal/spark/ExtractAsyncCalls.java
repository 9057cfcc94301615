package io.asyncudf.internal.spark;

import io.asyncudf.internal.spark.catalyst.Plans;
import io.asyncudf.internal.spark.catalyst.SparkInternals;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateExpression;
import org.apache.spark.sql.catalyst.plans.logical.Aggregate;
import org.apache.spark.sql.catalyst.plans.logical.Filter;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.catalyst.rules.Rule;
import org.apache.spark.sql.types.Metadata;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Lifts async calls out of {@code Project} and {@code Filter} nodes (and out of an {@code Aggregate}'s
 * results, into a {@code Project} above it; Spark's analysis refuses calls inside aggregate functions) into {@link AsyncEval} nodes
 * below them (as Spark's {@code ExtractPythonUDFs} does for Python UDFs), innermost calls first, so
 * an async call whose input is another's output sees that output as a column. The {@code Project}
 * or {@code Filter} then refers to each call's result attribute; a {@code Filter} is wrapped in a
 * {@code Project} that keeps its original output. Then answers journaled calls from their journal
 * first ({@link JournalCalls}) and marks the async nodes whose output the query would otherwise compute
 * twice: under a range shuffle, or equal nodes ({@link KeepOutputsReadTwice}).
 */
public final class ExtractAsyncCalls extends Rule<LogicalPlan> {

  private final KeepOutputsReadTwice keepReadTwice = new KeepOutputsReadTwice();

  @Override
  public LogicalPlan apply(LogicalPlan plan) {
    return keepReadTwice.apply(JournalCalls.apply(extract(plan)));
  }

  private LogicalPlan extract(LogicalPlan plan) {
    LogicalPlan withChildren = plan.mapChildren(this::extract);
    if (withChildren instanceof Aggregate aggregate
        && expressions(aggregate.aggregateExpressions()).stream().anyMatch(ExtractAsyncCalls::callOverAggregate)) {
      withChildren = splitAggregate(aggregate);
    }
    if (withChildren instanceof Project project && hasCalls(expressions(project.projectList()))) {
      Lifted lifted = lift(expressions(project.projectList()), project.child());
      List<NamedExpression> projectList = new ArrayList<>();
      lifted.expressions.forEach(e -> projectList.add((NamedExpression) e));
      return new Project(Plans.seq(projectList), lifted.child);
    }
    if (withChildren instanceof Filter filter && hasCalls(List.of(filter.condition()))) {
      Lifted lifted = lift(new ArrayList<>(List.of(filter.condition())), filter.child());
      List<NamedExpression> output = new ArrayList<>();
      CollectionConverters.asJava(filter.child().output()).forEach(a -> output.add((NamedExpression) a));
      return new Project(Plans.seq(output), new Filter(lifted.expressions.get(0), lifted.child));
    }
    return withChildren;
  }

  /**
   * An aggregate whose results call async functions (the optimizer merges a {@code Project} above an
   * {@code Aggregate} into it) as a {@code Project} of those calls over the aggregate: the calls take
   * the aggregated values, as Spark's {@code ExtractPythonUDFFromAggregate} does for Python UDFs.
   */
  private static LogicalPlan splitAggregate(Aggregate aggregate) {
    List<NamedExpression> aggregated = new ArrayList<>();
    List<NamedExpression> projected = new ArrayList<>();
    for (NamedExpression result : CollectionConverters.asJava(aggregate.aggregateExpressions())) {
      if (!callOverAggregate((Expression) result)) {
        aggregated.add(result);
        projected.add(result.toAttribute());
        continue;
      }
      projected.add((NamedExpression) Plans.replaceTopDown((Expression) result, e -> {
        boolean computedByAggregate = e instanceof AggregateExpression
            || CollectionConverters.asJava(aggregate.groupingExpressions()).stream().anyMatch(e::semanticEquals);
        if (!computedByAggregate) {
          return null;
        }
        NamedExpression named = e instanceof NamedExpression n ? n : new Alias(e, "_async_input",
            NamedExpression.newExprId(), Plans.seq(List.of()), scala.Option.empty(), Plans.seq(List.of()));
        aggregated.add(named);
        return named.toAttribute();
      }));
    }
    return new Project(Plans.seq(projected), SparkInternals.withAggregateExpressions(aggregate, Plans.seq(aggregated)));
  }

  /** Whether {@code expression} has a call outside every aggregate function. */
  private static boolean callOverAggregate(Expression expression) {
    if (expression instanceof AggregateExpression) {
      return false;
    }
    return expression instanceof AsyncCallExpression
        || Plans.list(expression.children()).stream().anyMatch(child -> callOverAggregate((Expression) child));
  }

  private static boolean hasCalls(List<? extends Expression> expressions) {
    return expressions.stream().anyMatch(e -> Plans.exists(e, AsyncCallExpression.class::isInstance));
  }

  /** Named expressions as expressions (a Scala trait that extends a class is a Java interface). */
  private static List<Expression> expressions(scala.collection.Seq<NamedExpression> named) {
    List<Expression> expressions = new ArrayList<>();
    CollectionConverters.asJava(named).forEach(e -> expressions.add((Expression) e));
    return expressions;
  }

  private record Lifted(List<Expression> expressions, LogicalPlan child) {}

  private static Lifted lift(List<Expression> expressions, LogicalPlan child) {
    while (hasCalls(expressions)) {
      Map<Expression, Expression> results = new IdentityHashMap<>();
      for (Expression expression : expressions) {
        for (AsyncCallExpression call : Plans.innermost(expression, AsyncCallExpression.class, new ArrayList<>())) {
          if (results.containsKey(call)) {
            continue; // the same call object used twice in this node: one operator, one set of requests
          }
          Attribute result = new AttributeReference(call.call().name(), call.dataType(), true, Metadata.empty(),
              NamedExpression.newExprId(), Plans.seq(List.of()));
          child = new AsyncEval(call.call(), call.input(), result, child, false, null, call.journalKey());
          results.put(call, result);
        }
      }
      expressions.replaceAll(e -> Plans.transformUp(e, node -> results.getOrDefault(node, node)));
    }
    return new Lifted(expressions, child);
  }
}
