package io.asyncudf.internal.spark;

import io.asyncudf.internal.engine.ChunkSettings;
import io.asyncudf.internal.spark.catalyst.Plans;
import io.asyncudf.internal.spark.catalyst.SparkInternals;
import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeSet;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction1;
import scala.runtime.AbstractFunction2;

/**
 * The physical operator of one async call: runs the engine over each partition of the child (chunks
 * of {@code maxChunkSize} rows, the window, retries, timeouts, input order, the error struct) and
 * emits each input row followed by the call's value. Reports SQL metrics: input rows, chunks,
 * attempts, chunk and request retries, failed rows, peak chunks in flight and call time.
 */
public final class AsyncEvalExec extends AsyncExec {

  private final AsyncCall call;
  private final Expression input;
  private final Attribute result;
  private final JournalAppend.Spec journal;
  private final JournalLookup lookup;

  public AsyncEvalExec(AsyncCall call, Expression input, Attribute result, SparkPlan child, boolean materialize) {
    this(call, input, result, child, materialize, null, null);
  }

  /**
   * @param journal what of each output row to journal, or null: appended as rows leave the call, before a
   *     kept output is stored, so what a cancelled task answered stays journaled
   * @param lookup the child's journal lookup columns (found rows are not called), or null
   */
  public AsyncEvalExec(AsyncCall call, Expression input, Attribute result, SparkPlan child, boolean materialize,
      JournalAppend.Spec journal, JournalLookup lookup) {
    super(child, materialize);
    this.call = call;
    this.input = input;
    this.result = result;
    this.journal = journal;
    this.lookup = lookup;
  }

  @Override
  public Seq<Attribute> output() {
    return Plans.append(child().output(), result);
  }

  @Override
  public AttributeSet producedAttributes() {
    return AttributeSet.apply(result);
  }

  @Override
  public RDD<InternalRow> doExecute() {
    call.requireShippable();
    ColumnTransform<?, ?, ?> transform = transform(SparkInternals.schemaOf(child().output()));
    JournalTap tap = journal == null ? null : JournalAppendExec.tap(this, journal, output(), callMetrics().journaled());
    Expression answerOf = tap == null ? null : Journal.answerOf(session(), result.dataType());
    return run(call.name(), call.driver(), transform,
        new StagedPartitions(input, child().output(), transform, lookupOrdinals(), tap, answerOf,
            callMetrics().answered()));
  }

  /** Where the lookup's columns are in the child's rows, or null without a lookup. */
  private ColumnTransform.Found lookupOrdinals() {
    if (lookup == null) {
      return null;
    }
    List<Attribute> columns = Plans.list(child().output());
    return new ColumnTransform.Found(ordinal(columns, lookup.found()), ordinal(columns, lookup.answer()),
        lookup.answer().dataType(), ordinal(columns, lookup.key()), lookup.remembered());
  }

  private static int ordinal(List<Attribute> columns, Attribute attribute) {
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).exprId().equals(attribute.exprId())) {
        return i;
      }
    }
    throw new IllegalStateException("the journal lookup's column " + attribute + " is not in the input " + columns);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private ColumnTransform<?, ?, ?> transform(StructType rowSchema) {
    ChunkSettings settings = call.settings().withListener(Listeners.both(callMetrics(), call.settings().listener()));
    ErrorColumn errors = call.errorName() == null ? null : new ErrorColumn(SparkInternals.toExternal(
        new StructType().add(errorInputName(), input.dataType(), true)),
        SensitiveValues.fromConf(SparkInternals.sessionConf()));
    boolean catalyst = call.function() instanceof CatalystChunkFunction;
    return new ColumnTransform(call.function(), call.parameters(), settings, call.staging(),
        SparkInternals.sessionTimeZone(), rowSchema, input.dataType(), call.results(), call.name(), call.outputType(),
        catalyst ? new CopyRow() : SparkInternals.toExternal(input.dataType()),
        catalyst ? new SameValue() : SparkInternals.toInternal(call.outputType()), errors);
  }

  /** A {@link CatalystChunkFunction}'s input: a copy of the staged struct, which lives in its chunk's Arrow buffers. */
  private static final class CopyRow extends AbstractFunction1<Object, Object> implements Serializable {
    @Override
    public Object apply(Object staged) {
      return ((InternalRow) staged).copy();
    }
  }

  /** A {@link CatalystChunkFunction}'s output, already internal. */
  private static final class SameValue extends AbstractFunction1<Object, Object> implements Serializable {
    @Override
    public Object apply(Object value) {
      return value;
    }
  }

  private String errorInputName() {
    return input instanceof NamedExpression named ? named.name() : "input";
  }

  /**
   * Stages each child row's input for the engine and keeps the row itself aside (in Spark's
   * spillable row queue) until its output is emitted; with a journal, taps the output rows it called.
   */
  private static final class StagedPartitions
      extends AbstractFunction2<Object, scala.collection.Iterator<InternalRow>, scala.collection.Iterator<InternalRow>>
      implements Serializable {

    private final Expression input;
    private final Seq<Attribute> childOutput;
    private final ColumnTransform<?, ?, ?> transform;
    private final ColumnTransform.Found found;
    private final JournalTap tap;
    private final Expression answerOf;
    private final SQLMetric answered;

    /**
     * @param tap journals the output rows, or null; rows answered by an earlier row of the same key are not
     * @param answerOf the answer in a journal line's JSON (column 0 of a row), with {@code tap}
     * @param answered counts the rows not called, as their output rows are emitted
     */
    StagedPartitions(Expression input, Seq<Attribute> childOutput, ColumnTransform<?, ?, ?> transform,
        ColumnTransform.Found found, JournalTap tap, Expression answerOf, SQLMetric answered) {
      this.input = input;
      this.childOutput = childOutput;
      this.transform = transform;
      this.found = found;
      this.tap = tap;
      this.answerOf = answerOf;
      this.answered = answered;
    }

    /**
     * What earlier attempts of this task journaled (a retry after a failure, or a speculative copy), as
     * the appended values of their rows, by key; empty on a first attempt.
     */
    private Map<UTF8String, Object[]> recovered(int partition) {
      if (tap == null || found == null) {
        return Map.of();
      }
      Map<UTF8String, Object[]> answers = new HashMap<>();
      tap.run().earlierAnswers(partition, answerOf)
          .forEach((key, answer) -> answers.put(UTF8String.fromString(key), new Object[] {answer}));
      return answers;
    }

    @Override
    public scala.collection.Iterator<InternalRow> apply(Object partitionIndex, scala.collection.Iterator<InternalRow> rows) {
      UnsafeProjection inputs = UnsafeProjection.create(Plans.seq(List.of(input)), childOutput);
      inputs.initialize((Integer) partitionIndex);
      UnsafeProjection unsafe = UnsafeProjection.create(Plans.seq(Plans.<Expression>list(childOutput)), childOutput);
      ColumnTransform.Aside kept = new ColumnTransform.Aside(SparkInternals.rowsAside(childOutput.size()), found,
          recovered((Integer) partitionIndex), answered::add);
      scala.collection.Iterator<InternalRow> staged = rows.map(row ->
          kept.add(row instanceof UnsafeRow unsafeRow ? unsafeRow : unsafe.apply(row)) ? (InternalRow) inputs.apply(row)
              : null); // answered, not staged
      scala.collection.Iterator<InternalRow> output =
          CollectionConverters.asScala(transform.call((Integer) partitionIndex, CollectionConverters.asJava(staged), kept));
      return tap == null ? output : tap.apply(partitionIndex, output, kept::removedRepeat);
    }
  }

  @Override
  public String verboseStringWithOperatorId() {
    return verboseText(child().output(), call.name() + "(" + input.sql() + ") -> " + result, call.settings(),
        journal == null ? "" : ", journal=" + journal.path());
  }

  @Override
  public String simpleString(int maxFields) {
    return "AsyncEval " + call.name() + "(" + input.sql() + ") -> " + result;
  }

  @Override
  public SparkPlan withNewChildrenInternal(IndexedSeq<SparkPlan> newChildren) {
    return new AsyncEvalExec(call, input, result, newChildren.head(), materialize(), journal, lookup);
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
      case 3 -> child();
      case 4 -> materialize();
      case 5 -> journal;
      case 6 -> lookup;
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
    return that instanceof AsyncEvalExec;
  }
}
