package io.asyncudf.internal.spark;

import io.asyncudf.internal.spark.catalyst.Plans;
import io.asyncudf.internal.spark.catalyst.SparkInternals;
import java.util.List;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.execution.metric.SQLMetrics;
import org.apache.spark.util.SerializableConfiguration;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The physical form of {@link JournalAppend}: each task passes its rows on unchanged and appends the
 * journaled ones to files of its own ({@link JournalWriter}), closed when the task ends, whether it
 * succeeded, failed or was killed. Reports the SQL metric "answers journaled".
 */
public final class JournalAppendExec extends SparkPlan {

  private final String path;
  private final Expression key;
  private final Expression json;
  private final Expression journaled;
  private final SparkPlan child;
  private transient SQLMetric appended;

  public JournalAppendExec(String path, Expression key, Expression json, Expression journaled, SparkPlan child) {
    this.path = path;
    this.key = key;
    this.json = json;
    this.journaled = journaled;
    this.child = child;
  }

  private synchronized SQLMetric appended() {
    if (appended == null) {
      appended = SQLMetrics.createMetric(sparkContext(), "answers journaled");
    }
    return appended;
  }

  @Override
  public scala.collection.immutable.Map<String, SQLMetric> metrics() {
    return scala.collection.immutable.Map.from(CollectionConverters.asScala(java.util.Map.of("appended", appended())));
  }

  @Override
  public Seq<Attribute> output() {
    return child.output();
  }

  @Override
  public Seq<SparkPlan> children() {
    return Plans.seq(List.of(child));
  }

  @Override
  public RDD<InternalRow> doExecute() {
    return SparkInternals.mapPartitionsWithIndex(child.execute(), tap(this,
        new JournalAppend.Spec(path, key, json, journaled), child.output(), appended()));
  }

  /** The step that appends the journaled rows of a partition of rows with attributes {@code input}. */
  static JournalTap tap(SparkPlan plan, JournalAppend.Spec journal, Seq<Attribute> input, SQLMetric appended) {
    return new JournalTap(new JournalRun(journal.path(), new SerializableConfiguration(
        SparkInternals.hadoopConf(plan.session()))), Plans.seq(List.of(journal.key(), journal.json(), journal.journaled())),
        input, appended);
  }

  @Override
  public SparkPlan withNewChildrenInternal(IndexedSeq<SparkPlan> newChildren) {
    return new JournalAppendExec(path, key, json, journaled, newChildren.head());
  }

  @Override
  public String simpleString(int maxFields) {
    return "JournalAppend " + path;
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
    return that instanceof JournalAppendExec;
  }
}
