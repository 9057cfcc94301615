package io.asyncudf.internal.spark;

import io.asyncudf.internal.driver.DriverOptions;
import io.asyncudf.internal.engine.ChunkSettings;
import io.asyncudf.internal.spark.catalyst.Plans;
import io.asyncudf.internal.spark.catalyst.SparkInternals;
import io.asyncudf.internal.spark.rpc.DriverChannels;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.execution.SQLExecution;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.metric.SQLMetric;
import scala.Function2;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * What the two async operators share: one child, the SQL metrics the engine's events feed, the
 * driver channel of each execution, and keeping the output for the query when the plan reads it
 * twice (see {@link QueryScopedCache}).
 */
abstract class AsyncExec extends SparkPlan {

  private final SparkPlan child;
  private final boolean materialize;
  private transient AsyncCallMetrics metrics;
  private transient volatile String executionId;

  AsyncExec(SparkPlan child, boolean materialize) {
    this.child = child;
    this.materialize = materialize;
  }

  final SparkPlan child() {
    return child;
  }

  final boolean materialize() {
    return materialize;
  }

  @Override
  public final Seq<SparkPlan> children() {
    return Plans.seq(List.of(child));
  }

  final synchronized AsyncCallMetrics callMetrics() {
    if (metrics == null) {
      metrics = new AsyncCallMetrics(sparkContext());
    }
    return metrics;
  }

  @Override
  public final scala.collection.immutable.Map<String, SQLMetric> metrics() {
    return scala.collection.immutable.Map.from(CollectionConverters.asScala(callMetrics().byKey()));
  }

  /**
   * Runs {@code step} over the child's partitions with a driver channel for {@code name}. A materialized
   * operator's output is kept for the rest of the query, and an equal operator of the same query reads
   * that instead of running (no driver channel, no calls: its metrics stay at zero).
   */
  final RDD<InternalRow> run(String name, DriverOptions driver, PartitionTransform<?, ?, ?> transform,
      Function2<Object, scala.collection.Iterator<InternalRow>, scala.collection.Iterator<InternalRow>> step) {
    String execution = sparkContext().getLocalProperty(SQLExecution.EXECUTION_ID_KEY());
    executionId = execution;
    Supplier<RDD<InternalRow>> output = () -> {
      RDD<InternalRow> input = child.execute();
      boolean sessionProgress = DriverChannels.enabled(SparkInternals.sessionConf().get(DriverChannels.PROGRESS_KEY));
      transform.attach(DriverChannels.open(sparkContext(), name, driver, sessionProgress, input.getNumPartitions()));
      return SparkInternals.mapPartitionsWithIndex(input, step);
    };
    return materialize ? QueryScopedCache.keep(this, output, execution) : output.get();
  }

  /**
   * This operator's entry in {@code explain("formatted")}: its input, the call, the options, whether its
   * output is kept for the query, and the metrics with the SQL tab's values once the query ran.
   */
  final String verboseText(Seq<Attribute> input, String callText, ChunkSettings settings, String moreOptions) {
    return formattedNodeName() + "\n"
        + "Input [" + input.size() + "]: " + input.mkString("[", ", ", "]") + "\n"
        + "Call: " + callText + "\n"
        + "Options: maxChunkSize=" + settings.maxChunkSize() + ", maxConcurrentChunks="
        + settings.maxConcurrentChunks() + ", timeout=" + settings.timeout() + moreOptions + "\n"
        + (materialize ? "Output kept for the query (read twice: by a range shuffle, a cartesian product or an outer "
            + "nested loop join above, or by an equal operator)\n" : "")
        + "Metrics: " + metricsText() + "\n";
  }

  private String metricsText() {
    Map<Long, String> shown = SparkInternals.executionMetrics(this, executionId);
    return callMetrics().byKey().values().stream()
        .map(metric -> metric.name().get() + ": " + shown.getOrDefault(metric.id(), String.valueOf(metric.value())))
        .collect(Collectors.joining(", "));
  }
}
