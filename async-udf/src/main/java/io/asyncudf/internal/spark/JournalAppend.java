package io.asyncudf.internal.spark;

import io.asyncudf.internal.spark.catalyst.Plans;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Passes its child's rows through and appends, for each row where {@code journaled} holds, the pair
 * {@code key}, {@code json} to the journal at {@code path}. Placed above a journaled call by
 * {@link JournalCalls}; planned as {@link JournalAppendExec}.
 */
public final class JournalAppend extends LogicalPlan {

  private final String path;
  private final Expression key;
  private final Expression json;
  private final Expression journaled;
  private final LogicalPlan child;

  public JournalAppend(String path, Expression key, Expression json, Expression journaled, LogicalPlan child) {
    this.path = path;
    this.key = key;
    this.json = json;
    this.journaled = journaled;
    this.child = child;
  }

  /**
   * What to journal: at {@code path}, the {@code key} and {@code json} of each row where {@code journaled}
   * holds.
   */
  public record Spec(String path, Expression key, Expression json, Expression journaled) implements java.io.Serializable {}

  Spec spec() {
    return new Spec(path, key, json, journaled);
  }

  String path() {
    return path;
  }

  Expression key() {
    return key;
  }

  Expression json() {
    return json;
  }

  Expression journaled() {
    return journaled;
  }

  LogicalPlan child() {
    return child;
  }

  @Override
  public Seq<Attribute> output() {
    return child.output();
  }

  @Override
  public Seq<LogicalPlan> children() {
    return CollectionConverters.asScala(List.of(child)).toList();
  }

  @Override
  public LogicalPlan withNewChildrenInternal(IndexedSeq<LogicalPlan> newChildren) {
    return new JournalAppend(path, key, json, journaled, newChildren.head());
  }

  @Override
  public int productArity() {
    return 5;
  }

  @Override
  public Object productElement(int n) {
    return switch (n) {
      case 0 -> path;
      case 1 -> key;
      case 2 -> json;
      case 3 -> journaled;
      case 4 -> child;
      default -> throw new IndexOutOfBoundsException(n);
    };
  }

  @Override
  public boolean equals(Object that) {
    return Plans.productEquals(this, that);
  }

  @Override
  public boolean canEqual(Object that) {
    return that instanceof JournalAppend;
  }
}
