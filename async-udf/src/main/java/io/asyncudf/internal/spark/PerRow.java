package io.asyncudf.internal.spark;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.IntFunction;
import org.apache.spark.sql.catalyst.InternalRow;

/** A lazy iterator of one output row per row index of a chunk. */
final class PerRow {

  private PerRow() {}

  static Iterator<InternalRow> rows(int size, IntFunction<InternalRow> row) {
    return new Iterator<>() {
      private int index;

      @Override
      public boolean hasNext() {
        return index < size;
      }

      @Override
      public InternalRow next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return row.apply(index++);
      }
    };
  }
}
