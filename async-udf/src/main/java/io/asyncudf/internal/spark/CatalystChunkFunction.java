package io.asyncudf.internal.spark;

import io.asyncudf.AsyncChunkFunction;
import java.io.Serializable;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * A chunk function of the library's own SQL functions, whose struct input and struct output are Catalyst's
 * internal rows ({@code UTF8String}, {@code MapData}...) rather than {@code Row}s: the operator hands each
 * row's staged input over as a copy (valid after its chunk is released) and takes the output as it is, with
 * no conversion either way. Its output rows must be of the call's declared output type.
 */
public interface CatalystChunkFunction extends AsyncChunkFunction<InternalRow, InternalRow, Serializable> {

  /**
   * This function where a helper builder expects a function of {@code Row}s. Only the operator calls it, and
   * it converts nothing for a {@code CatalystChunkFunction}.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  default <I, O> AsyncChunkFunction<I, O, Serializable> asRowFunction() {
    return (AsyncChunkFunction) this;
  }
}
