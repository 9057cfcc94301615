package io.asyncudf.spark;

import java.io.Serializable;

/**
 * How a task stages its input in Arrow.
 *
 * @param memoryLimitBytes the most bytes the task's Arrow allocator may hold
 * @param targetBatchRows rows per Arrow record batch to aim for; a batch holds whole chunks, so
 *     it is rounded to a multiple of the chunk size (at least one chunk)
 */
public record StagingSettings(long memoryLimitBytes, int targetBatchRows) implements Serializable {}
