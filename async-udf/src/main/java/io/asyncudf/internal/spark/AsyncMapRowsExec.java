package io.asyncudf.internal.spark;

import io.asyncudf.internal.engine.ChunkSettings;
import io.asyncudf.internal.spark.catalyst.Plans;
import io.asyncudf.internal.spark.catalyst.SparkInternals;
import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeSet;
import org.apache.spark.sql.catalyst.expressions.BoundReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction2;

/**
 * The physical operator of a DataFrame helper: runs the engine over each partition of the child
 * (chunks of {@code maxChunkSize} whole rows, the window, retries, timeouts, the error column) and
 * emits every chunk's output rows, in input order unless the helper is unordered. Reports the same
 * SQL metrics as {@link AsyncEvalExec}.
 */
public final class AsyncMapRowsExec extends AsyncExec {

  private final RowsCall call;
  private final Seq<Attribute> input;
  private final Seq<Attribute> output;
  private final JournalLookup lookup;

  public AsyncMapRowsExec(RowsCall call, Seq<Attribute> input, Seq<Attribute> output, SparkPlan child,
      boolean materialize) {
    this(call, input, output, child, materialize, null);
  }

  /**
   * @param lookup the child's journal lookup columns (a found row is not called: its journaled output rows
   *     are emitted as it is read), or null; with it, the rows called are journaled per input row
   */
  public AsyncMapRowsExec(RowsCall call, Seq<Attribute> input, Seq<Attribute> output, SparkPlan child,
      boolean materialize, JournalLookup lookup) {
    super(child, materialize);
    this.call = call;
    this.input = input;
    this.output = output;
    this.lookup = lookup;
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
  public RDD<InternalRow> doExecute() {
    call.requireShippable();
    StructType inputSchema = SparkInternals.schemaOf(input);
    ChunkSettings settings = call.settings().withListener(Listeners.both(callMetrics(), call.settings().listener()));
    ErrorColumn errors = call.errorColumn() == null ? null : new ErrorColumn(SparkInternals.toExternal(inputSchema),
        SensitiveValues.fromConf(SparkInternals.sessionConf()));
    DataFrameTransform<?> transform = transform(settings, inputSchema, errors);
    Found found = lookup == null ? null : new Found(ordinal(child().output(), lookup.found()),
        ordinal(child().output(), lookup.answer()), ordinal(child().output(), lookup.key()), call.outputSchema(),
        call.errorColumn() != null, Journal.answerOf(session(), new ArrayType(call.outputSchema(), true)));
    return run(call.name(), call.driver(), transform,
        new Partitions(input, child().output(), transform, found, journal(inputSchema), callMetrics().answered()));
  }

  /** The journal of the rows this operator calls, or null without one. */
  private RowsJournal journal(StructType inputSchema) {
    if (lookup == null || call.journal() == null) {
      return null;
    }
    int inputKey = inputSchema.fieldIndex(call.journalKey());
    DataType keyType = inputSchema.fields()[inputKey].dataType();
    JournalRun run = new JournalRun(call.journal(), new SerializableConfiguration(SparkInternals.hadoopConf(session())));
    return new RowsJournal(run, call.journalKey(), Journal.key(session(), new BoundReference(inputKey, keyType, true)),
        inputKey, call.outputSchema().fieldIndex(call.journalKey()), keyType,
        Journal.json(session(), new BoundReference(0, new ArrayType(call.outputSchema(), true), true)),
        callMetrics().journaled());
  }

  private static int ordinal(Seq<Attribute> columns, Attribute attribute) {
    List<Attribute> list = Plans.list(columns);
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i).exprId().equals(attribute.exprId())) {
        return i;
      }
    }
    throw new IllegalStateException("the journal lookup's column " + attribute + " is not in the input " + list);
  }

  /**
   * Where a journal lookup put its columns in the child's rows (the found key, null when not found; the
   * array of journaled output rows; the row's own key), how a journaled output row becomes a row of this
   * operator, and how a journal line's JSON becomes such an array (for a retry's recovered answers).
   */
  private record Found(int key, int answer, int rowKey, StructType outputSchema, boolean errorColumn,
      Expression answerOf) implements Serializable {}

  @SuppressWarnings({"unchecked", "rawtypes"})
  private DataFrameTransform<?> transform(ChunkSettings settings, StructType inputSchema, ErrorColumn errors) {
    return new DataFrameTransform(call.function(), call.parameters(), settings, call.staging(),
        SparkInternals.sessionTimeZone(), inputSchema, call.outputSchema(), call.resultSchema(),
        SparkInternals.toExternal(inputSchema), SparkInternals.toInternal(call.outputSchema()), errors);
  }

  private static final class Partitions
      extends AbstractFunction2<Object, scala.collection.Iterator<InternalRow>, scala.collection.Iterator<InternalRow>>
      implements Serializable {
    private final Seq<Attribute> input;
    private final Seq<Attribute> childOutput;
    private final DataFrameTransform<?> transform;
    private final Found found;
    private final RowsJournal journal;
    private final SQLMetric answered;

    /** @param answered counts the rows found in the journal, not called */
    Partitions(Seq<Attribute> input, Seq<Attribute> childOutput, DataFrameTransform<?> transform, Found found,
        RowsJournal journal, SQLMetric answered) {
      this.input = input;
      this.childOutput = childOutput;
      this.transform = transform;
      this.found = found;
      this.journal = journal;
      this.answered = answered;
    }

    @Override
    public scala.collection.Iterator<InternalRow> apply(Object partitionIndex, scala.collection.Iterator<InternalRow> rows) {
      UnsafeProjection projection = UnsafeProjection.create(Plans.seq(Plans.<Expression>list(input)), childOutput);
      if (found == null) {
        return CollectionConverters.asScala(transform.call((Integer) partitionIndex,
            CollectionConverters.asJava(rows.map(projection::apply)), journal));
      }
      FoundRows foundRows = new FoundRows(found, childOutput, recovered((Integer) partitionIndex), answered);
      scala.collection.Iterator<InternalRow> called = rows.map(row -> foundRows.offer(row) ? null // answered, not staged
          : projection.apply(row));
      return CollectionConverters.asScala(foundRows.before(transform.call((Integer) partitionIndex,
          CollectionConverters.asJava(called), foundRows, journal)));
    }

    /** What earlier attempts of this task journaled (a retry, or a speculative copy), by key; empty at first. */
    private Map<String, Object> recovered(int partition) {
      return journal == null ? Map.of() : journal.run().earlierAnswers(partition, found.answerOf());
    }
  }

  /**
   * The rows found in the journal, kept aside in Spark's spillable row queue as they are read, and their
   * journaled output rows, emitted ahead of the called rows' outputs whenever some are waiting.
   */
  private static final class FoundRows implements RowsAnswered {
    private final Found found;
    private final Map<String, Object> recovered;
    private final ArrayDeque<ArrayData> recoveredAnswers = new ArrayDeque<>();
    private final ArrayDeque<Long> recoveredRows = new ArrayDeque<>();
    private final SparkInternals.RowsAside rows;
    private final UnsafeProjection unsafe;
    private final UnsafeProjection result;
    private final JoinedRow joined = new JoinedRow();
    private final GenericInternalRow noError = new GenericInternalRow(1);
    private final int fields;
    private final SQLMetric answered;
    private long added;
    private long removed;
    /** The output rows of the found row being emitted, and the next of them. */
    private ArrayData answer;
    private int next;

    /**
     * @param recovered what an earlier attempt of this task journaled, by key: those rows are answered too
     * @param answered counts the found rows as their outputs are emitted
     */
    FoundRows(Found found, Seq<Attribute> childOutput, Map<String, Object> recovered, SQLMetric answered) {
      this.found = found;
      this.recovered = recovered;
      this.answered = answered;
      this.rows = SparkInternals.rowsAside(childOutput.size());
      this.unsafe = UnsafeProjection.create(Plans.seq(Plans.<Expression>list(childOutput)), childOutput);
      StructType resultSchema = found.errorColumn() ? found.outputSchema().add("error", ErrorColumn.TYPE, true)
          : found.outputSchema();
      this.result = SparkInternals.unsafeProjection(resultSchema);
      this.fields = found.outputSchema().size();
    }

    /** Keeps {@code row} if it was found in the journal with an answer that reads; whether it was. */
    boolean offer(InternalRow row) {
      if (row.isNullAt(found.key()) || row.isNullAt(found.answer())) {
        // not found, or an answer that no longer reads as the output schema: called, unless an earlier attempt
        // of this task answered it
        ArrayData earlier = recovered.isEmpty() ? null
            : (ArrayData) recovered.get(row.getUTF8String(found.rowKey()).toString());
        if (earlier == null) {
          return false;
        }
        recoveredAnswers.addLast(earlier);
        recoveredRows.addLast(added);
      }
      rows.add(row instanceof UnsafeRow unsafeRow ? unsafeRow : unsafe.apply(row));
      added++;
      return true;
    }

    @Override
    public long held() {
      return added - removed;
    }

    @Override
    public Iterator<InternalRow> emittable() {
      return waiting;
    }

    /** The found rows' output rows, in the order the rows were read. */
    private final Iterator<InternalRow> waiting = new Iterator<>() {
      @Override
      public boolean hasNext() {
        while (answer == null || next >= answer.numElements()) {
          if (removed >= added) {
            return false;
          }
          UnsafeRow row = rows.remove();
          if (!recoveredRows.isEmpty() && recoveredRows.peekFirst() == removed) {
            recoveredRows.removeFirst();
            answer = recoveredAnswers.removeFirst();
          } else {
            answer = row.getArray(found.answer()).copy();
          }
          removed++;
          answered.add(1);
          next = 0;
        }
        return true;
      }

      @Override
      public InternalRow next() {
        if (!hasNext()) {
          throw new java.util.NoSuchElementException();
        }
        InternalRow output = answer.getStruct(next++, fields);
        return result.apply(found.errorColumn() ? joined.apply(output, noError) : output);
      }
    };

    /** {@code called} with the found rows' outputs emitted first whenever some are waiting. */
    Iterator<InternalRow> before(Iterator<InternalRow> called) {
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return waiting.hasNext() || called.hasNext(); // reading input for a called row may find rows
        }

        @Override
        public InternalRow next() {
          return waiting.hasNext() ? waiting.next() : called.next();
        }
      };
    }
  }

  @Override
  public String verboseStringWithOperatorId() {
    return verboseText(input, call.name() + "(rows) -> " + output.mkString("[", ", ", "]"), call.settings(),
        ", ordered=" + call.settings().ordered());
  }

  @Override
  public String simpleString(int maxFields) {
    return "AsyncMapRows " + call.name() + " -> " + output.mkString("[", ", ", "]");
  }

  @Override
  public SparkPlan withNewChildrenInternal(IndexedSeq<SparkPlan> newChildren) {
    return new AsyncMapRowsExec(call, input, output, newChildren.head(), materialize(), lookup);
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
      case 3 -> child();
      case 4 -> materialize();
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
    return that instanceof AsyncMapRowsExec;
  }
}
