package io.asyncudf.internal.spark;

import io.asyncudf.internal.spark.catalyst.Plans;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.execution.ProjectExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.SparkStrategy;
import scala.collection.immutable.Seq;

/**
 * Plans an {@link AsyncEval} node as an {@link AsyncEvalExec}, an {@link AsyncMapRows} node as an
 * {@link AsyncMapRowsExec} and a {@link JournalAppend} node as a {@link JournalAppendExec}.
 */
public final class AsyncEvalStrategy extends SparkStrategy {

  @Override
  public Seq<SparkPlan> apply(LogicalPlan plan) {
    if (plan instanceof AsyncEval eval) {
      return Plans.seq(List.of(new AsyncEvalExec(eval.call(), eval.input(), eval.result(), planLater(eval.child()),
          eval.materialize(), null, eval.lookup())));
    }
    if (plan instanceof AsyncMapRows rows) {
      return Plans.seq(List.of(new AsyncMapRowsExec(rows.call(), rows.input(), rows.output(), planLater(rows.child()),
          rows.materialize(), rows.lookup())));
    }
    if (plan instanceof JournalAppend append && append.child() instanceof AsyncEval eval) {
      return Plans.seq(List.of(journaling(append, eval)));
    }
    // column pruning puts a projection of the columns used above between the two (in the session extension's batch)
    if (plan instanceof JournalAppend append && append.child() instanceof Project project
        && project.child() instanceof AsyncEval eval
        && Plans.list(project.projectList()).stream().allMatch(column -> column instanceof Attribute)) {
      return Plans.seq(List.of(new ProjectExec(project.projectList(), journaling(append, eval))));
    }
    if (plan instanceof JournalAppend append) {
      return Plans.seq(List.of(new JournalAppendExec(append.path(), append.key(), append.json(), append.journaled(),
          planLater(append.child()))));
    }
    return Plans.seq(List.of());
  }

  /** The call, journaling as it emits: the operator that also recovers what a retried task's attempts journaled. */
  private SparkPlan journaling(JournalAppend append, AsyncEval eval) {
    return new AsyncEvalExec(eval.call(), eval.input(), eval.result(), planLater(eval.child()), eval.materialize(),
        append.spec(), eval.lookup());
  }
}
