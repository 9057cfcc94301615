package io.asyncudf.internal.spark;

import io.asyncudf.internal.spark.catalyst.Plans;
import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.unsafe.types.UTF8String;
import org.apache.spark.util.SerializableConfiguration;
import org.apache.spark.util.TaskCompletionListener;

/**
 * The journal files one execution of a journaled operator writes: each task attempt's own files, named
 * {@code part-<run>-<partition>-<task attempt>-...}, the run made on the driver and shipped to every attempt,
 * so that a later attempt of a task (a retry, or a speculative copy) finds what the earlier ones answered.
 */
final class JournalRun implements Serializable {

  /**
   * At most this much of earlier attempts' journal lines is read back (held on the heap while the task runs,
   * outside Spark's memory accounting); the rows beyond are called again.
   */
  private static final long MAX_RECOVERED_BYTES = 32L << 20;

  private final String path;
  private final SerializableConfiguration hadoop;
  private final String run = UUID.randomUUID().toString().substring(0, 8);

  JournalRun(String path, SerializableConfiguration hadoop) {
    this.path = path;
    this.hadoop = hadoop;
  }

  /** The running task's journal for partition {@code partition}, closed when the task ends. */
  JournalWriter writer(int partition) {
    TaskContext task = TaskContext.get();
    JournalWriter writer = new JournalWriter(path, hadoop.value(),
        run + "-" + partition + "-" + (task == null ? System.nanoTime() : task.taskAttemptId()),
        System::currentTimeMillis);
    if (task != null) {
      task.addTaskCompletionListener((TaskCompletionListener) context -> writer.close());
    }
    return writer;
  }

  /**
   * What earlier attempts of the running task journaled for partition {@code partition}: the answers, read by
   * {@code answerOf} from each valid line's JSON (column 0 of a row), by key. Empty on a task's first attempt;
   * an answer that no longer reads (null) is left out, so its row is called again.
   */
  Map<String, Object> earlierAnswers(int partition, Expression answerOf) {
    TaskContext task = TaskContext.get();
    if (task == null || (task.attemptNumber() == 0 && task.stageAttemptNumber() == 0)) {
      return Map.of();
    }
    UnsafeProjection parse = UnsafeProjection.create(Plans.seq(List.of(answerOf)));
    Map<String, Object> answers = new HashMap<>();
    Journal.readLines(path, hadoop.value(), "part-" + run + "-" + partition + "-", MAX_RECOVERED_BYTES, (key, json) -> {
      UnsafeRow parsed = parse.apply(new GenericInternalRow(new Object[] {UTF8String.fromString(json)}));
      if (!parsed.isNullAt(0)) {
        answers.put(key, InternalRow.copyValue(parsed.get(0, answerOf.dataType())));
      }
    });
    return answers;
  }
}
