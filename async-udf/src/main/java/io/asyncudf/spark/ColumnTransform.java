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
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;
import scala.Function1;

/**
 * The per-partition step of a column helper. Staged rows are the input DataFrame's columns plus
 * the input expression as the last column; each output row is the staged row followed by the
 * output value (and the error struct when recorded), in input order.
 */
final class ColumnTransform<I, O, P extends Serializable> extends PartitionTransform<I, O, P> {

  private final StructType resultSchema;
  private final int inputOrdinal;
  private final DataType inputType;
  private final String outputName;
  private final DataType outputType;
  private final Function1<Object, Object> inputToExternal;
  private final Function1<Object, Object> outputToInternal;
  private final ErrorColumn errors;

  ColumnTransform(AsyncChunkFunction<I, O, P> function, P parameters, ChunkSettings settings, StagingSettings staging,
      String timeZone, StructType stagedSchema, StructType resultSchema, String outputName, DataType outputType,
      Function1<Object, Object> inputToExternal, Function1<Object, Object> outputToInternal, ErrorColumn errors) {
    super(function, parameters, settings, staging, stagedSchema, timeZone);
    this.resultSchema = resultSchema;
    this.inputOrdinal = stagedSchema.size() - 1;
    this.inputType = stagedSchema.fields()[inputOrdinal].dataType();
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
      inputs.add(row.isNullAt(inputOrdinal)
          ? null
          : (I) ExternalValues.forJava(inputToExternal.apply(row.get(inputOrdinal, inputType)), inputType));
    }
    return inputs;
  }

  @Override
  ChunkEmitter<ArrowChunk, O, InternalRow> emitter(int partitionIndex) {
    UnsafeProjection projection = SparkInternals.unsafeProjection(resultSchema);
    JoinedRow joined = new JoinedRow();
    return (chunk, outcome) -> PerRow.rows(chunk.size(), row -> {
      InternalRow staged = chunk.row(row);
      GenericInternalRow extra = new GenericInternalRow(errors == null ? 1 : 2);
      if (outcome instanceof ChunkOutcome.Success<O> success) {
        Object value = success.outputs().get(row);
        if (value instanceof RowFailure failed) {
          // the engine checked it may be recorded: an error column exists and it is no failOn type
          extra.update(1, errors.row(failed.cause(), success.attempts(), partitionIndex, chunk.chunkIndex(),
              chunk.firstRowIndex() + row, new GenericInternalRow(new Object[] {staged.get(inputOrdinal, inputType)})));
          return projection.apply(joined.apply(staged, extra));
        }
        try {
          extra.update(0, value == null ? null : outputToInternal.apply(value));
          return projection.apply(joined.apply(staged, extra));
        } catch (RuntimeException e) {
          throw wrongType(partitionIndex, chunk, row, value, e);
        }
      }
      ChunkOutcome.Failure<O> failure = (ChunkOutcome.Failure<O>) outcome;
      extra.update(1, errors.row(failure.cause(), failure.attempts(), partitionIndex, chunk.chunkIndex(),
          chunk.firstRowIndex() + row, new GenericInternalRow(new Object[] {staged.get(inputOrdinal, inputType)})));
      return projection.apply(joined.apply(staged, extra));
    });
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
