package io.asyncudf.spark;

import io.asyncudf.engine.ChunkSettings;
import java.io.Serializable;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeSet;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.types.StructType;
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

  public AsyncMapRowsExec(RowsCall call, Seq<Attribute> input, Seq<Attribute> output, SparkPlan child,
      boolean materialize) {
    super(child, materialize);
    this.call = call;
    this.input = input;
    this.output = output;
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
    return run(call.name(), call.driver(), transform, new Partitions(input, child().output(), transform));
  }

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

    Partitions(Seq<Attribute> input, Seq<Attribute> childOutput, DataFrameTransform<?> transform) {
      this.input = input;
      this.childOutput = childOutput;
      this.transform = transform;
    }

    @Override
    public scala.collection.Iterator<InternalRow> apply(Object partitionIndex, scala.collection.Iterator<InternalRow> rows) {
      UnsafeProjection projection = UnsafeProjection.create(Plans.seq(Plans.<Expression>list(input)), childOutput);
      return CollectionConverters.asScala(transform.call(CollectionConverters.asJava(rows.map(projection::apply))));
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
    return new AsyncMapRowsExec(call, input, output, newChildren.head(), materialize());
  }

  @Override
  public int productArity() {
    return 5;
  }

  @Override
  public Object productElement(int n) {
    return switch (n) {
      case 0 -> call;
      case 1 -> input;
      case 2 -> output;
      case 3 -> child();
      case 4 -> materialize();
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
