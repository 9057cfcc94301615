package io.asyncudf;

import io.asyncudf.partition.SparkPartitionInformation;
import java.time.Duration;

/**
 * The start or end of one task's partition.
 *
 * @param kind start or end
 * @param partition the task and executor
 * @param inputRows input rows staged so far (all of them at a successful end)
 * @param chunks chunks that finished, successfully or not
 * @param failedChunks chunks that failed after their retries (recorded in the error column or
 *     failing the task)
 * @param failedRows rows recorded in the error column: every row of a failed chunk, and each
 *     {@link RowFailure} of a successful one
 * @param duration time since the partition started; zero at the start
 * @param failure why the task failed, or null
 */
public record PartitionEvent(
    Kind kind,
    SparkPartitionInformation partition,
    long inputRows,
    int chunks,
    int failedChunks,
    long failedRows,
    Duration duration,
    Throwable failure) implements AsyncUdfEvent {

  /** Whether the task starts or ends its partition. */
  public enum Kind {
    START,
    END
  }
}
