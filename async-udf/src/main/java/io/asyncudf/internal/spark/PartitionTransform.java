package io.asyncudf.internal.spark;

import io.asyncudf.AsyncChunkFunction;
import io.asyncudf.internal.connector.AsyncUdfThreads;
import io.asyncudf.internal.driver.ChannelSpec;
import io.asyncudf.internal.driver.Codec;
import io.asyncudf.internal.driver.DriverCalls;
import io.asyncudf.internal.driver.DriverChannel;
import io.asyncudf.internal.driver.TaskChannel;
import io.asyncudf.internal.engine.ChunkEmitter;
import io.asyncudf.internal.engine.ChunkSettings;
import io.asyncudf.internal.engine.PartitionPipeline;
import io.asyncudf.internal.spark.arrow.ArrowChunk;
import io.asyncudf.internal.spark.arrow.ArrowChunkSource;
import io.asyncudf.internal.spark.arrow.StagingSettings;
import io.asyncudf.internal.spark.catalyst.SparkInternals;
import io.asyncudf.internal.spark.rpc.DriverEndpoint;
import io.asyncudf.partition.SparkPartitionInformation;
import java.io.Serializable;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.function.IntFunction;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.TaskCompletionListener;

/**
 * The serializable per-partition step of a UDF: in each task it stages the partition's rows in
 * Arrow under a byte-limited allocator, runs them through a {@link PartitionPipeline} and releases
 * everything when the task completes, fails or is killed.
 */
abstract class PartitionTransform<I, O, P extends Serializable> implements Serializable {

  private final AsyncChunkFunction<I, O, P> function;
  private final P parameters;
  private final ChunkSettings settings;
  private final StagingSettings staging;
  private final StructType stagedSchema;
  private final String timeZone;
  private ChannelSpec channel;
  @SuppressWarnings("unused") // keeps the driver's end alive as long as the plan holds this step
  private transient DriverChannel driverEnd;

  PartitionTransform(AsyncChunkFunction<I, O, P> function, P parameters, ChunkSettings settings,
      StagingSettings staging, StructType stagedSchema, String timeZone) {
    this.function = function;
    this.parameters = parameters;
    this.settings = settings;
    this.staging = staging;
    this.stagedSchema = stagedSchema;
    this.timeZone = timeZone;
  }

  /** Connects the tasks of this step to {@code channel} on the driver (null: none). */
  final void attach(DriverChannel channel) {
    this.driverEnd = channel;
    this.channel = channel == null ? null : channel.spec();
  }

  /**
   * Rows read ahead of the chunks staged, beyond which staging waits for answered rows to be emitted: a
   * partition whose rows were nearly all answered is not read whole before its first output row.
   */
  static final long MIN_READ_AHEAD_ROWS = 65_536;

  /**
   * The output rows of partition {@code partitionIndex}, lazily: {@code rows} staged in Arrow and run through the
   * engine, finished chunks turned into rows by the emitter {@code emitterFor} builds for the partition.
   *
   * @param partitionIndex the index of the partition of the operator's input: not the task's own where one task
   *     computes several (after {@code coalesce})
   * @param rows the partition's rows, null for each row {@code answered} keeps (not called)
   * @param answered the rows not called, emitted between chunks; null when every row is called
   */
  final Iterator<InternalRow> run(int partitionIndex, Iterator<InternalRow> rows, RowsAnswered answered,
      IntFunction<ChunkEmitter<ArrowChunk, O, InternalRow>> emitterFor) {
    TaskContext task = TaskContext.get();
    SparkPartitionInformation partition = SparkPartitionInformation.fromCurrentTaskContext()
        .withPartitionIndex(partitionIndex);
    BufferAllocator allocator = SparkInternals.taskAllocator(
        "asyncudf-partition-" + partition.partitionIndex() + "-task-" + partition.taskAttemptId(),
        staging.memoryLimitBytes());
    Schema arrowSchema = SparkInternals.arrowSchema(stagedSchema, timeZone);
    long readAhead = Math.max(MIN_READ_AHEAD_ROWS, 16L * settings.maxChunkSize() * settings.maxConcurrentChunks());
    ArrowChunkSource source = new ArrowChunkSource(rows, answered == null ? null : () -> answered.held() >= readAhead,
        arrowSchema, allocator, settings.maxChunkSize(), settings.maxConcurrentChunks(), staging,
        partition.partitionIndex());
    TaskChannel driver = channel == null ? null : new TaskChannel(channel, DriverEndpoint.link(),
        AsyncUdfThreads.scheduler(), settings.timeout(), Codec.userLoader());
    PartitionPipeline<ArrowChunk, I, O, InternalRow> pipeline = PartitionPipeline.<ArrowChunk, I, O, InternalRow>builder()
        .source(source)
        .inputs(this::inputs)
        .emitter(emitterFor.apply(partition.partitionIndex()))
        .unstaged(answered == null ? Collections::emptyIterator : answered::emittable)
        .settings(driver == null ? settings
            : settings.withListener(Listeners.both(settings.listener(), driver.eventForwarder())))
        .driverCalls(driver == null ? DriverCalls.none("this UDF") : driver)
        .partition(partition)
        .cancellationCheck(task == null ? () -> {} : task::killTaskIfInterrupted)
        .closeWhenFinished(allocator)
        .build(function, parameters);
    if (task != null) {
      task.addTaskCompletionListener((TaskCompletionListener) completed -> {
        try {
          if (completed.isFailed() || completed.isInterrupted()) {
            pipeline.close();
          } else {
            pipeline.endEarly(); // the task succeeded without reading every row: a limit, not a failure
          }
        } finally {
          try {
            allocator.close(); // throws when a buffer leaked: the task's last events still reach the driver
          } finally {
            if (driver != null) {
              driver.close();
            }
          }
        }
      });
    }
    return pipeline;
  }

  /** The function's inputs for one chunk, converted to Spark's external types. */
  abstract List<I> inputs(ArrowChunk chunk);
}
