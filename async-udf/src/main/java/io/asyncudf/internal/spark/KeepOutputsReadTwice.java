package io.asyncudf.internal.spark;

import io.asyncudf.internal.spark.catalyst.Plans;
import io.asyncudf.internal.spark.catalyst.SparkInternals;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.spark.sql.catalyst.planning.ExtractEquiJoinKeys$;
import org.apache.spark.sql.catalyst.plans.Cross$;
import org.apache.spark.sql.catalyst.plans.FullOuter$;
import org.apache.spark.sql.catalyst.plans.Inner$;
import org.apache.spark.sql.catalyst.plans.JoinType;
import org.apache.spark.sql.catalyst.plans.LeftOuter$;
import org.apache.spark.sql.catalyst.plans.RightOuter$;
import org.apache.spark.sql.catalyst.plans.logical.Aggregate;
import org.apache.spark.sql.catalyst.plans.logical.BROADCAST$;
import org.apache.spark.sql.catalyst.plans.logical.Deduplicate;
import org.apache.spark.sql.catalyst.plans.logical.GlobalLimit;
import org.apache.spark.sql.catalyst.plans.logical.Join;
import org.apache.spark.sql.catalyst.plans.logical.JoinHint;
import org.apache.spark.sql.catalyst.plans.logical.JoinStrategyHint;
import org.apache.spark.sql.catalyst.plans.logical.LocalLimit;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.catalyst.plans.logical.Repartition;
import org.apache.spark.sql.catalyst.plans.logical.RepartitionByExpression;
import org.apache.spark.sql.catalyst.plans.logical.SHUFFLE_HASH$;
import org.apache.spark.sql.catalyst.plans.logical.SHUFFLE_MERGE$;
import org.apache.spark.sql.catalyst.plans.logical.SHUFFLE_REPLICATE_NL$;
import org.apache.spark.sql.catalyst.plans.logical.Sort;
import org.apache.spark.sql.catalyst.plans.logical.Window;
import org.apache.spark.sql.catalyst.plans.physical.RangePartitioning;
import org.apache.spark.sql.catalyst.rules.Rule;
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
 *   <li>a node either side of a join Spark plans as a cartesian product (inner or cross, without equality
 *       keys and neither side to be broadcast, or hinted {@code shuffle_replicate_nl}), with no shuffle in
 *       between and no limit above: a cartesian product computes each partition of a side once per
 *       partition of the other.</li>
 *   <li>a node on the side of an outer join without equality keys that Spark reads twice ({@link
 *       #streamedTwice}), with no shuffle in between, limit or not.</li>
 *   <li>twins: two or more nodes of one plan that compute the same result (equal canonical plans), as the
 *       Dataset API makes of {@code scored.join(scored, ...)} or {@code scored.union(scored)}. The first
 *       twin to run keeps its output and the others read it. Where Spark reuses an exchange above them
 *       (a CTE, a sort-merge self-join) only one twin runs, and keeping its output was not needed.</li>
 * </ul>
 */
final class KeepOutputsReadTwice extends Rule<LogicalPlan> {

  @Override
  public LogicalPlan apply(LogicalPlan plan) {
    return hasAsync(plan) ? new Marking(twins(plan)).mark(plan, false, false) : plan;
  }

  private static boolean hasAsync(LogicalPlan plan) {
    return plan instanceof AsyncEval || plan instanceof AsyncMapRows
        || Plans.list(plan.children()).stream().anyMatch(child -> hasAsync((LogicalPlan) child));
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
      boolean childrenSampled = ((rangeShuffle(plan) || cartesian(plan)) && !limited)
          || (sampled && !ownShuffle(plan));
      boolean childrenLimited = plan instanceof GlobalLimit || plan instanceof LocalLimit
          || (limited && plan instanceof Project);
      boolean keep = sampled || (!twins.isEmpty() && twins.contains(plan.canonicalized()));
      LogicalPlan streamedTwice = streamedTwice(plan);
      LogicalPlan marked = plan.mapChildren(
          child -> mark(child, childrenSampled || child == streamedTwice, childrenLimited));
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
   * A join with an async node on a side that Spark plans as a cartesian product ({@code JoinSelection}): inner
   * or cross, neither side hinted {@code broadcast}, and either hinted {@code shuffle_replicate_nl} (over any
   * merge or shuffle-hash hint of an equi-join), or without equality keys and neither side small enough to
   * broadcast. A side whose size cannot be estimated yet counts as small: nothing is kept.
   */
  private static boolean cartesian(LogicalPlan plan) {
    if (!(plan instanceof Join join) || !(join.joinType() == Inner$.MODULE$ || join.joinType() == Cross$.MODULE$)
        || !(hasAsync(join.left()) || hasAsync(join.right()))) {
      return false;
    }
    JoinHint hint = join.hint();
    if (hinted(hint, BROADCAST$.MODULE$)) {
      return false;
    }
    boolean equi = ExtractEquiJoinKeys$.MODULE$.unapply(join).isDefined();
    if (hinted(hint, SHUFFLE_REPLICATE_NL$.MODULE$)) {
      return !equi || !(hinted(hint, SHUFFLE_MERGE$.MODULE$) || hinted(hint, SHUFFLE_HASH$.MODULE$));
    }
    return !equi && !small(join.left()) && !small(join.right());
  }

  /**
   * The side of an outer join without equality keys that Spark reads twice, or null. Spark plans such a join as a
   * broadcast nested loop join ({@code JoinSelection}), which reads its streamed side twice when it must also
   * emit the broadcast rows nothing matched: a full outer join, a left outer join broadcasting its left side, a
   * right outer join broadcasting its right. Its first read finds those rows in a job of its own, so a limit
   * above does not spare it. The broadcast side is chosen as Spark does: the side hinted {@code broadcast}, else
   * the side small enough to broadcast, else (both or neither) the right side of a left outer join, the left of a
   * right outer join, and the smaller side of a full outer join.
   */
  private static LogicalPlan streamedTwice(LogicalPlan plan) {
    if (!(plan instanceof Join join) || !(hasAsync(join.left()) || hasAsync(join.right()))) {
      return null;
    }
    JoinType type = join.joinType();
    boolean full = type == FullOuter$.MODULE$;
    if (!(full || type == LeftOuter$.MODULE$ || type == RightOuter$.MODULE$)
        || ExtractEquiJoinKeys$.MODULE$.unapply(join).isDefined()) {
      return null;
    }
    boolean buildsLeft = broadcastsLeft(join, () -> full
        ? sizeInBytes(join.left()).compare(sizeInBytes(join.right())) < 0 : type == RightOuter$.MODULE$);
    if (full) {
      return buildsLeft ? join.right() : join.left();
    }
    if (type == LeftOuter$.MODULE$) {
      return buildsLeft ? join.right() : null;
    }
    return buildsLeft ? null : join.left();
  }

  /** @param leftPreferred the side Spark broadcasts when both or neither may be: asked only then */
  private static boolean broadcastsLeft(Join join, BooleanSupplier leftPreferred) {
    boolean hintedLeft = join.hint().leftHint().exists(info -> info.strategy().contains(BROADCAST$.MODULE$));
    boolean hintedRight = join.hint().rightHint().exists(info -> info.strategy().contains(BROADCAST$.MODULE$));
    if (hintedLeft || hintedRight) {
      return hintedLeft && hintedRight ? leftPreferred.getAsBoolean() : hintedLeft;
    }
    boolean smallLeft = small(join.left());
    boolean smallRight = small(join.right());
    return smallLeft == smallRight ? leftPreferred.getAsBoolean() : smallLeft;
  }

  private static boolean hinted(JoinHint hint, JoinStrategyHint strategy) {
    return hint.leftHint().exists(info -> info.strategy().contains(strategy))
        || hint.rightHint().exists(info -> info.strategy().contains(strategy));
  }

  private static boolean small(LogicalPlan side) {
    long threshold = SparkInternals.autoBroadcastJoinThreshold();
    return threshold >= 0 && sizeInBytes(side).compare(BigInt.apply(threshold)) <= 0;
  }

  /** The estimated size of {@code side}, or 0 where it cannot be estimated yet: it counts as small. */
  private static BigInt sizeInBytes(LogicalPlan side) {
    try {
      return side.stats().sizeInBytes();
    } catch (Exception e) { // a source that cannot estimate before its pushdown: SparkException (DSv2 under spark.testing)
      return BigInt.apply(0);
    }
  }

  private static boolean ownShuffle(LogicalPlan plan) {
    return plan instanceof Aggregate || plan instanceof Window || (plan instanceof Repartition r && r.shuffle())
        || plan instanceof RepartitionByExpression || plan instanceof Deduplicate || plan instanceof GlobalLimit;
  }
}
