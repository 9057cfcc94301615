package io.asyncudf.internal.spark;

import io.asyncudf.internal.spark.SparkExecution.InputShape;
import io.asyncudf.internal.spark.catalyst.Plans;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.analysis.TypeCheckResult;
import org.apache.spark.sql.catalyst.expressions.CreateNamedStruct;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.NamedLambdaVariable;
import org.apache.spark.sql.catalyst.expressions.OuterReference;
import org.apache.spark.sql.catalyst.expressions.Unevaluable;
import org.apache.spark.sql.catalyst.expressions.codegen.CodegenContext;
import org.apache.spark.sql.catalyst.expressions.codegen.ExprCode;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;

/**
 * An async call in an expression tree. It is never evaluated row by row: {@link ExtractAsyncCalls}
 * lifts it out of its {@code Project} or {@code Filter} into an {@link AsyncEval} node, which the
 * engine runs over whole partitions. Nondeterministic, so the optimizer neither duplicates nor moves
 * the calls it makes, and {@code Unevaluable}, so it never folds one on the driver (as it would over a
 * local relation).
 */
public final class AsyncCallExpression extends Expression implements Unevaluable {

  static final String EXTENSION_HINT = "set spark.sql.extensions=io.asyncudf.sql.AsyncUdfExtensions";

  private final AsyncCall call;
  private final Seq<Expression> arguments;
  private final DataType dataType;

  public AsyncCallExpression(AsyncCall call, Seq<Expression> arguments) {
    this.call = call;
    this.arguments = arguments;
    this.dataType = call.resultType(); // asked for again and again during analysis and optimization
  }

  AsyncCall call() {
    return call;
  }

  /**
   * The expression of {@code call} over {@code arguments}; several arguments of a struct-input call
   * become one struct, its fields named after the columns.
   */
  static AsyncCallExpression of(AsyncCall call, Seq<Expression> arguments) {
    java.util.List<Expression> given = new java.util.ArrayList<>(Plans.list(arguments));
    Expression key = call.journalKeyed() && !given.isEmpty() ? given.remove(given.size() - 1) : null;
    if (call.shape() == InputShape.STRUCT && given.size() > 1) {
      java.util.List<Expression> fields = new java.util.ArrayList<>();
      for (int i = 0; i < given.size(); i++) {
        fields.add(Literal.create(fieldName(given.get(i), i), DataTypes.StringType));
        fields.add(given.get(i));
      }
      given = new java.util.ArrayList<>(java.util.List.of(new CreateNamedStruct(Plans.seq(fields))));
    }
    if (key != null) {
      given.add(key);
    }
    return new AsyncCallExpression(call, Plans.seq(given));
  }

  private static String fieldName(Expression argument, int index) {
    if (argument instanceof NamedExpression named && argument.resolved()) {
      return named.name();
    }
    return "col" + (index + 1);
  }

  /** The value the function gets per row. */
  Expression input() {
    return arguments.head();
  }

  /** The journal key the user named, or null when the input is the key. */
  Expression journalKey() {
    return call.journalKeyed() && arguments.size() > 1 ? arguments.last() : null;
  }

  @Override
  public Seq<Expression> children() {
    return arguments;
  }

  @Override
  public DataType dataType() {
    return dataType;
  }

  @Override
  public boolean nullable() {
    return true;
  }

  @Override
  public boolean foldable() {
    return false;
  }

  @Override
  public boolean deterministic() {
    return false;
  }

  @Override
  public TypeCheckResult checkInputDataTypes() {
    AsyncUdfPlanning.installIntoActiveSession();
    if (arguments.isEmpty()) {
      return new TypeCheckResult.TypeCheckFailure(call.name() + " needs at least one input column");
    }
    if (Plans.<Expression>list(arguments).stream().anyMatch(argument ->
        Plans.exists(argument, e -> e instanceof NamedLambdaVariable || e instanceof OuterReference))) {
      return new TypeCheckResult.TypeCheckFailure(call.name() + " cannot take a lambda variable or an outer "
          + "reference (inside transform(...), filter(...) or a correlated subquery): it runs over whole "
          + "partitions; compute it on a column first");
    }
    int inputs = arguments.size() - (call.journalKeyed() ? 1 : 0);
    if (inputs != 1) {
      return new TypeCheckResult.TypeCheckFailure(call.name() + " takes one scalar input column, got "
          + inputs + "; use a struct-input UDF (structToScalar, structToStruct) for several columns");
    }
    if (call.shape() == InputShape.STRUCT && !(arguments.head().dataType() instanceof StructType)) {
      return new TypeCheckResult.TypeCheckFailure(call.name() + " takes a struct or several columns, got "
          + arguments.head().sql() + " of type " + arguments.head().dataType().simpleString()
          + "; pass struct(" + arguments.head().sql() + ") or use a scalar-input UDF");
    }
    if (call.shape() == InputShape.SCALAR) {
      DataType given = arguments.head().dataType();
      if (given instanceof StructType struct) {
        return new TypeCheckResult.TypeCheckFailure(call.name() + " takes a scalar input, got the struct "
            + struct.simpleString() + "; use structToScalar or structToStruct for struct inputs");
      }
      if (call.inputType() != null && !call.inputType().sameType(given)) {
        return new TypeCheckResult.TypeCheckFailure(call.name() + " takes " + call.inputType().simpleString()
            + " (its input encoder's type), got " + arguments.head().sql() + " of type " + given.simpleString()
            + "; cast the column");
      }
    }
    return TypeCheckResult.TypeCheckSuccess$.MODULE$;
  }

  @Override
  public Object eval(InternalRow input) {
    throw notExtracted();
  }

  @Override
  public ExprCode doGenCode(CodegenContext ctx, ExprCode ev) {
    throw notExtracted();
  }

  private IllegalStateException notExtracted() {
    return new IllegalStateException("async call " + call.name() + " was not planned as an AsyncEval operator: "
        + "the session lacks the async UDF planner (" + EXTENSION_HINT + "), or the call sits where only "
        + "SELECT and WHERE expressions are supported (compute it in a subquery first)");
  }

  @Override
  public String prettyName() {
    return call.name();
  }

  @Override
  public String toString() {
    return call.name() + arguments.mkString("(", ", ", ")");
  }

  @Override
  public Expression withNewChildrenInternal(IndexedSeq<Expression> newChildren) {
    return new AsyncCallExpression(call, newChildren);
  }

  @Override
  public int productArity() {
    return 2;
  }

  @Override
  public Object productElement(int n) {
    return switch (n) {
      case 0 -> call;
      case 1 -> arguments;
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
    return that instanceof AsyncCallExpression;
  }
}
