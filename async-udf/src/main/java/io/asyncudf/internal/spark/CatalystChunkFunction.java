package io.asyncudf.internal.spark;

import io.asyncudf.AsyncChunkFunction;
import java.io.Serializable;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * A chunk function of the library's own SQL functions, whose struct input and struct output are Catalyst's
 * internal rows ({@code UTF8String}, {@code MapData}...) rather than {@code Row}s: the operator hands each
 * row's staged input over as a copy (valid after its chunk is released) and takes the output as it is, with
 * no conversion either way. Its output rows must be of the call's declared output type. Only column helpers
 * run it; the row helpers refuse it. The input's copy is Spark's {@code InternalRow.copy()}, which on Spark 4.0
 * does not cover variant and interval fields: such a function takes neither.
 */
public interface CatalystChunkFunction extends AsyncChunkFunction<InternalRow, InternalRow, Serializable> {

  /**
   * This function where a column helper's builder expects a function of {@code Row}s; the operator that runs
   * the helper sees what it is and converts nothing.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  default <I, O> AsyncChunkFunction<I, O, Serializable> asRowFunction() {
    return (AsyncChunkFunction) this;
  }
}
