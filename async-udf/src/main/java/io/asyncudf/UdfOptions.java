package io.asyncudf;

import io.asyncudf.engine.ChunkSettings;
import io.asyncudf.engine.FailurePolicy;
import io.asyncudf.spark.StagingSettings;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** The options shared by {@link DataFrameUdf} and {@link ColumnUdf}, validated as they are set. */
record UdfOptions<P extends Serializable>(
    P parameters,
    int maxChunkSize,
    int maxConcurrentChunks,
    Duration timeout,
    RetryPolicy retry,
    String errorColumn,
    List<Class<? extends Throwable>> failOn,
    AsyncUdfListener listener,
    boolean ordered,
    long stagingMemoryLimit)
    implements Serializable {

  static final int DEFAULT_MAX_CHUNK_SIZE = 100;
  static final int DEFAULT_MAX_CONCURRENT_CHUNKS = 8;
  static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);
  static final long DEFAULT_STAGING_MEMORY_LIMIT = 64L << 20;
  private static final int TARGET_BATCH_ROWS = 4096;

  static <P extends Serializable> UdfOptions<P> defaults() {
    return new UdfOptions<>(null, DEFAULT_MAX_CHUNK_SIZE, DEFAULT_MAX_CONCURRENT_CHUNKS, DEFAULT_TIMEOUT,
        RetryPolicy.none(), null, List.of(), null, true, DEFAULT_STAGING_MEMORY_LIMIT);
  }

  UdfOptions<P> withParameters(P value) {
    return new UdfOptions<>(value, maxChunkSize, maxConcurrentChunks, timeout, retry, errorColumn, failOn, listener,
        ordered, stagingMemoryLimit);
  }

  UdfOptions<P> withMaxChunkSize(int value) {
    if (value < 1) {
      throw new IllegalArgumentException("maxChunkSize must be at least 1, got " + value);
    }
    return new UdfOptions<>(parameters, value, maxConcurrentChunks, timeout, retry, errorColumn, failOn, listener,
        ordered, stagingMemoryLimit);
  }

  UdfOptions<P> withMaxConcurrentChunks(int value) {
    if (value < 1) {
      throw new IllegalArgumentException("maxConcurrentChunks must be at least 1, got " + value);
    }
    return new UdfOptions<>(parameters, maxChunkSize, value, timeout, retry, errorColumn, failOn, listener, ordered,
        stagingMemoryLimit);
  }

  UdfOptions<P> withTimeout(Duration value) {
    Objects.requireNonNull(value, "timeout");
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, got " + value);
    }
    return new UdfOptions<>(parameters, maxChunkSize, maxConcurrentChunks, value, retry, errorColumn, failOn, listener,
        ordered, stagingMemoryLimit);
  }

  UdfOptions<P> withRetry(RetryPolicy value) {
    Objects.requireNonNull(value, "retry");
    return new UdfOptions<>(parameters, maxChunkSize, maxConcurrentChunks, timeout, value, errorColumn, failOn,
        listener, ordered, stagingMemoryLimit);
  }

  UdfOptions<P> withErrorColumn(String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("errorColumn must be a non-blank column name, got '" + value + "'");
    }
    return new UdfOptions<>(parameters, maxChunkSize, maxConcurrentChunks, timeout, retry, value, failOn, listener,
        ordered, stagingMemoryLimit);
  }

  UdfOptions<P> withFailOn(List<Class<? extends Throwable>> value) {
    value.forEach(type -> Objects.requireNonNull(type, "failOn type"));
    return new UdfOptions<>(parameters, maxChunkSize, maxConcurrentChunks, timeout, retry, errorColumn,
        List.copyOf(value), listener, ordered, stagingMemoryLimit);
  }

  UdfOptions<P> withListener(AsyncUdfListener value) {
    Objects.requireNonNull(value, "listener");
    return new UdfOptions<>(parameters, maxChunkSize, maxConcurrentChunks, timeout, retry, errorColumn, failOn, value,
        ordered, stagingMemoryLimit);
  }

  UdfOptions<P> withOrdered(boolean value) {
    return new UdfOptions<>(parameters, maxChunkSize, maxConcurrentChunks, timeout, retry, errorColumn, failOn,
        listener, value, stagingMemoryLimit);
  }

  UdfOptions<P> withStagingMemoryLimit(long value) {
    if (value < 1) {
      throw new IllegalArgumentException("stagingMemoryLimit must be at least 1 byte, got " + value);
    }
    return new UdfOptions<>(parameters, maxChunkSize, maxConcurrentChunks, timeout, retry, errorColumn, failOn,
        listener, ordered, value);
  }

  ChunkSettings chunkSettings(boolean onePerInput) {
    return new ChunkSettings(maxChunkSize, maxConcurrentChunks, timeout, retry,
        new FailurePolicy(errorColumn != null, failOn), listener, ordered, onePerInput);
  }

  StagingSettings stagingSettings() {
    return new StagingSettings(stagingMemoryLimit, Math.max(TARGET_BATCH_ROWS, maxChunkSize));
  }
}
