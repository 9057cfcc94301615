package io.asyncudf.internal.spark;

import java.io.Serializable;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.execution.metric.SQLMetric;
import scala.collection.immutable.Seq;
import scala.runtime.AbstractFunction2;

/**
 * Passes a partition's rows on unchanged and appends each journaled one (key, answer as JSON) to the
 * task's own journal files ({@link JournalWriter}), closed when the task ends, whether it succeeded,
 * failed or was killed. A row is appended as it passes, so what a cancelled task answered stays, and a
 * retried task can read what its failed attempt answered ({@link JournalRun#earlierAnswers}).
 */
final class JournalTap
    extends AbstractFunction2<Object, scala.collection.Iterator<InternalRow>, scala.collection.Iterator<InternalRow>>
    implements Serializable {

  private final JournalRun run;
  private final Seq<Expression> entry;
  private final Seq<Attribute> input;
  private final SQLMetric appended;

  /**
   * @param entry the key (string), the answer as JSON (string) and whether to journal it (boolean), over {@code input}
   */
  JournalTap(JournalRun run, Seq<Expression> entry, Seq<Attribute> input, SQLMetric appended) {
    this.run = run;
    this.entry = entry;
    this.input = input;
    this.appended = appended;
  }

  /** The journal files this tap's tasks write, and what earlier attempts of a task wrote. */
  JournalRun run() {
    return run;
  }

  @Override
  public scala.collection.Iterator<InternalRow> apply(Object partition, scala.collection.Iterator<InternalRow> rows) {
    return apply(partition, rows, () -> false);
  }

  /**
   * The tap over {@code rows}, skipping those for which {@code repeat} is true when they pass: rows that
   * took the answer of an earlier row with the same key, journaled already.
   */
  scala.collection.Iterator<InternalRow> apply(Object partition, scala.collection.Iterator<InternalRow> rows,
      java.util.function.BooleanSupplier repeat) {
    UnsafeProjection project = UnsafeProjection.create(entry, input);
    project.initialize((Integer) partition);
    JournalWriter writer = run.writer((Integer) partition);
    return rows.map(row -> {
      if (repeat.getAsBoolean()) {
        return row;
      }
      UnsafeRow values = project.apply(row);
      if (!values.isNullAt(2) && values.getBoolean(2) && !values.isNullAt(0) && !values.isNullAt(1)) {
        writer.append(values.getUTF8String(0).toString(), values.getUTF8String(1).toString());
        appended.add(1);
      }
      return row;
    });
  }
}
