package io.asyncudf.internal.spark;

import io.asyncudf.AsyncChunkFunction;
import io.asyncudf.ColumnUdf;
import io.asyncudf.UdfOptions;
import io.asyncudf.internal.driver.DriverOptions;
import io.asyncudf.internal.engine.ChunkSettings;
import io.asyncudf.internal.spark.SparkExecution.InputShape;
import io.asyncudf.internal.spark.arrow.StagingSettings;
import java.io.Serializable;
import java.util.Objects;
import org.apache.spark.sql.types.DataType;

/**
 * What one async call in a query plan runs: a column helper's function, parameters and settings.
 * Immutable and serializable; made from a {@code ColumnUdf} by {@link #of}.
 *
 * @param name the function name shown in plans and the Spark UI
 * @param inputType the only input type accepted (from an input encoder), or null for any
 * @param errorName the error field's name when failures are recorded as data, else null
 * @param journal where answers are journaled, or null
 * @param journalKeyed whether the call's last argument is the journal key the user named (else the key is
 *     the input)
 */
public record AsyncCall(
    String name,
    AsyncChunkFunction<?, ?, ?> function,
    Serializable parameters,
    DataType inputType,
    DataType outputType,
    InputShape shape,
    ChunkSettings settings,
    StagingSettings staging,
    String errorName,
    DriverOptions driver,
    String journal,
    boolean journalKeyed)
    implements Serializable {

  public AsyncCall {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(function, "function");
    Objects.requireNonNull(outputType, "outputType");
    Objects.requireNonNull(shape, "shape");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(staging, "staging");
    driver = driver == null ? DriverOptions.none() : driver;
    results(); // checks the error name against a struct output's fields
  }

  /** The call {@code udf} makes: keyed by its {@link ColumnUdf#journalKey()} when it has a journal and a key. */
  public static AsyncCall of(ColumnUdf<?, ?, ?> udf) {
    UdfOptions<?> options = udf.options();
    return new AsyncCall(udf.name(), udf.function(), options.parameters(), udf.inputType(), udf.outputType(),
        udf.structInput() ? InputShape.STRUCT : InputShape.SCALAR, ChunkSettings.of(options, true),
        StagingSettings.of(options), options.errorColumn(), DriverOptions.of(options), options.journal(),
        options.journal() != null && udf.journalKey() != null);
  }

  /** This call, its answers no longer journaled here (the plan journals them around it). */
  AsyncCall withoutJournal() {
    return new AsyncCall(name, function, parameters, inputType, outputType, shape, settings, staging, errorName, driver,
        null, false);
  }

  /** The type of the call's value: the output, or with errors recorded the struct of output and error. */
  public DataType resultType() {
    return results().columns().fields()[0].dataType();
  }

  ResultColumns results() {
    return ResultColumns.nested(outputType, errorName);
  }

  /** Checks that what is shipped to the executors serializes. */
  void requireShippable() {
    Serialization.requireShippable(function, parameters, settings);
  }

  @Override
  public String toString() {
    return name + " -> " + resultType().simpleString();
  }
}
