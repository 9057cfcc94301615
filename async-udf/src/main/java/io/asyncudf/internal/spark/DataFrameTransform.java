package io.asyncudf.internal.spark;

import io.asyncudf.AsyncChunkFunction;
import io.asyncudf.internal.engine.ChunkDescription;
import io.asyncudf.internal.engine.ChunkEmitter;
import io.asyncudf.internal.engine.ChunkOutcome;
import io.asyncudf.internal.engine.ChunkSettings;
import io.asyncudf.internal.engine.OutputContractException;
import io.asyncudf.internal.spark.arrow.ArrowChunk;
import io.asyncudf.internal.spark.arrow.StagingSettings;
import io.asyncudf.internal.spark.catalyst.SparkInternals;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.types.StructType;
import scala.Function1;

/**
 * The per-partition step of the DataFrame helper: whole input rows in, any number of output rows
 * per chunk out. A recorded failure becomes one row per failed input row with every output
 * column null and the error struct set.
 */
final class DataFrameTransform<P extends Serializable> extends PartitionTransform<Row, Row, P> {

  private final StructType outputSchema;
  private final StructType resultSchema;
  private final Function1<Object, Object> inputToExternal;
  private final Function1<Object, Object> outputToInternal;
  private final ErrorColumn errors;

  DataFrameTransform(AsyncChunkFunction<Row, Row, P> function, P parameters, ChunkSettings settings,
      StagingSettings staging, String timeZone, StructType inputSchema, StructType outputSchema,
      StructType resultSchema, Function1<Object, Object> inputToExternal, Function1<Object, Object> outputToInternal,
      ErrorColumn errors) {
    super(function, parameters, settings, staging, inputSchema, timeZone);
    this.outputSchema = outputSchema;
    this.resultSchema = resultSchema;
    this.inputToExternal = inputToExternal;
    this.outputToInternal = outputToInternal;
    this.errors = errors;
  }

  @Override
  List<Row> inputs(ArrowChunk chunk) {
    List<Row> inputs = new ArrayList<>(chunk.size());
    for (int i = 0; i < chunk.size(); i++) {
      inputs.add((Row) inputToExternal.apply(chunk.row(i)));
    }
    return inputs;
  }

  /** The output rows of one partition of input rows, lazily, each chunk that succeeded journaled first. */
  Iterator<InternalRow> call(int partitionIndex, Iterator<InternalRow> rows, RowsJournal journal) {
    return call(partitionIndex, rows, null, journal);
  }

  /**
   * Like {@link #call(int, Iterator, RowsJournal)}, for {@code rows} with a null for each row {@code answered}
   * keeps (null: every row is called).
   */
  Iterator<InternalRow> call(int partitionIndex, Iterator<InternalRow> rows, RowsAnswered answered,
      RowsJournal journal) {
    return run(partitionIndex, rows, answered,
        index -> emitter(index, journal == null ? null : journal.open(index)));
  }

  private ChunkEmitter<ArrowChunk, Row, InternalRow> emitter(int partitionIndex, RowsJournal.Writer journal) {
    UnsafeProjection projection = SparkInternals.unsafeProjection(resultSchema);
    JoinedRow joined = new JoinedRow();
    GenericInternalRow noError = new GenericInternalRow(1);
    GenericInternalRow noOutput = new GenericInternalRow(outputSchema.size());
    return (chunk, outcome) -> {
      if (outcome instanceof ChunkOutcome.Success<Row> success) {
        if (journal != null) {
          journal(journal, success.outputs(), chunk);
        }
        return outputs(success.outputs(), chunk, partitionIndex, projection, joined, noError);
      }
      ChunkOutcome.Failure<Row> failure = (ChunkOutcome.Failure<Row>) outcome;
      return PerRow.rows(chunk.size(), row -> projection.apply(joined.apply(noOutput, new GenericInternalRow(new Object[] {
        errors.row(failure.cause(), failure.attempts(), partitionIndex, chunk.chunkIndex(), chunk.rowIndex(row),
            chunk.row(row))
      }))));
    };
  }

  /** Journals a chunk's outputs, unless one breaks the output contract: emitting them then fails, naming it. */
  private void journal(RowsJournal.Writer journal, List<Row> outputs, ArrowChunk chunk) {
    List<InternalRow> internal = new ArrayList<>(outputs.size());
    for (Row row : outputs) {
      if (row == null || row.length() != outputSchema.size()) {
        return;
      }
      try {
        internal.add((InternalRow) outputToInternal.apply(row));
      } catch (RuntimeException e) {
        return;
      }
    }
    journal.chunk(chunk, internal);
  }

  private Iterator<InternalRow> outputs(List<Row> rows, ArrowChunk chunk, int partitionIndex,
      UnsafeProjection projection, JoinedRow joined, InternalRow noError) {
    if (rows.isEmpty()) {
      return Collections.emptyIterator();
    }
    Iterator<Row> source = rows.iterator();
    return new Iterator<>() {
      private int index;

      @Override
      public boolean hasNext() {
        return source.hasNext();
      }

      @Override
      public InternalRow next() {
        Row row = source.next();
        int position = index++;
        if (row == null || row.length() != outputSchema.size()) {
          throw new OutputContractException("output row " + position + " of " + describe(chunk, partitionIndex) + " has "
              + (row == null ? "no value (null)" : row.length() + " fields")
              + " but the output schema has " + outputSchema.size() + ": " + outputSchema.simpleString());
        }
        try {
          InternalRow internal = (InternalRow) outputToInternal.apply(row);
          return projection.apply(errors == null ? internal : joined.apply(internal, noError));
        } catch (RuntimeException e) {
          throw new OutputContractException("output row " + position + " of " + describe(chunk, partitionIndex)
              + " does not match the output schema "
              + outputSchema.simpleString() + ": " + e.getMessage(), e);
        }
      }
    };
  }

  private static String describe(ArrowChunk chunk, int partitionIndex) {
    return ChunkDescription.of(partitionIndex, chunk);
  }
}
