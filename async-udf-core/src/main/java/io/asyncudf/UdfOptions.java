package io.asyncudf;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The options of an async UDF, shared by {@link ColumnUdf} and {@link DataFrameUdf}: an immutable
 * value, validated as it is built. {@code ordered} applies to {@code DataFrameUdf} only (column
 * helpers always keep input order). The options live on the driver: what the executors need (the
 * parameters, the listener, the retry policy) is copied into the query plan, never the callback or the
 * driver listener. Serialized (as a UDF captured in a closure is), they leave the callback and the driver
 * listener behind, which run on the driver only.
 *
 * <pre>{@code
 * UdfOptions<Serializable> options = UdfOptions.builder().maxChunkSize(200).maxConcurrentChunks(16).build();
 * udf.options(options)
 * }</pre>
 *
 * @param <P> the user parameters
 */
public record UdfOptions<P extends Serializable>(
    P parameters,
    int maxChunkSize,
    int maxConcurrentChunks,
    Duration timeout,
    RetryPolicy retry,
    String errorColumn,
    List<Class<? extends Throwable>> failOn,
    AsyncUdfListener listener,
    boolean ordered,
    long stagingMemoryLimit,
    DriverCallback<?, ?> callback,
    AsyncUdfListener driverListener,
    boolean progress,
    String journal) implements Serializable {

  static final int DEFAULT_MAX_CHUNK_SIZE = 100;
  static final int DEFAULT_MAX_CONCURRENT_CHUNKS = 8;
  static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);
  static final long DEFAULT_STAGING_MEMORY_LIMIT = 64L << 20;

  /**
   * @throws IllegalArgumentException if a value is out of range (see {@link Builder})
   * @throws NullPointerException if timeout, retry or failOn is null
   */
  public UdfOptions {
    checkAtLeastOne("maxChunkSize", maxChunkSize);
    checkAtLeastOne("maxConcurrentChunks", maxConcurrentChunks);
    checkTimeout(timeout);
    Objects.requireNonNull(retry, "retry");
    if (errorColumn != null) {
      checkColumnName(errorColumn);
    }
    failOn = checkTypes(failOn);
    checkAtLeastOne("stagingMemoryLimit", stagingMemoryLimit);
    if (journal != null && journal.isBlank()) {
      throw new IllegalArgumentException("journal must be a path (any Hadoop FileSystem location), got '" + journal + "'");
    }
  }

  private static void checkAtLeastOne(String option, long value) {
    if (value < 1) {
      throw new IllegalArgumentException(option + " must be at least 1, got " + value);
    }
  }

  private static void checkTimeout(Duration value) {
    Objects.requireNonNull(value, "timeout");
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, got " + value);
    }
  }

  private static void checkColumnName(String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("errorColumn must be a non-blank column name, got '" + name + "'");
    }
  }

  private static List<Class<? extends Throwable>> checkTypes(List<Class<? extends Throwable>> types) {
    types.forEach(type -> Objects.requireNonNull(type, "failOn type"));
    return List.copyOf(types);
  }

  /** The defaults: chunks of 100, 8 in flight, 5-minute timeout, no retries, no error column, ordered, 64 MiB staging. */
  public static <P extends Serializable> UdfOptions<P> defaults() {
    return new UdfOptions<>(null, DEFAULT_MAX_CHUNK_SIZE, DEFAULT_MAX_CONCURRENT_CHUNKS, DEFAULT_TIMEOUT,
        RetryPolicy.none(), null, List.of(), null, true, DEFAULT_STAGING_MEMORY_LIMIT, null, null, false, null);
  }

  /** A builder starting from the {@linkplain #defaults() defaults}. */
  public static <P extends Serializable> Builder<P> builder() {
    return UdfOptions.<P>defaults().toBuilder();
  }

  /** A builder starting from these options. */
  public Builder<P> toBuilder() {
    return new Builder<>(this);
  }

  @Override
  public String toString() {
    return "{maxChunkSize=" + maxChunkSize + ", maxConcurrentChunks=" + maxConcurrentChunks + ", timeout=" + timeout
        + ", retry=" + retry + ", errorColumn=" + errorColumn + ", ordered=" + ordered
        + ", stagingMemoryLimit=" + stagingMemoryLimit + ", callback=" + typeName(callback)
        + ", driverListener=" + typeName(driverListener) + ", progress=" + progress
        + (journal == null ? "" : ", journal=" + journal) + "}";
  }

  /** Serialized without the callback and the driver listener: they run on the driver and need not serialize. */
  private Object writeReplace() {
    return callback == null && driverListener == null ? this
        : new UdfOptions<>(parameters, maxChunkSize, maxConcurrentChunks, timeout, retry, errorColumn, failOn, listener,
            ordered, stagingMemoryLimit, null, null, progress, journal);
  }

  private static String typeName(Object value) {
    return value == null ? "none" : value.getClass().getName();
  }

  /** Builds {@link UdfOptions}; each setter checks its value at once. Not thread-safe. */
  public static final class Builder<P extends Serializable> {
    private P parameters;
    private int maxChunkSize;
    private int maxConcurrentChunks;
    private Duration timeout;
    private RetryPolicy retry;
    private String errorColumn;
    private List<Class<? extends Throwable>> failOn;
    private AsyncUdfListener listener;
    private boolean ordered;
    private long stagingMemoryLimit;
    private DriverCallback<?, ?> callback;
    private AsyncUdfListener driverListener;
    private boolean progress;
    private String journal;

    private Builder(UdfOptions<P> from) {
      callback = from.callback;
      driverListener = from.driverListener;
      progress = from.progress;
      parameters = from.parameters;
      maxChunkSize = from.maxChunkSize;
      maxConcurrentChunks = from.maxConcurrentChunks;
      timeout = from.timeout;
      retry = from.retry;
      errorColumn = from.errorColumn;
      failOn = from.failOn;
      listener = from.listener;
      ordered = from.ordered;
      stagingMemoryLimit = from.stagingMemoryLimit;
      journal = from.journal;
    }

    /** Serializable parameters handed to every chunk as {@link ChunkContext#parameters()} (default none). */
    public Builder<P> parameters(P value) {
      parameters = value;
      return this;
    }

    /**
     * Rows per chunk (default 100); every chunk but a partition's last has exactly this many.
     *
     * @throws IllegalArgumentException if {@code rows} is below 1
     */
    public Builder<P> maxChunkSize(int rows) {
      checkAtLeastOne("maxChunkSize", rows);
      maxChunkSize = rows;
      return this;
    }

    /**
     * Chunks in flight at once per task (default 8). In input order, finished chunks waiting for an
     * earlier one are held while new chunks start, up to four times as many chunks not yet emitted.
     *
     * @throws IllegalArgumentException if {@code chunks} is below 1
     */
    public Builder<P> maxConcurrentChunks(int chunks) {
      checkAtLeastOne("maxConcurrentChunks", chunks);
      maxConcurrentChunks = chunks;
      return this;
    }

    /**
     * Limit of one chunk attempt (default 5 minutes): a late attempt is cancelled, with the requests
     * it registered, and fails with a {@code TimeoutException}.
     *
     * @throws NullPointerException if {@code value} is null
     * @throws IllegalArgumentException if {@code value} is not positive
     */
    public Builder<P> timeout(Duration value) {
      checkTimeout(value);
      timeout = value;
      return this;
    }

    /**
     * Re-runs failed chunk attempts (default {@link RetryPolicy#none()}).
     *
     * @throws NullPointerException if {@code value} is null
     */
    public Builder<P> retry(RetryPolicy value) {
      retry = Objects.requireNonNull(value, "retry");
      return this;
    }

    /**
     * Records final failures as data in struct column {@code name} instead of failing the task
     * (default: failures fail the task).
     *
     * @throws IllegalArgumentException if {@code name} is null or blank
     */
    public Builder<P> errorColumn(String name) {
      checkColumnName(name);
      errorColumn = name;
      return this;
    }

    /**
     * Failure types that fail the task even with an error column, for whole chunks and single rows
     * ({@link RowFailure}) alike; a failure caused by one of them counts as one.
     *
     * @throws NullPointerException if a type is null
     */
    public Builder<P> failOn(List<Class<? extends Throwable>> types) {
      failOn = checkTypes(types);
      return this;
    }

    /**
     * Receives partition and chunk events on the executors.
     *
     * @throws NullPointerException if {@code value} is null
     */
    public Builder<P> listener(AsyncUdfListener value) {
      listener = Objects.requireNonNull(value, "listener");
      return this;
    }

    /** {@code DataFrameUdf} only: emit in input order (default true) or as chunks complete. */
    public Builder<P> ordered(boolean value) {
      ordered = value;
      return this;
    }

    /**
     * Most bytes of Arrow memory one task may use to stage its input (default 64 MiB).
     *
     * @throws IllegalArgumentException if {@code bytes} is below 1
     */
    public Builder<P> stagingMemoryLimit(long bytes) {
      checkAtLeastOne("stagingMemoryLimit", bytes);
      stagingMemoryLimit = bytes;
      return this;
    }

    /**
     * A function on the driver that chunks call with {@link ChunkContext#callDriver} (default none).
     *
     * @throws NullPointerException if {@code callback} is null
     */
    public Builder<P> callback(DriverCallback<?, ?> callback) {
      this.callback = Objects.requireNonNull(callback, "callback");
      return this;
    }

    /**
     * Receives every partition and chunk event of the job on the driver (default none).
     *
     * @throws NullPointerException if {@code listener} is null
     */
    public Builder<P> driverListener(AsyncUdfListener listener) {
      driverListener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** Shows a progress line on the driver while the UDF runs (default false; or {@code spark.asyncudf.progress=true}). */
    public Builder<P> progress(boolean value) {
      progress = value;
      return this;
    }

    /**
     * Keeps each successful answer in a journal at {@code path} (any Hadoop {@code FileSystem} location Spark
     * can write: local, HDFS, S3, ABFS, DBFS), keyed by the call's input, and answers inputs found there
     * from it instead of calling again: a failed or repeated job skips the calls it already made. Null
     * turns it off. See {@code docs/journal.md}.
     *
     * @throws IllegalArgumentException if {@code path} is blank
     */
    public Builder<P> journal(String path) {
      if (path != null && path.isBlank()) {
        throw new IllegalArgumentException("journal must be a path (any Hadoop FileSystem location), got '" + path + "'");
      }
      journal = path;
      return this;
    }

    public UdfOptions<P> build() {
      return new UdfOptions<>(parameters, maxChunkSize, maxConcurrentChunks, timeout, retry, errorColumn, failOn,
          listener, ordered, stagingMemoryLimit, callback, driverListener, progress, journal);
    }
  }
}
