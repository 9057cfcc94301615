package io.asyncudf.internal.engine;

import io.asyncudf.AsyncChunkFunction;
import io.asyncudf.ChunkFailedException;
import io.asyncudf.PartitionEvent;
import io.asyncudf.RowFailure;
import io.asyncudf.internal.connector.AsyncUdfThreads;
import io.asyncudf.internal.driver.DriverCalls;
import io.asyncudf.partition.SparkPartitionInformation;
import java.io.Serializable;
import java.time.Duration;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The output of one partition, computed lazily: it stages chunks from a {@link ChunkSource}, runs
 * up to {@code maxConcurrentChunks} of them at once through the chunk function, and emits their
 * results in input order (or as they complete when not ordered). Rows the source reads but does not
 * stage (a journal answered them) are emitted from {@link Builder#unstaged} whenever no chunk is
 * outstanding, so they never pile up behind a chunk that will not come.
 *
 * <p>Promises: chunks running at once never exceed {@code maxConcurrentChunks}, and chunks submitted
 * but not yet emitted, running or complete, never exceed four times as many (so memory stays O(window)); the
 * calling thread waits only when no slot is free or the input is exhausted; a chunk's final
 * failure is either emitted by the {@link ChunkEmitter} (when the {@link FailurePolicy} records
 * it) or thrown as {@link ChunkFailedException}. {@link #close()} cancels outstanding chunks,
 * releases every staged chunk and is safe to call more than once, from any state.
 *
 * <p>Not thread-safe: iterate and close from the task thread.
 */
public final class PartitionPipeline<S extends StagedChunk, I, O, R> implements Iterator<R>, AutoCloseable {

  private final ChunkSource<S> source;
  private final Function<S, List<I>> inputs;
  private final ChunkRunner<I, O, ?> runner;
  private final ChunkEmitter<S, O, R> emitter;
  private final Supplier<Iterator<R>> unstaged;
  private final ChunkSettings settings;
  private final SparkPartitionInformation partition;
  private final Runnable cancellationCheck;
  private final Events events;
  private final AutoCloseable resources;
  private final ChunkWindow<S, O> window;
  private final long startNanos = System.nanoTime();

  private Iterator<R> current = Collections.emptyIterator();
  private S currentChunk;
  private int chunksDone;
  private int chunksFailed;
  private long rowsFailed;
  private boolean finished;

  private PartitionPipeline(Builder<S, I, O, R> builder, ChunkRunner<I, O, ?> runner, Events events) {
    this.source = builder.source;
    this.inputs = builder.inputs;
    this.runner = runner;
    this.emitter = builder.emitter;
    this.unstaged = builder.unstaged;
    this.settings = builder.settings;
    this.partition = builder.partition;
    this.cancellationCheck = builder.cancellationCheck;
    this.resources = builder.resources;
    this.events = events;
    this.window = new ChunkWindow<>(settings.maxConcurrentChunks(), settings.ordered());
    events.partitionStart(partition);
  }

  public static <S extends StagedChunk, I, O, R> Builder<S, I, O, R> builder() {
    return new Builder<>();
  }

  @Override
  public boolean hasNext() {
    while (!current.hasNext()) {
      releaseCurrentChunk();
      if (finished) {
        return false;
      }
      try {
        if (!advance()) {
          finish(null);
          return false;
        }
      } catch (RuntimeException | Error e) {
        finish(e);
        throw e;
      }
    }
    return true;
  }

  @Override
  public R next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return current.next();
  }

  /** The most chunks that were submitted and not yet emitted at once so far, running or held. */
  public int peakOutstandingChunks() {
    return window.peakOutstanding();
  }

  /** Cancels outstanding chunks and releases all staged data; the partition ends as failed if not finished. */
  @Override
  public void close() {
    releaseCurrentChunk();
    if (!finished) {
      finish(new CancellationException("partition " + partition.partitionIndex() + " was abandoned"));
    }
  }

  /**
   * Ends the partition without a failure when its consumer needs no more rows (a {@code limit} was reached):
   * outstanding chunks are cancelled, so their requests end, and all staged data is released. Nothing once
   * the partition has finished.
   */
  public void endEarly() {
    releaseCurrentChunk();
    if (!finished) {
      finish(null);
    }
  }

  private boolean advance() {
    while (true) {
      ChunkWindow.Slot<S, O> ready = window.poll();
      if (ready != null) {
        emit(ready);
        return true;
      }
      int free = window.free();
      boolean deferred = false;
      if (free > 0 && !source.exhausted()) {
        cancellationCheck.run();
        List<S> staged = source.next(free, !window.isEmpty());
        submitAll(staged);
        if (!staged.isEmpty()) {
          continue;
        }
        deferred = true;
      }
      if (window.isEmpty() && (deferred || source.exhausted())) {
        Iterator<R> rows = unstaged.get(); // nothing outstanding or staged: they come before any chunk to come
        if (rows.hasNext()) {
          current = rows;
          return true;
        }
        if (source.exhausted()) {
          return false;
        }
        continue; // the rows aside that held staging back have gone (answers of no rows): stage again
      }
      try {
        window.awaitReady(cancellationCheck, !deferred && !source.exhausted());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for chunks of partition " + partition.partitionIndex(), e);
      }
    }
  }

  /** Submits {@code staged} in order; when one cannot be submitted, it and those after it are released. */
  private void submitAll(List<S> staged) {
    for (int i = 0; i < staged.size(); i++) {
      try {
        submit(staged.get(i));
      } catch (RuntimeException | Error e) {
        staged.subList(i, staged.size()).forEach(StagedChunk::close);
        throw e;
      }
    }
  }

  /** Starts {@code chunk}; when that throws, the chunk is not in the window and the caller releases it. */
  private void submit(S chunk) {
    SparkPartitionInformation info = partition.withChunk(chunk.chunkIndex(), chunk.firstRowIndex(), chunk.size());
    window.submit(chunk, runner.run(info, inputs.apply(chunk), chunk::rowIndex));
  }

  private void emit(ChunkWindow.Slot<S, O> slot) {
    S chunk = slot.chunk();
    currentChunk = chunk;
    ChunkOutcome<O> outcome = slot.outcome().join();
    chunksDone++;
    if (outcome instanceof ChunkOutcome.Failure<O> failure) {
      chunksFailed++;
      if (!settings.failures().records(failure.cause())) {
        throw new ChunkFailedException(partition.partitionIndex(), chunk.chunkIndex(), chunk.firstRowIndex(),
            chunk.rowIndex(chunk.size() - 1), chunk.size(), failure.attempts(), failure.cause());
      }
      rowsFailed += chunk.size();
    } else if (outcome instanceof ChunkOutcome.Success<O> success) {
      rowsFailed += checkRowFailures(chunk, success);
    }
    current = emitter.emit(chunk, outcome);
  }

  /**
   * Row failures of a successful chunk, checked before any of its rows is emitted: each one is
   * recorded, or fails the task (no error column, or a {@code failOn} type); a DataFrame function
   * may not return them at all, because its outputs are not one per input row.
   */
  private int checkRowFailures(S chunk, ChunkOutcome.Success<O> success) {
    int failed = 0;
    int position = 0;
    for (O output : success.outputs()) {
      if (output instanceof RowFailure row) {
        if (!settings.onePerInput()) {
          throw new OutputContractException("output " + position + " of " + describe(chunk)
              + " is a RowFailure, which only column helpers accept (their outputs are one per input row); a dataFrame"
              + " function fails the whole chunk instead (throw, or return a failed stage)", row.cause());
        }
        if (!settings.failures().records(row.cause())) {
          long rowIndex = chunk.rowIndex(position);
          throw new ChunkFailedException(partition.partitionIndex(), chunk.chunkIndex(), rowIndex, rowIndex, 1,
              success.attempts(), row.cause());
        }
        failed++;
      }
      position++;
    }
    return failed;
  }

  private String describe(S chunk) {
    return ChunkDescription.of(partition.partitionIndex(), chunk);
  }

  private void releaseCurrentChunk() {
    if (currentChunk != null) {
      S chunk = currentChunk;
      currentChunk = null;
      current = Collections.emptyIterator();
      chunk.close();
    }
  }

  private void finish(Throwable failure) {
    finished = true;
    releaseCurrentChunk();
    for (ChunkWindow.Slot<S, O> slot : window.cancelAll()) { // none left when every row was read
      slot.chunk().close();
    }
    source.close();
    IllegalStateException unreleased = null;
    try {
      resources.close();
    } catch (Exception e) {
      if (failure != null) {
        failure.addSuppressed(e);
      } else {
        unreleased = new IllegalStateException("cannot release the resources of partition " + partition.partitionIndex(), e);
      }
    }
    events.deliverLast(new PartitionEvent(PartitionEvent.Kind.END, partition, source.rowsStaged(), chunksDone,
        chunksFailed, rowsFailed, Duration.ofNanos(System.nanoTime() - startNanos),
        failure != null ? failure : unreleased));
    if (unreleased != null) {
      throw unreleased;
    }
  }

  /** Assembles a pipeline; every part is required except the cancellation check and the resources. */
  public static final class Builder<S extends StagedChunk, I, O, R> {
    private ChunkSource<S> source;
    private Function<S, List<I>> inputs;
    private ChunkEmitter<S, O, R> emitter;
    private Supplier<Iterator<R>> unstaged = Collections::emptyIterator;
    private ChunkSettings settings;
    private SparkPartitionInformation partition;
    private Runnable cancellationCheck = () -> {};
    private AutoCloseable resources = () -> {};
    private ScheduledExecutorService scheduler = AsyncUdfThreads.chunks();
    private DriverCalls driver;

    private Builder() {}

    public Builder<S, I, O, R> source(ChunkSource<S> source) {
      this.source = source;
      return this;
    }

    /** Converts a staged chunk into the function's inputs, on the task thread. */
    public Builder<S, I, O, R> inputs(Function<S, List<I>> inputs) {
      this.inputs = inputs;
      return this;
    }

    public Builder<S, I, O, R> emitter(ChunkEmitter<S, O, R> emitter) {
      this.emitter = emitter;
      return this;
    }

    /**
     * The output of the rows the source read but did not stage, those that can be emitted now, in input order;
     * asked for whenever no chunk is outstanding (none by default).
     */
    public Builder<S, I, O, R> unstaged(Supplier<Iterator<R>> unstaged) {
      this.unstaged = Objects.requireNonNull(unstaged, "unstaged");
      return this;
    }

    public Builder<S, I, O, R> settings(ChunkSettings settings) {
      this.settings = settings;
      return this;
    }

    public Builder<S, I, O, R> partition(SparkPartitionInformation partition) {
      this.partition = partition;
      return this;
    }

    /** Runs while waiting; throws to abandon the partition (for example when the task was killed). */
    public Builder<S, I, O, R> cancellationCheck(Runnable cancellationCheck) {
      this.cancellationCheck = cancellationCheck;
      return this;
    }

    /** Closed once the partition has finished, successfully or not, after every staged chunk is released. */
    public Builder<S, I, O, R> closeWhenFinished(AutoCloseable resources) {
      this.resources = Objects.requireNonNull(resources, "resources");
      return this;
    }

    /** How chunks reach the UDF's driver callback (by default they cannot). */
    public Builder<S, I, O, R> driverCalls(DriverCalls driver) {
      this.driver = Objects.requireNonNull(driver, "driver");
      return this;
    }

    /** Where attempts, timeouts and retry waits are scheduled (the engine's threads by default; tests pass their own). */
    Builder<S, I, O, R> scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    public <P extends Serializable> PartitionPipeline<S, I, O, R> build(AsyncChunkFunction<I, O, P> function, P parameters) {
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(inputs, "inputs");
      Objects.requireNonNull(emitter, "emitter");
      Objects.requireNonNull(settings, "settings");
      Objects.requireNonNull(partition, "partition");
      Events events = new Events(settings.listener());
      ChunkRunner<I, O, P> runner = new ChunkRunner<>(function, parameters, settings, events, scheduler,
          driver != null ? driver : DriverCalls.none("this UDF"));
      return new PartitionPipeline<>(this, runner, events);
    }
  }
}
