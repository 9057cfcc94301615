package io.asyncudf.spark;

import io.asyncudf.AsyncChunkFunction;
import io.asyncudf.RowFailure;
import io.asyncudf.engine.ChunkDescription;
import io.asyncudf.engine.ChunkEmitter;
import io.asyncudf.engine.ChunkOutcome;
import io.asyncudf.engine.ChunkSettings;
import io.asyncudf.engine.OutputContractException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
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
   * The output rows of one partition, lazily: {@code inputs} holds the call's input per row, {@code
   * aside} each input's child row, added as the input is read.
   */
  Iterator<InternalRow> call(Iterator<InternalRow> inputs, SparkInternals.RowsAside aside) {
    return run(inputs, partitionIndex -> emitter(partitionIndex, aside));
  }

  private ChunkEmitter<ArrowChunk, O, InternalRow> emitter(int partitionIndex, SparkInternals.RowsAside aside) {
    UnsafeProjection projection = SparkInternals.unsafeProjection(joinedSchema);
    JoinedRow joined = new JoinedRow();
    return (chunk, outcome) -> PerRow.rows(chunk.size(), row -> {
      InternalRow staged = chunk.row(row);
      InternalRow kept = aside.remove();
      Object[] extra;
      if (outcome instanceof ChunkOutcome.Success<O> success) {
        Object value = success.outputs().get(row);
        if (value instanceof RowFailure failed) {
          // the engine checked it may be recorded: an error column exists and it is no failOn type
          extra = results.failure(error(failed.cause(), success.attempts(), partitionIndex, chunk, row, staged));
        } else {
          try {
            extra = results.success(value == null ? null : outputToInternal.apply(value));
            // a value of the wrong Java type may convert and fail only when projected
            return projection.apply(joined.apply(kept, new GenericInternalRow(extra)));
          } catch (RuntimeException e) {
            throw wrongType(partitionIndex, chunk, row, value, e);
          }
        }
      } else {
        ChunkOutcome.Failure<O> failure = (ChunkOutcome.Failure<O>) outcome;
        extra = results.failure(error(failure.cause(), failure.attempts(), partitionIndex, chunk, row, staged));
      }
      return projection.apply(joined.apply(kept, new GenericInternalRow(extra)));
    });
  }

  private InternalRow error(Throwable cause, int attempts, int partitionIndex, ArrowChunk chunk, int row,
      InternalRow staged) {
    return errors.row(cause, attempts, partitionIndex, chunk.chunkIndex(), chunk.firstRowIndex() + row,
        new GenericInternalRow(new Object[] {staged.get(INPUT, inputType)}));
  }

  private OutputContractException wrongType(int partitionIndex, ArrowChunk chunk, int row, Object value,
      RuntimeException cause) {
    return new OutputContractException("output for column '" + outputName + "' in "
        + ChunkDescription.of(partitionIndex, chunk.chunkIndex(), chunk.firstRowIndex() + row, 1)
        + " does not fit its declared type "
        + outputType.simpleString() + ": got " + (value == null ? "null" : value.getClass().getName()) + " ("
        + cause.getMessage() + ")", cause);
  }
}
