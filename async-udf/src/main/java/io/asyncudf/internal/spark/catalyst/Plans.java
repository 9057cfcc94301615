package io.asyncudf.internal.spark.catalyst;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/** Small helpers for Catalyst trees and Scala sequences, for the plan classes. */
public final class Plans {

  private Plans() {}

  public static <T> Seq<T> append(Seq<? extends T> seq, T last) {
    List<T> list = new ArrayList<>(CollectionConverters.asJava(seq));
    list.add(last);
    return seq(list);
  }

  public static <T> Seq<T> seq(List<T> list) {
    return CollectionConverters.asScala(list).toList();
  }

  @SuppressWarnings("unchecked")
  public static <T> List<T> list(scala.collection.Seq<? extends T> seq) {
    return (List<T>) CollectionConverters.asJava(seq);
  }

  /** Every node of {@code plan}, a node before its children. */
  public static List<LogicalPlan> nodes(LogicalPlan plan) {
    return new ArrayList<>(list(plan.collect(new scala.runtime.AbstractPartialFunction<LogicalPlan, LogicalPlan>() {
      @Override
      public boolean isDefinedAt(LogicalPlan node) {
        return true;
      }

      @Override
      public LogicalPlan apply(LogicalPlan node) {
        return node;
      }
    })));
  }

  /** {@code expression} with {@code rule} applied bottom-up to every node. */
  public static Expression transformUp(Expression expression, Function<Expression, Expression> rule) {
    Expression withChildren = expression.mapChildren(child -> transformUp(child, rule));
    return rule.apply(withChildren);
  }

  /**
   * Equality of two tree nodes as Scala case classes have it (Catalyst compares plans and expressions
   * with it, to reuse exchanges and to match expressions): same class, equal product elements.
   * {@code TreeNode.hashCode} hashes the product elements, so it agrees.
   */
  public static boolean productEquals(scala.Product self, Object other) {
    if (self == other) {
      return true;
    }
    if (other == null || other.getClass() != self.getClass()) {
      return false;
    }
    scala.Product that = (scala.Product) other;
    for (int i = 0; i < self.productArity(); i++) {
      if (!java.util.Objects.equals(self.productElement(i), that.productElement(i))) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@code expression} with each topmost node for which {@code replacement} gives a value replaced by
   * it; nodes below a replaced one are not visited.
   */
  public static Expression replaceTopDown(Expression expression, Function<Expression, Expression> replacement) {
    Expression replaced = replacement.apply(expression);
    if (replaced != null) {
      return replaced;
    }
    return expression.mapChildren(child -> replaceTopDown(child, replacement));
  }

  /** Whether {@code expression} or a node below it matches. */
  public static boolean exists(Expression expression, Predicate<Expression> test) {
    if (test.test(expression)) {
      return true;
    }
    for (Expression child : list(expression.children())) {
      if (exists(child, test)) {
        return true;
      }
    }
    return false;
  }

  /** The nodes of {@code expression} that match and have no matching node below them, in tree order. */
  public static <E extends Expression> List<E> innermost(Expression expression, Class<E> type, List<E> into) {
    boolean below = false;
    for (Expression child : list(expression.children())) {
      below |= exists(child, type::isInstance);
      innermost(child, type, into);
    }
    if (!below && type.isInstance(expression)) {
      into.add(type.cast(expression));
    }
    return into;
  }
}
