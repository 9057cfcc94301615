package io.asyncudf.internal.spark;

import io.asyncudf.internal.spark.catalyst.Plans;
import java.util.List;
import org.apache.spark.sql.catalyst.analysis.MultiInstanceRelation;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeSet;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The logical node of a DataFrame helper (as {@code MapInPandas} is for a Python function over
 * whole rows): the child's rows in chunks, any number of output rows per chunk. Planned by
 * {@link AsyncEvalStrategy} as an {@link AsyncMapRowsExec}. Used twice in one plan (a self-join), the
 * second use gets new attribute ids, as a relation does.
 */
public final class AsyncMapRows extends LogicalPlan implements MultiInstanceRelation {

  private final RowsCall call;
  private final Seq<Attribute> input;
  private final Seq<Attribute> output;
  private final LogicalPlan child;
  private final boolean materialize;
  private final JournalLookup lookup;

  /**
   * @param input the child's columns the function gets, in order (as attributes, so that rules that
   *     rewrite the child, such as column pruning and alias removal, see them used and keep them in step)
   * @param output the rows the function returns, then the error column if any
   * @param materialize whether the plan reads this node's output twice in one query (a range shuffle
   *     above samples it), so it must be kept for the query instead of being called again
   */
  public AsyncMapRows(RowsCall call, Seq<Attribute> input, Seq<Attribute> output, LogicalPlan child,
      boolean materialize) {
    this(call, input, output, child, materialize, null);
  }

  /**
   * @param lookup the child's columns of a journal lookup (rows found there are not called: their journaled
   *     output rows are emitted), or null
   */
  public AsyncMapRows(RowsCall call, Seq<Attribute> input, Seq<Attribute> output, LogicalPlan child,
      boolean materialize, JournalLookup lookup) {
    this.call = call;
    this.input = input;
    this.output = output;
    this.child = child;
    this.materialize = materialize;
    this.lookup = lookup;
  }

  JournalLookup lookup() {
    return lookup;
  }

  /** What it reads of its child: the input columns, and a journal lookup's columns. */
  @Override
  public AttributeSet references() {
    return JournalLookup.reads(super.references(), lookup);
  }

  RowsCall call() {
    return call;
  }

  Seq<Attribute> input() {
    return input;
  }

  LogicalPlan child() {
    return child;
  }

  boolean materialize() {
    return materialize;
  }

  AsyncMapRows materialized() {
    return materialize ? this : new AsyncMapRows(call, input, output, child, true, lookup);
  }

  /** This node with new attribute ids, for a plan that uses it twice (a self-join). */
  @Override
  public LogicalPlan newInstance() {
    List<Attribute> renewed = Plans.list(output).stream().map(Attribute::newInstance).toList();
    return new AsyncMapRows(call, input, Plans.seq(renewed), child, materialize, lookup);
  }

  @Override
  public Seq<Attribute> output() {
    return output;
  }

  @Override
  public AttributeSet producedAttributes() {
    return outputSet();
  }

  @Override
  public Seq<LogicalPlan> children() {
    return CollectionConverters.asScala(List.of(child)).toList();
  }

  @Override
  public LogicalPlan withNewChildrenInternal(IndexedSeq<LogicalPlan> newChildren) {
    return new AsyncMapRows(call, input, output, newChildren.head(), materialize, lookup);
  }

  @Override
  public int productArity() {
    return 6;
  }

  @Override
  public Object productElement(int n) {
    return switch (n) {
      case 0 -> call;
      case 1 -> input;
      case 2 -> output;
      case 3 -> child;
      case 4 -> materialize;
      case 5 -> lookup;
      default -> throw new IndexOutOfBoundsException(n);
    };
  }

  /** Equal product elements, as a case class; {@code TreeNode.hashCode} already hashes them. */
  @Override
  public boolean equals(Object that) {
    return Plans.productEquals(this, that);
  }

  @Override
  public boolean canEqual(Object that) {
    return that instanceof AsyncMapRows;
  }
}
