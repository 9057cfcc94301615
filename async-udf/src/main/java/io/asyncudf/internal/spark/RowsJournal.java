package io.asyncudf.internal.spark;

import io.asyncudf.internal.engine.ChunkDescription;
import io.asyncudf.internal.engine.OutputContractException;
import io.asyncudf.internal.spark.arrow.ArrowChunk;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.types.DataType;

/**
 * Journals a DataFrame helper's answers per input row: for each input row of a chunk that succeeded,
 * the chunk's output rows that carry its key (none is an answer too), when the chunk's rows are
 * emitted, to the task's own journal files ({@link JournalWriter}), closed when the task ends. A
 * failed chunk is not journaled, nor are input rows whose key is null (they are called every run).
 */
final class RowsJournal implements Serializable {

  private static final Object NULL_KEY = new Object();

  private final JournalRun run;
  private final String keyName;
  private final Expression key;
  private final int inputKey;
  private final int outputKey;
  private final DataType keyType;
  private final Expression json;
  private final SQLMetric appended;

  /**
   * @param keyName the key column's name, for messages
   * @param key the journal key of an input row (a string), over the staged input row
   * @param inputKey where the key column is in the staged input rows
   * @param outputKey where it is in the output rows
   * @param json the journal's JSON of an array of output rows given as column 0 of a row
   */
  RowsJournal(JournalRun run, String keyName, Expression key, int inputKey, int outputKey, DataType keyType,
      Expression json, SQLMetric appended) {
    this.run = run;
    this.keyName = keyName;
    this.key = key;
    this.inputKey = inputKey;
    this.outputKey = outputKey;
    this.keyType = keyType;
    this.json = json;
    this.appended = appended;
  }

  /** The journal files this journal's tasks write, and what earlier attempts of a task wrote. */
  JournalRun run() {
    return run;
  }

  /** The journal of partition {@code partition} in this task, closed when the task ends. */
  Writer open(int partition) {
    return new Writer(run.writer(partition), partition);
  }

  /** One partition's journal. */
  final class Writer {
    private final JournalWriter writer;
    private final int partition;
    private final UnsafeProjection keys = UnsafeProjection.create(scala.jdk.javaapi.CollectionConverters.asScala(
        List.of(key)).toList());
    private final UnsafeProjection jsons = UnsafeProjection.create(scala.jdk.javaapi.CollectionConverters.asScala(
        List.of(json)).toList());

    private Writer(JournalWriter writer, int partition) {
      this.writer = writer;
      this.partition = partition;
    }

    /**
     * Journals a chunk that succeeded: each input row's key with the output rows that carry it.
     *
     * @throws OutputContractException if two input rows of the chunk have one key, or an output row carries a
     *     key no input row of the chunk has
     */
    void chunk(ArrowChunk chunk, List<InternalRow> outputs) {
      Map<Object, List<InternalRow>> byKey = new LinkedHashMap<>();
      Map<Object, String> journalKeys = new LinkedHashMap<>();
      for (int i = 0; i < chunk.size(); i++) {
        InternalRow row = chunk.row(i);
        Object value = value(row, inputKey);
        if (byKey.put(value, new ArrayList<>()) != null && value != NULL_KEY) {
          throw new OutputContractException(ChunkDescription.of(partition, chunk) + " has two input rows with "
              + keyName + " = " + value + ": with a journal, "
              + keyName + " must name one input row (its answer is every output row with that key)");
        }
        if (value != NULL_KEY) {
          journalKeys.put(value, keys.apply(row).getUTF8String(0).toString());
        }
      }
      for (int i = 0; i < outputs.size(); i++) {
        Object value = value(outputs.get(i), outputKey);
        List<InternalRow> rows = byKey.get(value);
        if (rows == null) {
          throw new OutputContractException("output row " + i + " of "
              + ChunkDescription.of(partition, chunk)
              + " has " + keyName + " = " + (value == NULL_KEY ? "null" : value) + ", which no input row of its chunk "
              + "has: with a journal, every output row must carry its input row's " + keyName);
        }
        rows.add(outputs.get(i));
      }
      byKey.forEach((value, rows) -> {
        if (value == NULL_KEY) {
          return; // rows without a key are called every run
        }
        String answer = jsons.apply(new GenericInternalRow(new Object[] {new GenericArrayData(rows.toArray())}))
            .getUTF8String(0).toString();
        writer.append(journalKeys.get(value), answer);
        appended.add(1);
      });
    }

    private Object value(InternalRow row, int ordinal) {
      return row.isNullAt(ordinal) ? NULL_KEY : InternalRow.copyValue(row.get(ordinal, keyType));
    }
  }
}
