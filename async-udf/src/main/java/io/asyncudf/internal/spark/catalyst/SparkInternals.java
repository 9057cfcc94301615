package io.asyncudf.internal.spark.catalyst;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.spark.TaskContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.ExperimentalMethods;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.CatalystTypeConverters;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.rules.Rule;
import org.apache.spark.sql.classic.ExpressionUtils;
import org.apache.spark.sql.classic.SparkSession;
import org.apache.spark.sql.execution.SparkStrategy;
import org.apache.spark.sql.execution.arrow.ArrowWriter;
import org.apache.spark.sql.execution.python.HybridRowQueue$;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.ArrowUtils;
import scala.Function1;
import scala.Function2;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag$;

/**
 * The one place that touches Spark classes outside its stable public API (catalyst rows,
 * converters, Arrow writer, the classic session). Signatures of these differ between Spark
 * versions; every supported version runs the whole test suite against this class.
 */
public final class SparkInternals {

  /** Sessions whose planner has the async call rule and strategy (weakly held). */
  private static final java.util.Set<SparkSession> PLANNED_SESSIONS =
      java.util.Collections.newSetFromMap(new java.util.WeakHashMap<>());

  private SparkInternals() {}

  /** A first-in first-out queue of one task's rows, held in task memory and spilled to disk under pressure. */
  public interface RowsAside {
    void add(UnsafeRow row);

    /** The oldest row; valid until the next call. */
    UnsafeRow remove();
  }

  /** Bytes of rows a task keeps aside on the heap before they go to a spilling queue. */
  static final long ROWS_ASIDE_ON_HEAP = 4L << 20;

  /**
   * A queue of rows of {@code fields} fields for the current task, released when the task completes:
   * up to {@value #ROWS_ASIDE_ON_HEAP} bytes of them on the heap in task memory, the rest in Spark's
   * {@code HybridRowQueue} (the one {@code EvalPythonExec} keeps input rows in while Python computes),
   * which spills to disk.
   */
  public static RowsAside rowsAside(int fields) {
    return rowsAside(fields, ROWS_ASIDE_ON_HEAP);
  }

  static RowsAside rowsAside(int fields, long onHeap) {
    TaskContext task = TaskContext.get();
    List<AutoCloseable> spilling = new ArrayList<>(1);
    RowsAsideQueue queue = new RowsAsideQueue(task, onHeap, () -> {
      SpillingQueue made = spillingQueue(task, fields);
      spilling.add(made);
      return made;
    });
    task.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) completed -> {
      queue.release();
      for (AutoCloseable made : spilling) {
        try {
          made.close();
        } catch (Exception e) {
          throw rethrown(e);
        }
      }
    });
    return queue;
  }

  /** A queue that is closed explicitly. */
  private interface SpillingQueue extends RowsAside, AutoCloseable {}

  /**
   * Spark's {@code HybridRowQueue}. Its methods are looked up by name: 4.0 declares {@code add(UnsafeRow)},
   * 4.1 and later inherit a generic {@code add(T)}.
   */
  private static SpillingQueue spillingQueue(TaskContext task, int fields) {
    Object queue = HybridRowQueue$.MODULE$.apply(task.taskMemoryManager(), fields);
    MethodHandle add = handle(queue, "add", 1, MethodType.methodType(void.class, UnsafeRow.class));
    MethodHandle remove = handle(queue, "remove", 0, MethodType.methodType(UnsafeRow.class));
    MethodHandle close = handle(queue, "close", 0, MethodType.methodType(void.class));
    return new SpillingQueue() {
      @Override
      public void add(UnsafeRow row) {
        try {
          add.invokeExact(row); // 4.0 answers true, 4.1 where the row went (memory or disk): dropped
        } catch (Throwable e) {
          throw rethrown(e);
        }
      }

      @Override
      public UnsafeRow remove() {
        try {
          return (UnsafeRow) remove.invokeExact();
        } catch (Throwable e) {
          throw rethrown(e);
        }
      }

      @Override
      public void close() {
        try {
          close.invokeExact();
        } catch (Throwable e) {
          throw rethrown(e);
        }
      }
    };
  }

  /** {@code target}'s public method {@code name}, bound to it and adapted to {@code type} (looked up once per task). */
  private static MethodHandle handle(Object target, String name, int parameters, MethodType type) {
    for (java.lang.reflect.Method method : target.getClass().getMethods()) {
      if (method.getName().equals(name) && method.getParameterCount() == parameters && !method.isBridge()) {
        try {
          return MethodHandles.publicLookup().unreflect(method).bindTo(target).asType(type);
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    throw new IllegalStateException(target.getClass().getName() + " has no public " + name + " with " + parameters
        + " parameters on this Spark version");
  }

  private static RuntimeException rethrown(Throwable failure) {
    if (failure instanceof RuntimeException runtime) {
      return runtime;
    }
    if (failure instanceof Error error) {
      throw error;
    }
    return new IllegalStateException(failure);
  }

  /**
   * The Hadoop configuration of {@code session}: the SparkContext's with the session's own settings (say
   * {@code fs.azure...} credentials set with {@code spark.conf.set}), as Spark's file sources use it.
   */
  public static org.apache.hadoop.conf.Configuration hadoopConf(org.apache.spark.sql.SparkSession session) {
    return classic(session).sessionState().newHadoopConf();
  }

  /** The analysed logical plan of {@code df} (classic sessions). */
  public static LogicalPlan logicalPlan(Dataset<Row> df) {
    return ((org.apache.spark.sql.classic.Dataset<Row>) df).logicalPlan();
  }

  /** A DataFrame of {@code plan} in the session of {@code like}; analyses the plan, runs nothing. */
  public static Dataset<Row> ofRows(Dataset<Row> like, LogicalPlan plan) {
    return org.apache.spark.sql.classic.Dataset.ofRows(classic(like.sparkSession()), plan);
  }

  /** {@code aggregate} computing {@code results} instead (its other fields, which differ between Spark lines, kept). */
  public static org.apache.spark.sql.catalyst.plans.logical.Aggregate withAggregateExpressions(
      org.apache.spark.sql.catalyst.plans.logical.Aggregate aggregate, Seq<NamedExpression> results) {
    Object[] fields = new Object[aggregate.productArity()];
    for (int i = 0; i < fields.length; i++) {
      fields[i] = aggregate.productElement(i);
    }
    fields[1] = results; // (groupingExpressions, aggregateExpressions, child[, hint])
    return (org.apache.spark.sql.catalyst.plans.logical.Aggregate) aggregate.makeCopy(fields);
  }

  /** The struct type of rows of {@code attributes}. */
  public static StructType schemaOf(scala.collection.Seq<Attribute> attributes) {
    StructType schema = new StructType();
    for (Attribute attribute : CollectionConverters.asJava(attributes)) {
      schema = schema.add(attribute.name(), attribute.dataType(), attribute.nullable(), attribute.metadata());
    }
    return schema;
  }

  public static Schema arrowSchema(StructType schema, String timeZone) {
    return ArrowUtils.toArrowSchema(schema, timeZone, false, false);
  }

  /** Writes internal rows into an Arrow batch. */
  public interface BatchWriter {
    void write(InternalRow row);

    /** Sets the batch's row count; call once, after the last row. */
    void finish();
  }

  public static BatchWriter batchWriter(VectorSchemaRoot root) {
    ArrowWriter writer = ArrowWriter.create(root);
    return new BatchWriter() {
      @Override
      public void write(InternalRow row) {
        writer.write(row);
      }

      @Override
      public void finish() {
        writer.finish();
      }
    };
  }

  /** A child of Spark's Arrow root allocator that refuses to hold more than {@code limit} bytes. */
  public static BufferAllocator taskAllocator(String name, long limit) {
    return ArrowUtils.rootAllocator().newChildAllocator(name, 0, limit);
  }

  public static UnsafeProjection unsafeProjection(StructType schema) {
    return UnsafeProjection.create(schema);
  }

  /** Converts internal values of {@code type} to external ones under the current session's conf. Serializable. */
  public static Function1<Object, Object> toExternal(DataType type) {
    return CatalystTypeConverters.createToScalaConverter(type);
  }

  /** Converts external values of {@code type} to internal ones under the current session's conf. Serializable. */
  public static Function1<Object, Object> toInternal(DataType type) {
    return CatalystTypeConverters.createToCatalystConverter(type);
  }

  public static RDD<InternalRow> mapPartitionsWithIndex(RDD<InternalRow> rows,
      Function2<Object, scala.collection.Iterator<InternalRow>, scala.collection.Iterator<InternalRow>> step) {
    // the public form: mapPartitionsWithIndexInternal's signature differs between Spark 4.1 and 4.2
    return rows.mapPartitionsWithIndex(step, false, ClassTag$.MODULE$.apply(InternalRow.class));
  }

  /** The SQL tab's text of each metric of an execution, by accumulator id; empty when unknown. */
  private static Map<Long, String> executionMetrics(SparkSession session, String executionId) {
    if (session == null || executionId == null) {
      return Map.of();
    }
    Map<Long, String> metrics = new HashMap<>();
    try {
      session.sharedState().statusStore().executionMetrics(Long.parseLong(executionId))
          .foreach(entry -> metrics.put((Long) entry._1(), entry._2()));
    } catch (java.util.NoSuchElementException evicted) {
      // the SQL tab no longer keeps this execution (spark.sql.ui.retainedExecutions): the plain values remain
    }
    return metrics;
  }

  /** The current session's conf: the SQL conf of the session analysing or running a query. */
  public static Map<String, String> sessionConf() {
    return CollectionConverters.asJava(SQLConf.get().getAllConfs());
  }

  /** The current session's {@code spark.sql.autoBroadcastJoinThreshold} in bytes; negative: no join side is broadcast by size. */
  public static long autoBroadcastJoinThreshold() {
    return SQLConf.get().autoBroadcastJoinThreshold();
  }

  /** The current session's time zone. */
  public static String sessionTimeZone() {
    return SQLConf.get().sessionLocalTimeZone();
  }

  /** The SQL tab's text of each metric of {@code plan}'s execution {@code executionId}, by accumulator id. */
  public static Map<Long, String> executionMetrics(org.apache.spark.sql.execution.SparkPlan plan, String executionId) {
    return executionMetrics(plan.session(), executionId);
  }

  /** A column of a catalyst expression (classic sessions). */
  public static Column column(Expression expression) {
    return ExpressionUtils.column(expression);
  }

  /** The catalyst expression of a column (classic sessions). */
  public static Expression expression(Column column) {
    return ExpressionUtils.expression(column);
  }

  /** {@code column} as a Catalyst expression of {@code session}, for a plan the Dataset API does not convert (SQL). */
  public static Expression expression(org.apache.spark.sql.SparkSession session, Column column) {
    return classic(session).expression(column);
  }

  /** Registers (or replaces) temporary function {@code name} of session {@code session}. */
  public static void registerFunction(org.apache.spark.sql.SparkSession session, String name,
      Function1<Seq<Expression>, Expression> builder) {
    // createOrReplaceTempFunction names the function as each Spark line wants (4.2: system.session.<name>)
    classic(session).sessionState().functionRegistry().createOrReplaceTempFunction(name, builder, "java_udf");
  }

  /** Registers (or replaces) temporary table function {@code name} of session {@code session}. */
  public static void registerTableFunction(org.apache.spark.sql.SparkSession session, String name,
      Function1<Seq<Expression>, LogicalPlan> builder) {
    classic(session).sessionState().tableFunctionRegistry().createOrReplaceTempFunction(name, builder, "java_udf");
  }

  /** The classic session behind {@code session}, or null for a Spark Connect session. */
  public static SparkSession classicOrNull(org.apache.spark.sql.SparkSession session) {
    return session instanceof SparkSession classic ? classic : null;
  }

  public static SparkSession classic(org.apache.spark.sql.SparkSession session) {
    SparkSession classic = classicOrNull(session);
    if (classic == null) {
      throw new UnsupportedOperationException(session.getClass().getName() + " is a Spark Connect session; "
          + ClassicRuntime.CONNECT_ROUTE);
    }
    return classic;
  }

  /**
   * Adds the async call rule and planner strategy to {@code session} unless it has them (from the
   * session extension or an earlier call). Returns whether they were added.
   */
  public static boolean installPlanner(SparkSession session, Rule<LogicalPlan> rule, SparkStrategy strategy) {
    synchronized (PLANNED_SESSIONS) {
      if (PLANNED_SESSIONS.contains(session)) {
        return false; // checked before: every type check of an async call comes here
      }
      PLANNED_SESSIONS.add(session);
    }
    ExperimentalMethods experimental = session.experimental();
    synchronized (experimental) {
      boolean present = session.sessionState().planner().strategies().exists(strategy.getClass()::isInstance);
      if (present) {
        return false;
      }
      experimental.extraOptimizations_$eq(Plans.append(experimental.extraOptimizations(), rule));
      experimental.extraStrategies_$eq(Plans.append(experimental.extraStrategies(), strategy));
      return true;
    }
  }

}
