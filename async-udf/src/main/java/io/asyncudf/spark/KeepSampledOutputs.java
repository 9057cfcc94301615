package io.asyncudf.spark;

import org.apache.spark.sql.catalyst.plans.logical.Aggregate;
import org.apache.spark.sql.catalyst.plans.logical.Deduplicate;
import org.apache.spark.sql.catalyst.plans.logical.GlobalLimit;
import org.apache.spark.sql.catalyst.plans.logical.LocalLimit;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.catalyst.plans.logical.Repartition;
import org.apache.spark.sql.catalyst.plans.logical.RepartitionByExpression;
import org.apache.spark.sql.catalyst.plans.logical.Sort;
import org.apache.spark.sql.catalyst.plans.logical.Window;
import org.apache.spark.sql.catalyst.plans.physical.RangePartitioning;
import org.apache.spark.sql.catalyst.rules.Rule;

/**
 * Marks the async nodes whose output a range shuffle reads: a global {@code ORDER BY} or
 * {@code repartitionByRange} above them with no other shuffle in between. Spark's range
 * partitioning runs its input once to sample bounds and once to shuffle; a marked node keeps its
 * output for the query ({@link QueryScopedCache}) so each row is called once. Nodes under an
 * aggregate, window, repartition (not {@code coalesce}) or limit are not marked: that shuffle's
 * output is what is read twice, and Spark reuses it. Joins are looked through (a broadcast join's
 * streamed side is read where the join is), at the cost of keeping a sort-merge join's input that
 * was needed once. A sort right under a limit is a top-k that reads its input once: nothing marked.
 */
final class KeepSampledOutputs extends Rule<LogicalPlan> {

  @Override
  public LogicalPlan apply(LogicalPlan plan) {
    return mark(plan, false, false);
  }

  /**
   * @param sampled whether a range shuffle above reads this node's output
   * @param limited whether a limit is directly above (through projections): a sort there is planned
   *     as a top-k ({@code TakeOrderedAndProject}) that reads its input once
   */
  private static LogicalPlan mark(LogicalPlan plan, boolean sampled, boolean limited) {
    boolean childrenSampled = (rangeShuffle(plan) && !limited) || (sampled && !ownShuffle(plan));
    boolean childrenLimited = plan instanceof GlobalLimit || plan instanceof LocalLimit
        || (limited && plan instanceof Project);
    LogicalPlan marked = plan.mapChildren(child -> mark(child, childrenSampled, childrenLimited));
    if (!sampled) {
      return marked;
    }
    if (marked instanceof AsyncEval eval) {
      return eval.materialized();
    }
    if (marked instanceof AsyncMapRows rows) {
      return rows.materialized();
    }
    return marked;
  }

  private static boolean rangeShuffle(LogicalPlan plan) {
    return (plan instanceof Sort sort && sort.global())
        || (plan instanceof RepartitionByExpression repartition && repartition.partitioning() instanceof RangePartitioning);
  }

  private static boolean ownShuffle(LogicalPlan plan) {
    return plan instanceof Aggregate || plan instanceof Window || (plan instanceof Repartition r && r.shuffle())
        || plan instanceof RepartitionByExpression || plan instanceof Deduplicate || plan instanceof GlobalLimit;
  }
}
