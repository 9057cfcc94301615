package io.asyncudf.internal.spark;

import io.asyncudf.AsyncChunkFunction;
import io.asyncudf.DataFrameUdf;
import io.asyncudf.UdfOptions;
import io.asyncudf.internal.driver.DriverOptions;
import io.asyncudf.internal.engine.ChunkSettings;
import io.asyncudf.internal.spark.arrow.StagingSettings;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * What one application of a DataFrame helper runs: chunks of whole input rows in, any number of
 * output rows of {@code outputSchema} out. Immutable and serializable; made from a {@code DataFrameUdf} by
 * {@link #of}.
 *
 * @param name the name shown in plans and the Spark UI
 * @param errorColumn the error column's name when failures are recorded as data, else null
 * @param journal where answers are journaled, per input row, or null
 * @param journalKey with a journal: the input column naming each input row, which every output row carries
 */
public record RowsCall(
    String name,
    AsyncChunkFunction<Row, Row, ?> function,
    Serializable parameters,
    StructType outputSchema,
    ChunkSettings settings,
    StagingSettings staging,
    String errorColumn,
    DriverOptions driver,
    String journal,
    String journalKey)
    implements Serializable {

  /**
   * @throws IllegalArgumentException if the error column is also a column of the output schema, or a journal
   *     has no key column that the output schema has
   */
  public RowsCall {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(function, "function");
    if ((Object) function instanceof CatalystChunkFunction) {
      throw new IllegalArgumentException(name + ": a function of Catalyst rows runs only as a column helper");
    }
    Objects.requireNonNull(outputSchema, "outputSchema");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(staging, "staging");
    driver = driver == null ? DriverOptions.none() : driver;
    if (errorColumn != null && Arrays.asList(outputSchema.fieldNames()).contains(errorColumn)) {
      throw new IllegalArgumentException("errorColumn '" + errorColumn + "' is also a column of the output schema "
          + outputSchema.simpleString());
    }
    if (journal != null) {
      if (journalKey == null) {
        throw new IllegalArgumentException("journal(" + journal + ") on DataFrame helper '" + name + "' needs "
            + "journalKey(column): the input column that names each input row and that every output row carries, "
            + "so that answers are kept per input row");
      }
      if (!Arrays.asList(outputSchema.fieldNames()).contains(journalKey)) {
        throw new IllegalArgumentException("journalKey '" + journalKey + "' of DataFrame helper '" + name
            + "' is not a column of the output schema " + outputSchema.simpleString()
            + ": every output row must carry its input row's key");
      }
    }
  }

  /**
   * What {@code udf} runs, shown in plans under its name.
   *
   * @throws IllegalArgumentException if the error column is also a column of the output schema, or a journal
   *     has no key column that the output schema has
   */
  public static RowsCall of(DataFrameUdf<?> udf) {
    UdfOptions<?> options = udf.options();
    return new RowsCall(udf.name(), udf.function(), options.parameters(), udf.outputSchema(), ChunkSettings.of(options, false),
        StagingSettings.of(options), options.errorColumn(), DriverOptions.of(options), options.journal(),
        udf.journalKey());
  }

  /** The operator's output: the output schema, then the error column when configured. */
  public StructType resultSchema() {
    return errorColumn == null ? outputSchema : outputSchema.add(errorColumn, ErrorColumn.TYPE, true);
  }

  /**
   * Checks that what is shipped to the executors serializes.
   *
   * @throws IllegalArgumentException naming what does not serialize
   */
  public void requireShippable() {
    Serialization.requireShippable(function, parameters, settings);
  }

  @Override
  public String toString() {
    return name + " -> " + resultSchema().simpleString();
  }
}
