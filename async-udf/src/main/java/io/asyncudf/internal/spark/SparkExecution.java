package io.asyncudf.internal.spark;

import io.asyncudf.internal.spark.catalyst.Plans;
import io.asyncudf.internal.spark.catalyst.SparkInternals;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.Ascending$;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.FunctionTableSubqueryArgumentExpression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.SortOrder;
import org.apache.spark.sql.catalyst.expressions.SortOrder$;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Repartition;
import org.apache.spark.sql.catalyst.plans.logical.RepartitionByExpression;
import org.apache.spark.sql.catalyst.plans.logical.Sort;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.Option;

/**
 * Applies the Dataset helpers as query plans, never as jobs: a DataFrame helper becomes an
 * {@link AsyncMapRows} node over the DataFrame's plan (or over a SQL table argument), a column helper's {@code withColumn} becomes
 * the column {@code apply(input)}. Called by {@code io.asyncudf.DataFrameUdf} and
 * {@code io.asyncudf.ColumnUdf}; not meant to be used directly.
 */
public final class SparkExecution {


  /** Which kind of input a column helper accepts. */
  public enum InputShape {
    SCALAR,
    STRUCT
  }

  private SparkExecution() {}

  /**
   * {@code df} through {@code call}: a DataFrame of the call's result schema. Runs no Spark job.
   *
   * @throws IllegalArgumentException if the function, parameters, listener or retry policy do not serialize
   */
  public static Dataset<Row> dataFrame(Dataset<Row> df, RowsCall call) {
    call.requireShippable();
    if (call.journal() != null) {
      JournalCalls.requireKey(call, Plans.list(SparkInternals.logicalPlan(df).output()));
    }
    AsyncUdfPlanning.install(df.sparkSession());
    return SparkInternals.ofRows(df, rows(call, SparkInternals.logicalPlan(df)));
  }

  /**
   * Makes {@code call} the temporary table function {@code call.name()} of {@code session}, taking one
   * table argument: {@code SELECT * FROM name(TABLE(t))} or {@code name(TABLE(SELECT ...))}.
   *
   * @throws IllegalArgumentException if what the call ships does not serialize
   */
  public static void registerTableFunction(SparkSession session, RowsCall call) {
    call.requireShippable();
    AsyncUdfPlanning.install(session);
    SparkInternals.registerTableFunction(session, call.name(), tableFunctionBuilder(call));
  }

  /** Builds {@code call}'s node from a table function's arguments: one {@code TABLE(...)}. */
  public static scala.Function1<scala.collection.immutable.Seq<Expression>, LogicalPlan> tableFunctionBuilder(RowsCall call) {
    return arguments -> {
      List<Expression> given = Plans.list(arguments);
      if (given.size() != 1 || !(given.get(0) instanceof FunctionTableSubqueryArgumentExpression table)) {
        throw new IllegalArgumentException(call.name() + " takes one table argument, as in SELECT * FROM "
            + call.name() + "(TABLE(t)) or " + call.name() + "(TABLE(SELECT ...)); got " + given.size()
            + " argument(s): " + given.stream().map(Expression::sql).toList());
      }
      return rows(call, arranged(table));
    };
  }

  /**
   * A table argument's rows as its {@code PARTITION BY}, {@code WITH SINGLE PARTITION} and {@code ORDER BY}
   * ask, as Spark arranges a Python table function's input: rows with equal partition keys in one task,
   * one key's rows together and sorted by the {@code ORDER BY} keys.
   */
  private static LogicalPlan arranged(FunctionTableSubqueryArgumentExpression table) {
    List<Expression> keys = Plans.list(table.partitionByExpressions());
    List<SortOrder> order = new ArrayList<>();
    LogicalPlan plan = table.plan();
    if (!keys.isEmpty()) {
      plan = new RepartitionByExpression(table.partitionByExpressions(), plan, Option.empty(), Option.empty());
      keys.forEach(key -> order.add(SortOrder$.MODULE$.apply(key, Ascending$.MODULE$, Plans.seq(List.of()))));
    } else if (table.withSinglePartition()) {
      plan = new Repartition(1, true, plan);
    }
    order.addAll(Plans.list(table.orderByExpressions()));
    return order.isEmpty() ? plan : new Sort(Plans.seq(order), false, plan, Option.empty());
  }

  /** The node of {@code call} over {@code child}, with new output attributes. */
  private static AsyncMapRows rows(RowsCall call, LogicalPlan child) {
    List<Attribute> output = new ArrayList<>();
    for (StructField field : call.resultSchema().fields()) {
      boolean nullable = field.nullable() || call.errorColumn() != null; // a failed row's outputs are null
      output.add(new AttributeReference(field.name(), field.dataType(), nullable, field.metadata(),
          NamedExpression.newExprId(), Plans.seq(List.of())));
    }
    return new AsyncMapRows(call, child.output(), Plans.seq(output), child, false);
  }

  /**
   * {@code df} with {@code outputColumn} (replaced if it exists, appended otherwise) computed by
   * {@code call} from {@code input}, and with the error column {@code call.errorName()}, if any
   * (replaced if it exists, appended last otherwise).
   * Runs no Spark job.
   *
   * @throws IllegalArgumentException if {@code input} does not resolve or has the wrong shape, a column
   *     name is blank or both names are equal, or what the call ships does not serialize
   */
  public static Dataset<Row> column(Dataset<Row> df, String outputColumn, Column input, AsyncCall call) {
    return column(df, outputColumn, input, call, null);
  }

  /** The same, the call's journal key {@code journalKey} when it has one the user named. */
  public static Dataset<Row> column(Dataset<Row> df, String outputColumn, Column input, AsyncCall call,
      Column journalKey) {
    if (outputColumn == null || outputColumn.isBlank()) {
      throw new IllegalArgumentException("outputColumn must be a non-blank column name, got '" + outputColumn + "'");
    }
    if (input == null) {
      throw new IllegalArgumentException("input column must not be null");
    }
    String errorColumn = call.errorName();
    if (outputColumn.equals(errorColumn)) {
      throw new IllegalArgumentException("errorColumn and outputColumn are both '" + outputColumn + "'");
    }
    checkShape(call.shape(), resolve(df, input));
    Column value = AsyncUdfPlanning.column(call, journalKey == null ? List.of(input) : List.of(input, journalKey));
    if (errorColumn == null) {
      return df.withColumn(outputColumn, value);
    }
    String resultName = "__asyncudf_result_" + java.util.UUID.randomUUID().toString().replace("-", "");
    Dataset<Row> withResult = df.withColumn(resultName, value);
    Column result = withResult.col(resultName);
    Column error = result.getField(errorColumn);
    Column output;
    if (call.outputType() instanceof StructType struct) {
      Column[] fields = new Column[struct.size()];
      for (int i = 0; i < fields.length; i++) {
        fields[i] = result.getField(struct.fields()[i].name()).as(struct.fields()[i].name());
      }
      output = functions.when(result.isNotNull().and(error.isNull()), functions.struct(fields));
    } else {
      output = result.getField("value");
    }
    return withResult.withColumn(outputColumn, output).withColumn(errorColumn, error).drop(resultName);
  }

  private static StructField resolve(Dataset<Row> df, Column input) {
    try {
      return df.select(input).schema().fields()[0];
    } catch (Exception e) {
      if (e instanceof RuntimeException unexpected && !(e instanceof AnalysisException)) {
        throw unexpected;
      }
      throw new IllegalArgumentException("input column " + input + " cannot be resolved against "
          + df.schema().simpleString() + ": " + e.getMessage(), e);
    }
  }

  private static void checkShape(InputShape shape, StructField input) {
    boolean struct = input.dataType() instanceof StructType;
    if (shape == InputShape.STRUCT && !struct) {
      throw new IllegalArgumentException("input column '" + input.name() + "' is " + input.dataType().simpleString()
          + ", but a struct-input helper needs a struct; use functions.struct(...) to build one, or a scalar helper");
    }
    if (shape == InputShape.SCALAR && struct) {
      throw new IllegalArgumentException("input column '" + input.name() + "' is a struct ("
          + input.dataType().simpleString() + "); use structToScalar or structToStruct for struct inputs");
    }
  }
}
