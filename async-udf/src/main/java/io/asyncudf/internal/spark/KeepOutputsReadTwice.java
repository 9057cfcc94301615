package io.asyncudf.internal.spark;

import io.asyncudf.internal.spark.catalyst.Plans;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.catalyst.planning.ExtractEquiJoinKeys$;
import org.apache.spark.sql.catalyst.plans.Cross$;
import org.apache.spark.sql.catalyst.plans.Inner$;
import org.apache.spark.sql.catalyst.plans.logical.Aggregate;
import org.apache.spark.sql.catalyst.plans.logical.Deduplicate;
import org.apache.spark.sql.catalyst.plans.logical.BROADCAST$;
import org.apache.spark.sql.catalyst.plans.logical.GlobalLimit;
import org.apache.spark.sql.catalyst.plans.logical.HintInfo;
import org.apache.spark.sql.catalyst.plans.logical.Join;
import org.apache.spark.sql.catalyst.plans.logical.LocalLimit;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.catalyst.plans.logical.Repartition;
import org.apache.spark.sql.catalyst.plans.logical.RepartitionByExpression;
import org.apache.spark.sql.catalyst.plans.logical.Sort;
import org.apache.spark.sql.catalyst.plans.logical.Window;
import org.apache.spark.sql.catalyst.plans.physical.RangePartitioning;
import org.apache.spark.sql.catalyst.rules.Rule;
import org.apache.spark.sql.internal.SQLConf;
import scala.Option;
import scala.math.BigInt;

/**
 * Marks the async nodes whose output one query would otherwise compute twice, so that they keep it
 * for the query ({@link QueryScopedCache}) and each row is called once:
 * <ul>
 *   <li>a node a range shuffle reads: a global {@code ORDER BY} or {@code repartitionByRange} above it
 *       with no other shuffle in between. Spark's range partitioning runs its input once to sample
 *       bounds and once to shuffle. Nodes under an aggregate, window, repartition (not {@code coalesce})
 *       or limit are not marked: that shuffle's output is what is read twice, and Spark reuses it. Joins
 *       are looked through (a broadcast join's streamed side is read where the join is), at the cost of
 *       keeping a sort-merge join's input that was needed once. A sort right under a limit is a top-k
 *       that reads its input once: nothing marked.</li>
 *   <li>a node either side of an inner or cross join without equality keys and with neither side to be
 *       broadcast, with no shuffle in between: Spark plans it as a cartesian product, which computes each
 *       partition of a side once per partition of the other.</li>
 *   <li>twins: two or more nodes of one plan that compute the same result (equal canonical plans), as the
 *       Dataset API makes of {@code scored.join(scored, ...)} or {@code scored.union(scored)}. The first
 *       twin to run keeps its output and the others read it. Where Spark reuses an exchange above them
 *       (a CTE, a sort-merge self-join) only one twin runs, and keeping its output was not needed.</li>
 * </ul>
 */
final class KeepOutputsReadTwice extends Rule<LogicalPlan> {

  @Override
  public LogicalPlan apply(LogicalPlan plan) {
    return new Marking(twins(plan)).mark(plan, false, false);
  }

  /** The canonical plans of the async nodes that occur more than once in {@code plan}. */
  private static Set<LogicalPlan> twins(LogicalPlan plan) {
    Map<LogicalPlan, Integer> counts = new HashMap<>();
    count(plan, counts);
    return counts.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)
        .collect(Collectors.toSet());
  }

  private static void count(LogicalPlan plan, Map<LogicalPlan, Integer> counts) {
    if (plan instanceof AsyncEval || plan instanceof AsyncMapRows) {
      counts.merge(plan.canonicalized(), 1, Integer::sum);
    }
    Plans.list(plan.children()).forEach(child -> count((LogicalPlan) child, counts));
  }

  private record Marking(Set<LogicalPlan> twins) {

    /**
     * @param sampled whether a range shuffle above reads this node's output
     * @param limited whether a limit is directly above (through projections): a sort there is planned
     *     as a top-k ({@code TakeOrderedAndProject}) that reads its input once
     */
    LogicalPlan mark(LogicalPlan plan, boolean sampled, boolean limited) {
      boolean childrenSampled = (rangeShuffle(plan) && !limited) || nestedLoop(plan)
          || (sampled && !ownShuffle(plan));
      boolean childrenLimited = plan instanceof GlobalLimit || plan instanceof LocalLimit
          || (limited && plan instanceof Project);
      boolean keep = sampled || (!twins.isEmpty() && twins.contains(plan.canonicalized()));
      LogicalPlan marked = plan.mapChildren(child -> mark(child, childrenSampled, childrenLimited));
      if (keep && marked instanceof AsyncEval eval) {
        return eval.materialized();
      }
      if (keep && marked instanceof AsyncMapRows rows) {
        return rows.materialized();
      }
      return marked;
    }
  }

  private static boolean rangeShuffle(LogicalPlan plan) {
    return (plan instanceof Sort sort && sort.global())
        || (plan instanceof RepartitionByExpression repartition && repartition.partitioning() instanceof RangePartitioning);
  }

  /**
   * A join Spark plans as a cartesian product: inner or cross, with no equality keys, and neither side to be
   * broadcast (by a hint, or by its estimated size), which would read the other side once.
   */
  private static boolean nestedLoop(LogicalPlan plan) {
    return plan instanceof Join join && (join.joinType() == Inner$.MODULE$ || join.joinType() == Cross$.MODULE$)
        && ExtractEquiJoinKeys$.MODULE$.unapply(join).isEmpty()
        && !broadcast(join.left(), join.hint().leftHint()) && !broadcast(join.right(), join.hint().rightHint());
  }

  private static boolean broadcast(LogicalPlan side, Option<HintInfo> hint) {
    if (hint.isDefined() && hint.get().strategy().contains(BROADCAST$.MODULE$)) {
      return true;
    }
    long threshold = SQLConf.get().autoBroadcastJoinThreshold();
    return threshold >= 0 && side.stats().sizeInBytes().compare(BigInt.apply(threshold)) <= 0;
  }

  private static boolean ownShuffle(LogicalPlan plan) {
    return plan instanceof Aggregate || plan instanceof Window || (plan instanceof Repartition r && r.shuffle())
        || plan instanceof RepartitionByExpression || plan instanceof Deduplicate || plan instanceof GlobalLimit;
  }
}
