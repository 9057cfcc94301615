package io.asyncudf.internal.spark;

import io.asyncudf.AsyncChunkFunction;
import io.asyncudf.RowFailure;
import io.asyncudf.internal.engine.ChunkDescription;
import io.asyncudf.internal.engine.ChunkEmitter;
import io.asyncudf.internal.engine.ChunkOutcome;
import io.asyncudf.internal.engine.ChunkSettings;
import io.asyncudf.internal.engine.OutputContractException;
import io.asyncudf.internal.spark.arrow.ArrowChunk;
import io.asyncudf.internal.spark.arrow.ExternalValues;
import io.asyncudf.internal.spark.arrow.StagingSettings;
import io.asyncudf.internal.spark.catalyst.SparkInternals;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.stream.Stream;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import scala.Function1;

/**
 * The per-partition step of an async call in a query plan. Only the call's input is staged in Arrow
 * (as Spark's {@code EvalPythonExec} sends only a UDF's arguments to Python); the child's rows wait
 * in a {@link SparkInternals.RowsAside} queue. Each output row is the child's row followed by the
 * {@link ResultColumns}, in input order: one output per input, so the queue's head always belongs to
 * the row being emitted.
 */
final class ColumnTransform<I, O, P extends Serializable> extends PartitionTransform<I, O, P> {

  private static final int INPUT = 0;

  private final StructType joinedSchema;
  private final DataType inputType;
  private final String outputName;
  private final DataType outputType;
  private final Function1<Object, Object> inputToExternal;
  private final Function1<Object, Object> outputToInternal;
  private final ResultColumns results;
  private final ErrorColumn errors;

  /**
   * @param rowSchema the child's rows, kept aside while their chunk is in flight
   * @param inputType the call's input, the one staged column
   * @param errors renders the error struct of a failed row (its input as JSON), or null when failures
   *     are not recorded
   */
  ColumnTransform(AsyncChunkFunction<I, O, P> function, P parameters, ChunkSettings settings, StagingSettings staging,
      String timeZone, StructType rowSchema, DataType inputType, ResultColumns results, String outputName,
      DataType outputType, Function1<Object, Object> inputToExternal, Function1<Object, Object> outputToInternal,
      ErrorColumn errors) {
    super(function, parameters, settings, staging, new StructType().add("input", inputType, true), timeZone);
    this.joinedSchema = new StructType(Stream.concat(Arrays.stream(rowSchema.fields()),
        Arrays.stream(results.columns().fields())).toArray(StructField[]::new));
    this.results = results;
    this.inputType = inputType;
    this.outputName = outputName;
    this.outputType = outputType;
    this.inputToExternal = inputToExternal;
    this.outputToInternal = outputToInternal;
    this.errors = errors;
  }

  @Override
  @SuppressWarnings("unchecked")
  List<I> inputs(ArrowChunk chunk) {
    List<I> inputs = new ArrayList<>(chunk.size());
    for (int i = 0; i < chunk.size(); i++) {
      InternalRow row = chunk.row(i);
      inputs.add(row.isNullAt(INPUT)
          ? null
          : (I) ExternalValues.forJava(inputToExternal.apply(row.get(INPUT, inputType)), inputType));
    }
    return inputs;
  }

  /**
   * Where a journal lookup put its columns in the child's rows: the found key (null when not found), the
   * answer, of the call's result type, and the row's own key; and how many distinct keys a partition
   * remembers to answer repeats from their first call (0: every row not found is called).
   */
  record Found(int key, int answer, DataType type, int rowKey, int remembered) implements Serializable {

    /** Whether {@code row}'s answer was found. */
    boolean in(InternalRow row) {
      return !row.isNullAt(key);
    }
  }

  /**
   * The child's rows kept aside in input order, every one of them; with a lookup, those found in the
   * journal and those repeating a key called before in the partition too, which are not called and are
   * emitted in their place.
   */
  static final class Aside {
    private final SparkInternals.RowsAside rows;
    private final Found found;
    private final RepeatedKeys repeated;
    private final LongConsumer answeredRows;
    private long added;
    private long removed;
    private boolean removedRepeat;

    /**
     * @param recovered answers a failed attempt of this task journaled, by key: those rows are not called
     * @param answeredRows counts the rows answered without a call, as their output rows are emitted
     */
    Aside(SparkInternals.RowsAside rows, Found found, Map<UTF8String, Object[]> recovered, LongConsumer answeredRows) {
      this.rows = rows;
      this.found = found;
      this.answeredRows = answeredRows;
      this.repeated = found == null || (found.remembered() == 0 && recovered.isEmpty()) ? null
          : new RepeatedKeys(Math.max(1, found.remembered()), found.remembered() > 0, recovered);
    }

    /**
     * Keeps {@code row} aside.
     *
     * @return whether it is to be called: neither found in the journal nor repeating a remembered key
     */
    boolean add(UnsafeRow row) {
      rows.add(row);
      long position = added++;
      if (found == null) {
        return true;
      }
      if (found.in(row)) {
        return false;
      }
      return repeated == null || !repeated.stage(row.getUTF8String(found.rowKey()), position);
    }

    /** The oldest row; valid until the next call. */
    UnsafeRow remove() {
      removedRepeat = repeated != null && repeated.isRepeat(removed);
      removed++;
      return rows.remove();
    }

    boolean isFound(InternalRow row) {
      return found != null && found.in(row);
    }

    /** Whether the row {@link #remove} gave last repeats a key called before it. */
    boolean removedRepeat() {
      return removedRepeat;
    }

    /** The appended values of the called row {@code row}, kept for the rows that repeat its key. */
    void answered(InternalRow row, Object[] extra) {
      if (repeated != null) {
        repeated.answered(row.getUTF8String(found.rowKey()), extra);
      }
    }

    /** The appended values of the first row with {@code row}'s key. */
    Object[] answerOfRepeat(InternalRow row) {
      return repeated.answerOf(row.getUTF8String(found.rowKey()));
    }

    boolean isEmpty() {
      return removed >= added;
    }

    /** Rows kept and not yet removed. */
    long held() {
      return added - removed;
    }
  }

  /**
   * The output rows of one partition, lazily: {@code inputs} holds the call's input per row, null for a row
   * not called, {@code aside} each child row, added as the input is read; a row found by a journal lookup or
   * repeating a key is emitted with its answer where it stands.
   */
  Iterator<InternalRow> call(int partitionIndex, Iterator<InternalRow> inputs, Aside aside) {
    UnsafeProjection projection = SparkInternals.unsafeProjection(joinedSchema);
    JoinedRow joined = new JoinedRow();
    RowsAnswered answered = aside.found == null ? null : new RowsAnswered() {
      @Override
      public long held() {
        return aside.held();
      }

      @Override
      public Iterator<InternalRow> emittable() {
        return new Iterator<>() {
          @Override
          public boolean hasNext() {
            return !aside.isEmpty(); // no chunk is outstanding: every row aside was answered without a call
          }

          @Override
          public InternalRow next() {
            InternalRow out = answeredWithoutCall(aside.remove(), aside, projection, joined);
            if (out == null) {
              throw new IllegalStateException("a row to be called is aside with no chunk outstanding");
            }
            return out;
          }
        };
      }
    };
    return run(partitionIndex, inputs, answered, index -> emitter(index, aside, projection, joined));
  }

  /**
   * The output row of {@code kept}, the row {@link Aside#remove} gave last, when it was answered without a call:
   * found in the journal, or repeating a key called before it (whose answer is known by now); null when it is
   * to be called.
   */
  private static InternalRow answeredWithoutCall(UnsafeRow kept, Aside aside, UnsafeProjection projection,
      JoinedRow joined) {
    if (aside.isFound(kept)) {
      aside.answeredRows.accept(1);
      Found found = aside.found;
      Object answer = kept.isNullAt(found.answer()) ? null : kept.get(found.answer(), found.type());
      return projection.apply(joined.apply(kept, new GenericInternalRow(new Object[] {answer})));
    }
    if (aside.removedRepeat()) {
      aside.answeredRows.accept(1);
      return projection.apply(joined.apply(kept, new GenericInternalRow(aside.answerOfRepeat(kept))));
    }
    return null;
  }

  private ChunkEmitter<ArrowChunk, O, InternalRow> emitter(int partitionIndex, Aside aside, UnsafeProjection projection,
      JoinedRow joined) {
    return (chunk, outcome) -> new Iterator<>() {
      private int row;

      @Override
      public boolean hasNext() {
        return row < chunk.size();
      }

      @Override
      public InternalRow next() {
        if (!hasNext()) {
          throw new java.util.NoSuchElementException();
        }
        UnsafeRow kept = aside.remove();
        InternalRow answered = answeredWithoutCall(kept, aside, projection, joined); // before the chunk's next row
        return answered != null ? answered
            : called(partitionIndex, chunk, outcome, row++, kept, aside, projection, joined);
      }
    };
  }

  private InternalRow called(int partitionIndex, ArrowChunk chunk, ChunkOutcome<O> outcome, int row, InternalRow kept,
      Aside aside, UnsafeProjection projection, JoinedRow joined) {
    InternalRow staged = chunk.row(row);
    Object[] extra;
    InternalRow out;
    if (outcome instanceof ChunkOutcome.Success<O> success) {
      Object value = success.outputs().get(row);
      if (value instanceof RowFailure failed) {
        // the engine checked it may be recorded: an error column exists and it is no failOn type
        extra = results.failure(error(failed.cause(), success.attempts(), partitionIndex, chunk, row, staged));
        out = projection.apply(joined.apply(kept, new GenericInternalRow(extra)));
      } else {
        try {
          extra = results.success(value == null ? null : outputToInternal.apply(value));
          // a value of the wrong Java type may convert and fail only when projected
          out = projection.apply(joined.apply(kept, new GenericInternalRow(extra)));
        } catch (RuntimeException e) {
          throw wrongType(partitionIndex, chunk, row, value, e);
        }
      }
    } else {
      ChunkOutcome.Failure<O> failure = (ChunkOutcome.Failure<O>) outcome;
      extra = results.failure(error(failure.cause(), failure.attempts(), partitionIndex, chunk, row, staged));
      out = projection.apply(joined.apply(kept, new GenericInternalRow(extra)));
    }
    aside.answered(kept, extra);
    return out;
  }

  private InternalRow error(Throwable cause, int attempts, int partitionIndex, ArrowChunk chunk, int row,
      InternalRow staged) {
    return errors.row(cause, attempts, partitionIndex, chunk.chunkIndex(), chunk.rowIndex(row),
        new GenericInternalRow(new Object[] {staged.get(INPUT, inputType)}));
  }

  private OutputContractException wrongType(int partitionIndex, ArrowChunk chunk, int row, Object value,
      RuntimeException cause) {
    return new OutputContractException("output for column '" + outputName + "' in "
        + ChunkDescription.row(partitionIndex, chunk.chunkIndex(), chunk.rowIndex(row))
        + " does not fit its declared type "
        + outputType.simpleString() + ": got " + (value == null ? "null" : value.getClass().getName()) + " ("
        + cause.getMessage() + ")", cause);
  }
}
