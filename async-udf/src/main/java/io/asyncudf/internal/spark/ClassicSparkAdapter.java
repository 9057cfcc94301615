package io.asyncudf.internal.spark;

import io.asyncudf.ColumnUdf;
import io.asyncudf.DataFrameUdf;
import io.asyncudf.JobProgress;
import io.asyncudf.SparkAdapter;
import io.asyncudf.internal.spark.catalyst.ClassicRuntime;
import io.asyncudf.internal.spark.rpc.DriverChannels;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;

/**
 * The {@link SparkAdapter} of classic Spark sessions: helpers become {@link AsyncCall}s and {@link RowsCall}s
 * planned by {@link AsyncUdfPlanning}. Spark Connect client sessions are refused, naming the route that works
 * there. Loaded by name from {@code io.asyncudf}.
 */
public final class ClassicSparkAdapter implements SparkAdapter {

  @Override
  public Column column(ColumnUdf<?, ?, ?> udf, List<Column> inputs) {
    ClassicRuntime.requireForColumns();
    AsyncCall call = AsyncCall.of(udf);
    return AsyncUdfPlanning.column(call, withKey(call, udf, inputs));
  }

  @Override
  public DataType resultType(ColumnUdf<?, ?, ?> udf) {
    return AsyncCall.of(udf).resultType();
  }

  @Override
  public void register(ColumnUdf<?, ?, ?> udf, SparkSession spark) {
    ClassicRuntime.require(spark);
    AsyncCall call = AsyncCall.of(udf);
    AsyncUdfPlanning.register(spark, udf.name(), call, call.journalKeyed() ? udf.journalKey() : null);
  }

  @Override
  public Dataset<Row> withColumn(ColumnUdf<?, ?, ?> udf, Dataset<Row> df, String outputColumn, Column input) {
    ClassicRuntime.require(df.sparkSession());
    AsyncCall call = AsyncCall.of(udf);
    return SparkExecution.column(df, outputColumn, input, call, call.journalKeyed() ? udf.journalKey() : null);
  }

  @Override
  public Dataset<Row> apply(DataFrameUdf<?> udf, Dataset<Row> df) {
    ClassicRuntime.require(df.sparkSession());
    return SparkExecution.dataFrame(df, RowsCall.of(udf));
  }

  @Override
  public void register(DataFrameUdf<?> udf, SparkSession spark) {
    ClassicRuntime.require(spark);
    SparkExecution.registerTableFunction(spark, RowsCall.of(udf));
  }

  @Override
  public List<JobProgress> progress() {
    return DriverChannels.progress();
  }

  @Override
  public void installDriverChannel(SparkSession spark) {
    ClassicRuntime.require(spark);
    DriverChannels.install(spark.sparkContext());
  }

  @Override
  public Dataset<Row> readJournal(SparkSession spark, String path) {
    return Journal.latest(spark, path);
  }

  @Override
  public long compactJournal(SparkSession spark, String path, Duration olderThan) {
    return Journal.compact(spark, path, olderThan);
  }

  /** {@code inputs}, then the journal key when the call's last argument is one. */
  private static List<Column> withKey(AsyncCall call, ColumnUdf<?, ?, ?> udf, List<Column> inputs) {
    if (!call.journalKeyed()) {
      return inputs;
    }
    List<Column> arguments = new ArrayList<>(inputs);
    arguments.add(udf.journalKey());
    return arguments;
  }
}
