package io.asyncudf.spark;

import java.io.Serializable;
import java.util.UUID;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.util.SerializableConfiguration;
import org.apache.spark.util.TaskCompletionListener;
import scala.collection.immutable.Seq;
import scala.runtime.AbstractFunction2;

/**
 * Passes a partition's rows on unchanged and appends each journaled one (key, answer as JSON) to the
 * task's own journal files ({@link JournalWriter}), closed when the task ends, whether it succeeded,
 * failed or was killed. A row is appended as it passes, so what a cancelled task answered stays, and a
 * retried task can read what its failed attempt answered ({@link #earlierAnswers}): the files of one
 * tap (one execution of its operator) are named after it and the partition.
 */
final class JournalTap
    extends AbstractFunction2<Object, scala.collection.Iterator<InternalRow>, scala.collection.Iterator<InternalRow>>
    implements Serializable {

  private final String path;
  private final Seq<Expression> entry;
  private final Seq<Attribute> input;
  private final SerializableConfiguration hadoop;
  private final SQLMetric appended;
  private final String run = UUID.randomUUID().toString().substring(0, 8);

  /**
   * @param entry the key (string), the answer as JSON (string) and whether to journal it (boolean), over {@code input}
   */
  JournalTap(String path, Seq<Expression> entry, Seq<Attribute> input, SerializableConfiguration hadoop,
      SQLMetric appended) {
    this.path = path;
    this.entry = entry;
    this.input = input;
    this.hadoop = hadoop;
    this.appended = appended;
  }

  /** The start of the names of the files the attempts of this tap's partition {@code partition} write. */
  private String filesOf(int partition) {
    return "part-" + run + "-" + partition + "-";
  }

  /**
   * Hands {@code answers} what earlier attempts of this task (a failed attempt, before a retry; the original,
   * beside a speculative copy) journaled for partition {@code partition}: each valid line's key and answer
   * JSON, at most {@code maxBytes} of lines. A file that cannot be read is skipped (its rows are called
   * again).
   */
  void earlierAnswers(int partition, long maxBytes, java.util.function.BiConsumer<String, String> answers) {
    Journal.readLines(path, hadoop.value(), filesOf(partition), maxBytes, answers);
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
    TaskContext task = TaskContext.get();
    String name = run + "-" + partition + "-" + (task == null ? System.nanoTime() : task.taskAttemptId());
    JournalWriter writer = new JournalWriter(path, hadoop.value(), name, System::currentTimeMillis);
    if (task != null) {
      task.addTaskCompletionListener((TaskCompletionListener) context -> writer.close());
    }
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
