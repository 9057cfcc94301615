package io.asyncudf.internal.spark.arrow;

import io.asyncudf.UdfOptions;
import java.io.Serializable;

/**
 * How a task stages its input in Arrow.
 *
 * @param memoryLimitBytes the most bytes the task's Arrow allocator may hold
 * @param targetBatchRows rows per Arrow record batch to aim for; a batch holds whole chunks, so
 *     it is rounded to a multiple of the chunk size (at least one chunk)
 */
public record StagingSettings(long memoryLimitBytes, int targetBatchRows) implements Serializable {

  private static final int TARGET_BATCH_ROWS = 4096;

  /** The staging {@code options} give: their memory limit, batches of 4,096 rows or one chunk if larger. */
  public static StagingSettings of(UdfOptions<?> options) {
    return new StagingSettings(options.stagingMemoryLimit(), Math.max(TARGET_BATCH_ROWS, options.maxChunkSize()));
  }
}
