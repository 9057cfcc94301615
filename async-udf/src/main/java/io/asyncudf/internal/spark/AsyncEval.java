package io.asyncudf.internal.spark;

import io.asyncudf.internal.spark.catalyst.Plans;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeSet;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The logical node of one async call: the child's rows, each followed by the call's value as
 * attribute {@code result}. Produced by {@link ExtractAsyncCalls}, planned by {@link AsyncEvalStrategy}.
 */
public final class AsyncEval extends LogicalPlan {

  private final AsyncCall call;
  private final Expression input;
  private final Attribute result;
  private final LogicalPlan child;
  private final boolean materialize;
  private final JournalLookup lookup;
  private final Expression journalKey;

  public AsyncEval(AsyncCall call, Expression input, Attribute result, LogicalPlan child, boolean materialize) {
    this(call, input, result, child, materialize, null, null);
  }

  public AsyncEval(AsyncCall call, Expression input, Attribute result, LogicalPlan child, boolean materialize,
      JournalLookup lookup) {
    this(call, input, result, child, materialize, lookup, null);
  }

  /**
   * @param materialize whether the plan reads this node's output twice in one query (a range shuffle
   *     above samples it), so it must be kept for the query instead of being called again
   * @param lookup the child's columns of a journal lookup (rows found there are not called), or null
   * @param journalKey the journal key the user named, over the child's columns; null when the input is the key
   */
  public AsyncEval(AsyncCall call, Expression input, Attribute result, LogicalPlan child, boolean materialize,
      JournalLookup lookup, Expression journalKey) {
    this.call = call;
    this.input = input;
    this.result = result;
    this.child = child;
    this.materialize = materialize;
    this.lookup = lookup;
    this.journalKey = journalKey;
  }

  Expression journalKey() {
    return journalKey;
  }

  JournalLookup lookup() {
    return lookup;
  }

  boolean materialize() {
    return materialize;
  }

  AsyncEval materialized() {
    return materialize ? this : new AsyncEval(call, input, result, child, true, lookup, journalKey);
  }

  AsyncCall call() {
    return call;
  }

  Expression input() {
    return input;
  }

  Attribute result() {
    return result;
  }

  LogicalPlan child() {
    return child;
  }

  @Override
  public Seq<Attribute> output() {
    return Plans.append(child.output(), result);
  }

  /** What it reads of its child: the input's columns, and a journal lookup's columns. */
  @Override
  public AttributeSet references() {
    return JournalLookup.reads(super.references(), lookup);
  }

  @Override
  public AttributeSet producedAttributes() {
    return AttributeSet.apply(result);
  }

  @Override
  public Seq<LogicalPlan> children() {
    return CollectionConverters.asScala(List.of(child)).toList();
  }

  @Override
  public LogicalPlan withNewChildrenInternal(IndexedSeq<LogicalPlan> newChildren) {
    return new AsyncEval(call, input, result, newChildren.head(), materialize, lookup, journalKey);
  }

  @Override
  public int productArity() {
    return 7;
  }

  @Override
  public Object productElement(int n) {
    return switch (n) {
      case 0 -> call;
      case 1 -> input;
      case 2 -> result;
      case 3 -> child;
      case 4 -> materialize;
      case 5 -> lookup;
      case 6 -> journalKey;
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
    return that instanceof AsyncEval;
  }
}
