package io.asyncudf.internal.engine;

import dev.failsafe.Failsafe;
import dev.failsafe.spi.Scheduler;
import io.asyncudf.AsyncChunkFunction;
import io.asyncudf.RetryPolicy;
import io.asyncudf.internal.connector.AsyncUdfThreads;
import io.asyncudf.internal.driver.DriverCalls;
import io.asyncudf.partition.MdcScope;
import io.asyncudf.partition.SparkPartitionInformation;
import java.io.Serializable;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one chunk through the chunk function with the settings' timeout per attempt and retry
 * policy (backoff and jitter by Failsafe), reporting every attempt to the listener. The returned future never fails: it
 * completes with a {@link ChunkOutcome}. Cancelling it cancels the running attempt (and any scheduled retry).
 *
 * <p>A chunk's first attempt starts on the thread that submits it (the task thread), unless the
 * function took more than 5 ms (and 1 ms per row) to return its stage for two of three chunks in a row
 * in this partition (after its first chunk); retries start on the scheduler's threads.
 *
 * <p>Each attempt has an {@link AttemptScope}: when the attempt's stage completes, fails, times out or
 * is cancelled, the requests connectors registered with its context are cancelled.
 */
final class ChunkRunner<I, O, P extends Serializable> {

  private static final Logger LOG = LoggerFactory.getLogger(ChunkRunner.class);
  /**
   * First attempts that take longer than this to return their stage (the function blocks instead of
   * returning at once), {@link #SLOW_RETURNS} of the last {@link #JUDGED_RETURNS} judged, make the
   * partition's next first attempts start on the engine's threads. A partition's first chunk is not
   * judged: it may pay one-time setup (a client, its first connections).
   */
  static final long SLOW_RETURN_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
  /** ... or than this per row, if longer: starting a request takes microseconds, a blocking call milliseconds. */
  static final long SLOW_RETURN_PER_ROW_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
  /**
   * A function that blocks is slow every time, or every other time (when its own pool is full); one slow
   * return alone is as likely a garbage collection, a JIT compilation or a busy machine that held the task
   * thread.
   */
  static final int SLOW_RETURNS = 2;
  static final int JUDGED_RETURNS = 3;
  private static final AtomicBoolean WARNED = new AtomicBoolean();

  private final AsyncChunkFunction<I, O, P> function;
  private final P parameters;
  private final ChunkSettings settings;
  private final Events events;
  private final ScheduledExecutorService scheduler;
  /** {@link #scheduler} as Failsafe's scheduler, made once. */
  private final Scheduler pool;
  private final DriverCalls driver;
  /** Whether first attempts still start on the task thread: until the function is slow to return, repeatedly. */
  private volatile boolean startOnTaskThread = true;
  /** Which of the last {@link #JUDGED_RETURNS} judged first attempts were slow to return, a bit each (task thread only). */
  private int recentSlowReturns;

  ChunkRunner(AsyncChunkFunction<I, O, P> function, P parameters, ChunkSettings settings, Events events,
      ScheduledExecutorService scheduler, DriverCalls driver) {
    this.driver = driver;
    this.function = function;
    this.parameters = parameters;
    this.settings = settings;
    this.events = events;
    this.scheduler = scheduler;
    this.pool = Scheduler.of(scheduler);
  }

  /** Runs {@code chunk}, whose input {@code i} is row {@code rows.applyAsLong(i)} of the partition. */
  CompletableFuture<ChunkOutcome<O>> run(SparkPartitionInformation chunk, List<I> inputs, IntToLongFunction rows) {
    List<I> view = Collections.unmodifiableList(inputs);
    AtomicInteger attempts = new AtomicInteger();
    long start = System.nanoTime();
    AtomicLong attemptStart = new AtomicLong(start);
    AtomicReference<AttemptScope> currentScope = new AtomicReference<>();
    AtomicBoolean abandoned = new AtomicBoolean();
    RetryPolicy retry = settings.retry();

    var retryBuilder = dev.failsafe.RetryPolicy.<List<O>>builder()
        .handleIf((result, failure) -> failure != null && !(failure instanceof OutputContractException)
            && retry.shouldRetry(normalize(failure)))
        .withMaxAttempts(retry.maxAttempts())
        .onFailedAttempt(e -> {
          Throwable failure = normalize(e.getLastException());
          if (failure instanceof TimeoutException) {
            events.chunkTimeout(chunk, e.getAttemptCount(), since(attemptStart.get()), failure);
          }
        })
        .onRetryScheduled(e -> events.chunkRetry(chunk, e.getAttemptCount(), since(attemptStart.get()),
            normalize(e.getLastException()), e.getDelay()));
    if (retry.maxAttempts() > 1) {
      if (retry.maxBackoff().compareTo(retry.initialBackoff()) > 0) {
        retryBuilder.withBackoff(retry.initialBackoff(), retry.maxBackoff());
      } else {
        retryBuilder.withDelay(retry.initialBackoff());
      }
      if (retry.jitter() > 0) {
        retryBuilder.withJitter(retry.jitter());
      }
    }
    CompletableFuture<List<O>> execution = Failsafe.with(retryBuilder.build())
        .with(startOnTaskThread ? new FirstAttemptInline(pool) : pool)
        .getStageAsync(context -> {
          AttemptScope scope = new AttemptScope();
          currentScope.set(scope);
          if (abandoned.get()) {
            scope.end();
          }
          int attempt = attempts.incrementAndGet();
          attemptStart.set(System.nanoTime());
          events.chunkStart(chunk, attempt);
          long invoked = System.nanoTime();
          // a connector's direct sends may complete the outputs on a network thread: what follows runs elsewhere
          CompletableFuture<List<O>> outputs = AsyncUdfThreads.offNetworkThreads(
              invoke(new AttemptContext<>(chunk, attempt, parameters, events, scope, driver, rows), view));
          long returnedAfter = System.nanoTime() - invoked;
          if (attempt == 1 && chunk.chunkIndex() > 0 && startOnTaskThread
              && isBlocking(returnedAfter > slowReturn(view.size()))) {
            startOnTaskThread = false;
            if (WARNED.compareAndSet(false, true)) {
              LOG.warn("the chunk function took {} ms to return its stage for {}, and was also slow for one of the two "
                  + "chunks before; it should start its work and return at once. The next chunks of such partitions "
                  + "start on the engine's threads, so that the task thread stays free (said once per JVM)",
                  returnedAfter / 1_000_000, describe(chunk, rows));
            }
          }
          context.onCancel(() -> outputs.cancel(true));
          return withTimeout(outputs, scope).thenApply(result -> checkCount(chunk, rows, inputs.size(), result));
        });

    CompletableFuture<ChunkOutcome<O>> outcome = execution.handle((outputs, failure) -> {
      Duration duration = since(start);
      int made = Math.max(1, attempts.get());
      if (failure == null) {
        events.chunkSuccess(chunk, made, duration);
        return new ChunkOutcome.Success<>(outputs, made, duration);
      }
      Throwable cause = normalize(failure);
      events.chunkFailure(chunk, made, duration, cause);
      return new ChunkOutcome.Failure<>(cause, made, duration);
    });
    outcome.whenComplete((result, failure) -> {
      if (outcome.isCancelled()) {
        abandoned.set(true);
        execution.cancel(true);
        AttemptScope scope = currentScope.get();
        if (scope != null) {
          scope.end();
        }
      }
    });
    return outcome;
  }

  /**
   * The attempt's outputs, or a {@link TimeoutException} once the timeout passes (cancelling the
   * attempt). Either way the attempt's scope has ended, its requests cancelled, before the result is
   * reported, so a retry never overlaps the requests of the attempt before it.
   */
  private CompletableFuture<List<O>> withTimeout(CompletableFuture<List<O>> attempt, AttemptScope scope) {
    if (attempt.isDone()) {
      scope.end();
      return attempt;
    }
    CompletableFuture<List<O>> limited = new CompletableFuture<>();
    AtomicReference<TimeoutException> expired = new AtomicReference<>();
    ScheduledFuture<?> timer = scheduler.schedule(() -> {
      if (!attempt.isDone()) {
        expired.set(new TimeoutException("chunk attempt exceeded the timeout of " + settings.timeout()));
        attempt.cancel(true);
      }
    }, settings.timeout().toNanos(), TimeUnit.NANOSECONDS);
    attempt.whenComplete((outputs, failure) -> {
      timer.cancel(false);
      scope.end();
      TimeoutException timeout = expired.get();
      if (timeout != null) {
        limited.completeExceptionally(timeout);
      } else if (failure == null) {
        limited.complete(outputs);
      } else {
        limited.completeExceptionally(failure);
      }
    });
    limited.whenComplete((outputs, failure) -> {
      if (limited.isCancelled()) {
        attempt.cancel(true);
      }
    });
    return limited;
  }

  private CompletableFuture<List<O>> invoke(AttemptContext<P> context, List<I> inputs) {
    try (MdcScope mdc = context.partitionInformation().putInMdc()) {
      CompletionStage<List<O>> stage = function.apply(context, inputs);
      if (stage == null) {
        return CompletableFuture.failedFuture(
            new OutputContractException("the chunk function returned a null CompletionStage for "
                + describe(context.partitionInformation(), context::rowIndex)));
      }
      return stage.toCompletableFuture();
    } catch (Exception | LinkageError | AssertionError e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private List<O> checkCount(SparkPartitionInformation chunk, IntToLongFunction rows, int inputs, List<O> outputs) {
    if (outputs == null) {
      throw new OutputContractException("the chunk function completed with a null list for " + describe(chunk, rows));
    }
    if (settings.onePerInput() && outputs.size() != inputs) {
      throw new OutputContractException("the chunk function returned " + outputs.size() + " outputs for "
          + inputs + " inputs in " + describe(chunk, rows) + "; a column helper needs exactly one output per input, in input order");
    }
    return outputs;
  }

  /** Counts a judged first attempt that was {@code slow} or not; whether the function now counts as blocking. */
  private boolean isBlocking(boolean slow) {
    recentSlowReturns = ((recentSlowReturns << 1) | (slow ? 1 : 0)) & ((1 << JUDGED_RETURNS) - 1);
    return Integer.bitCount(recentSlowReturns) >= SLOW_RETURNS;
  }

  /** How long returning the stage of a chunk of {@code rows} may take before the function counts as blocking. */
  static long slowReturn(int rows) {
    return Math.max(SLOW_RETURN_NANOS, rows * SLOW_RETURN_PER_ROW_NANOS);
  }

  private static String describe(SparkPartitionInformation chunk, IntToLongFunction rows) {
    return ChunkDescription.of(chunk.partitionIndex(), chunk.chunkIndex(), chunk.chunkSize(), rows);
  }

  private static Throwable normalize(Throwable failure) {
    return RetryPolicy.unwrap(failure);
  }

  private static Duration since(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }
}
