package io.asyncudf.internal.spark;

import java.io.Serializable;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * What an async call appends to each row: its output, or, with errors recorded, one struct of the
 * output and the error.
 */
abstract sealed class ResultColumns implements Serializable {

  /**
   * One value: the output when {@code errorName} is null; otherwise a struct of the output's fields
   * (a struct output) or of one field {@code value} (any other output), followed by the error struct
   * named {@code errorName}.
   */
  static ResultColumns nested(DataType outputType, String errorName) {
    if (errorName == null) {
      return new Plain(outputType);
    }
    return outputType instanceof StructType struct ? new Flattened(struct, errorName) : new Wrapped(outputType, errorName);
  }

  /** The columns appended, in order. */
  abstract StructType columns();

  /** The appended values for a successful row, from the output's internal value (null for a null output). */
  abstract Object[] success(Object output);

  /** The appended values for a failed row. */
  abstract Object[] failure(InternalRow error);

  private static final class Plain extends ResultColumns {
    private final StructType columns;

    Plain(DataType outputType) {
      this.columns = new StructType().add("output", outputType, true);
    }

    @Override
    StructType columns() {
      return columns;
    }

    @Override
    Object[] success(Object output) {
      return new Object[] {output};
    }

    @Override
    Object[] failure(InternalRow error) {
      throw new IllegalStateException("failures are not recorded as data");
    }
  }

  private static final class Wrapped extends ResultColumns {
    private final StructType columns;

    Wrapped(DataType outputType, String errorName) {
      StructType type = new StructType().add("value", outputType, true).add(errorName, ErrorColumn.TYPE, true);
      this.columns = new StructType().add("output", type, true);
    }

    @Override
    StructType columns() {
      return columns;
    }

    @Override
    Object[] success(Object output) {
      return new Object[] {new GenericInternalRow(new Object[] {output, null})};
    }

    @Override
    Object[] failure(InternalRow error) {
      return new Object[] {new GenericInternalRow(new Object[] {null, error})};
    }
  }

  private static final class Flattened extends ResultColumns {
    private final int fields;
    private final StructType columns;

    Flattened(StructType outputType, String errorName) {
      if (outputType.getFieldIndex(errorName).isDefined()) {
        throw new IllegalArgumentException("errorColumn '" + errorName + "' is also a field of the output struct "
            + outputType.simpleString());
      }
      this.fields = outputType.size();
      StructType type = new StructType(outputType.fields()).add(errorName, ErrorColumn.TYPE, true);
      this.columns = new StructType(new StructField[] {new StructField("output", type, true,
          org.apache.spark.sql.types.Metadata.empty())});
    }

    @Override
    StructType columns() {
      return columns;
    }

    @Override
    Object[] success(Object output) {
      Object[] values = new Object[fields + 1];
      if (output == null) {
        return new Object[] {null};
      }
      InternalRow row = (InternalRow) output;
      for (int i = 0; i < fields; i++) {
        values[i] = row.isNullAt(i) ? null : row.get(i, fieldType(i));
      }
      return new Object[] {new GenericInternalRow(values)};
    }

    @Override
    Object[] failure(InternalRow error) {
      Object[] values = new Object[fields + 1];
      values[fields] = error;
      return new Object[] {new GenericInternalRow(values)};
    }

    private DataType fieldType(int ordinal) {
      return ((StructType) columns.fields()[0].dataType()).fields()[ordinal].dataType();
    }
  }
}
