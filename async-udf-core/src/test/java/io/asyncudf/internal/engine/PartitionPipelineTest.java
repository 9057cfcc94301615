package io.asyncudf.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncudf.AsyncChunkFunction;
import io.asyncudf.ChunkFailedException;
import io.asyncudf.RetryPolicy;
import io.asyncudf.internal.connector.AsyncUdfThreads;
import io.asyncudf.internal.connector.ManualScheduler;
import io.asyncudf.partition.MdcScope;
import io.asyncudf.partition.SparkPartitionInformation;
import java.io.IOException;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class PartitionPipelineTest {

  private static final ScheduledExecutorService DELAYS = Executors.newScheduledThreadPool(4);
  private static final SparkPartitionInformation PARTITION =
      new SparkPartitionInformation(7, 1, 0, 99L, 0, 1, "1", "host", 1L, "task", false, null, null, null);

  @AfterAll
  static void stop() {
    DELAYS.shutdownNow();
  }

  private static ChunkSettings settings(int window, boolean ordered, RetryPolicy retry, Duration timeout,
      FailurePolicy failures, RecordingListener listener) {
    return new ChunkSettings(10, window, timeout, retry, failures, listener, ordered, true);
  }

  private static ChunkSettings settings(int window, boolean ordered) {
    return settings(window, ordered, RetryPolicy.none(), Duration.ofSeconds(30), FailurePolicy.failTask(), null);
  }

  /** Emits "value:output" strings on success and "row:FAILED(cause)" on a recorded failure. */
  private static ChunkEmitter<ListChunkSource.Chunk, String, String> emitter() {
    return (chunk, outcome) -> {
      List<String> rows = new ArrayList<>();
      for (int i = 0; i < chunk.size(); i++) {
        if (outcome instanceof ChunkOutcome.Success<String> s) {
          rows.add(chunk.values.get(i) + ":" + ((List<?>) s.outputs()).get(i));
        } else {
          ChunkOutcome.Failure<String> f = (ChunkOutcome.Failure<String>) outcome;
          rows.add(chunk.values.get(i) + ":FAILED(" + f.cause().getClass().getSimpleName() + "," + f.attempts() + ")");
        }
      }
      return rows.iterator();
    };
  }

  private static PartitionPipeline<ListChunkSource.Chunk, Integer, String, String> pipeline(ListChunkSource source,
      ChunkSettings settings, AsyncChunkFunction<Integer, String, Serializable> function) {
    return builder(source, settings).build(function, null);
  }

  /** A pipeline whose attempts start on the calling thread, in submission order. */
  private static PartitionPipeline<ListChunkSource.Chunk, Integer, String, String> inline(ListChunkSource source,
      ChunkSettings settings, AsyncChunkFunction<Integer, String, Serializable> function) {
    return builder(source, settings).scheduler(new ManualScheduler()).build(function, null);
  }

  private static PartitionPipeline.Builder<ListChunkSource.Chunk, Integer, String, String> builder(ListChunkSource source,
      ChunkSettings settings) {
    return PartitionPipeline.<ListChunkSource.Chunk, Integer, String, String>builder()
        .source(source)
        .inputs(chunk -> chunk.values)
        .emitter(emitter())
        .settings(settings)
        .partition(PARTITION);
  }

  private static List<String> drain(Iterator<String> it) {
    List<String> out = new ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }

  private static <T> CompletableFuture<T> later(T value, long millis) {
    CompletableFuture<T> f = new CompletableFuture<>();
    DELAYS.schedule(() -> f.complete(value), millis, TimeUnit.MILLISECONDS);
    return f;
  }

  @Test
  void whatFollowsOutputsCompletedOnANetworkThreadRunsOnACallbackThread() throws Exception {
    // a connector's direct sends complete on its network threads; listener events, retries and the
    // next chunks must not run there
    ExecutorService network = Executors.newSingleThreadExecutor(
        AsyncUdfThreads.networkThreads(task -> new Thread(task, "test-network")));
    try {
      RecordingListener listener = new RecordingListener();
      ListChunkSource source = new ListChunkSource(30, 10);
      var pipeline = pipeline(source, settings(2, true, RetryPolicy.none(), Duration.ofSeconds(30),
          FailurePolicy.failTask(), listener), (ctx, inputs) -> {
            CompletableFuture<List<String>> outputs = new CompletableFuture<>();
            network.execute(() -> {
              while (outputs.getNumberOfDependents() == 0) {
                Thread.onSpinWait(); // completes only once the engine has chained on the outputs
              }
              outputs.complete(inputs.stream().map(value -> "v" + value).toList());
            });
            return outputs;
          });

      assertThat(drain(pipeline)).hasSize(30).startsWith("0:v0").endsWith("29:v29");
      // on a callback thread, or on the task thread where the engine chained after the callback had settled
      assertThat(listener.successThreads).hasSize(3).doesNotContain("test-network")
          .allSatisfy(thread -> assertThat(thread).matches("asyncudf-connector-callback-\\d+|main"));
    } finally {
      network.shutdownNow();
    }
  }

  @Test
  void rowsTheSourceReadButDidNotStageAreEmittedOnceNoChunkIsOutstandingAndAtTheEnd() {
    ListChunkSource rows = new ListChunkSource(20, 10);
    java.util.ArrayDeque<String> aside = new java.util.ArrayDeque<>();
    ChunkSource<ListChunkSource.Chunk> source = new ChunkSource<>() {
      @Override
      public List<ListChunkSource.Chunk> next(int maxChunks, boolean mayDefer) {
        if (!aside.isEmpty()) {
          return List.of(); // the rows read aside are at their bound: they go first
        }
        List<ListChunkSource.Chunk> chunks = rows.next(1, mayDefer);
        aside.add(rows.exhausted() ? "answered-z" : "answered-a"); // rows read past the chunk, not staged
        return chunks;
      }

      @Override
      public boolean exhausted() {
        return rows.exhausted();
      }

      @Override
      public long rowsStaged() {
        return rows.rowsStaged();
      }

      @Override
      public void close() {}
    };
    var pipeline = PartitionPipeline.<ListChunkSource.Chunk, Integer, String, String>builder()
        .source(source)
        .inputs(chunk -> chunk.values)
        .emitter(emitter())
        .unstaged(() -> new Iterator<>() {
          @Override
          public boolean hasNext() {
            return !aside.isEmpty();
          }

          @Override
          public String next() {
            return aside.removeFirst();
          }
        })
        .settings(settings(4, true))
        .partition(PARTITION)
        .scheduler(new ManualScheduler())
        .build(AsyncChunkFunction.perRow((ctx, value) -> CompletableFuture.completedFuture("v" + value)), null);

    List<String> out = drain(pipeline);

    assertThat(out).hasSize(22);
    assertThat(out.subList(9, 12)).containsExactly("9:v9", "answered-a", "10:v10");
    assertThat(out.get(21)).as("the rows read after the last chunk, before the partition ends").isEqualTo("answered-z");
  }

  @Test
  void orderedOutputKeepsInputOrderUnderRandomCompletionOrder() {
    Random random = new Random(42);
    long[] delays = random.longs(100, 0, 20).toArray();
    ListChunkSource source = new ListChunkSource(1000, 10);
    var pipeline = pipeline(source, settings(8, true), AsyncChunkFunction.perRow(
        (ctx, value) -> later("v" + value, delays[value % delays.length])));

    List<String> out = drain(pipeline);

    assertThat(out).hasSize(1000);
    for (int i = 0; i < 1000; i++) {
      assertThat(out.get(i)).isEqualTo(i + ":v" + i);
    }
    assertThat(source.open).hasValue(0);
  }

  @Test
  void unorderedOutputHasEveryRowExactlyOnceAndFollowsCompletionOrder() {
    ListChunkSource source = new ListChunkSource(100, 10);
    // chunk 0 is slow, the rest fast: unordered mode must not hold them back behind chunk 0
    var pipeline = pipeline(source, settings(4, false), (ctx, inputs) -> {
      List<String> outputs = inputs.stream().map(v -> "v" + v).toList();
      return later(outputs, ctx.chunkIndex() == 0 ? 300 : 1);
    });

    List<String> out = drain(pipeline);

    assertThat(out).hasSize(100);
    assertThat(out.stream().map(s -> Integer.parseInt(s.split(":")[0]))).containsExactlyInAnyOrderElementsOf(
        java.util.stream.IntStream.range(0, 100).boxed().toList());
    assertThat(out.get(0)).doesNotStartWith("0:");
    assertThat(source.open).hasValue(0);
  }

  @Test
  void inFlightChunksNeverExceedTheWindowAndReachIt() {
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    ListChunkSource source = new ListChunkSource(2000, 10);
    var pipeline = pipeline(source, settings(5, true), (ctx, inputs) -> {
      peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      return later(inputs.stream().map(String::valueOf).toList(), 2)
          .whenComplete((r, e) -> inFlight.decrementAndGet());
    });

    assertThat(drain(pipeline)).hasSize(2000);
    assertThat(peak).hasValue(5);
    assertThat(pipeline.peakOutstandingChunks()).isBetween(5, 20);
  }

  @Test
  void chunksFinishedBehindASlowHeadAreHeldAndNewOnesStartUntilThreeWindowsOfThemWait() {
    List<Integer> startedWhileHeadRunning = new CopyOnWriteArrayList<>();
    CompletableFuture<List<String>> head = new CompletableFuture<>();
    ListChunkSource source = new ListChunkSource(200, 10);
    var pipeline = pipeline(source, settings(3, true), (ctx, inputs) -> {
      List<String> outputs = inputs.stream().map(String::valueOf).toList();
      if (ctx.chunkIndex() == 0) {
        // completed by chunk 11, the last one the window may start while the head runs; later only as a safety net
        DELAYS.schedule(() -> head.complete(outputs), 10, TimeUnit.SECONDS);
        return head.thenApply(ignored -> outputs);
      }
      if (!head.isDone()) {
        startedWhileHeadRunning.add(ctx.chunkIndex());
      }
      if (ctx.chunkIndex() == 11) {
        head.complete(List.of());
      }
      return CompletableFuture.completedFuture(outputs);
    });

    List<String> out = drain(pipeline);

    assertThat(out).hasSize(200);
    assertThat(out.subList(0, 20)).allMatch(s -> s.split(":")[0].equals(s.split(":")[1]));
    assertThat(startedWhileHeadRunning).containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
    assertThat(pipeline.peakOutstandingChunks()).isEqualTo(12);
  }

  @Test
  void retriesUntilSuccessAndReportsAttempts() {
    RecordingListener listener = new RecordingListener();
    ConcurrentHashMap<Integer, List<Integer>> attemptsSeen = new ConcurrentHashMap<>();
    ListChunkSource source = new ListChunkSource(30, 10);
    RetryPolicy retry = RetryPolicy.attempts(3).backoff(Duration.ofMillis(5), Duration.ofMillis(20));
    var pipeline = pipeline(source, settings(2, true, retry, Duration.ofSeconds(5), FailurePolicy.failTask(), listener),
        (ctx, inputs) -> {
          attemptsSeen.computeIfAbsent(ctx.chunkIndex(), k -> new CopyOnWriteArrayList<>()).add(ctx.attempt());
          if (ctx.chunkIndex() == 1 && ctx.attempt() < 3) {
            throw new IOException("flaky " + ctx.attempt());
          }
          return CompletableFuture.completedFuture(inputs.stream().map(v -> "a" + ctx.attempt()).toList());
        });

    List<String> out = drain(pipeline);

    assertThat(out.subList(10, 20)).allMatch(s -> s.endsWith(":a3"));
    assertThat(attemptsSeen.get(1)).containsExactly(1, 2, 3);
    assertThat(attemptsSeen.get(0)).containsExactly(1);
    assertThat(listener.forChunk(1)).containsExactly(
        "start:1:1", "retry:1:1", "start:1:2", "retry:1:2", "start:1:3", "success:1:3");
  }

  @Test
  void aChunksFirstAttemptStartsOnTheTaskThreadAndItsRetriesOnTheEnginesThreads() {
    Thread task = Thread.currentThread();
    ConcurrentHashMap<Integer, Thread> attemptThreads = new ConcurrentHashMap<>();
    ListChunkSource source = new ListChunkSource(10, 10);
    RetryPolicy retry = RetryPolicy.attempts(2).backoff(Duration.ofMillis(1), Duration.ofMillis(1));
    var pipeline = builder(source, settings(1, true, retry, Duration.ofSeconds(5), FailurePolicy.failTask(), null))
        .scheduler(DELAYS)
        .build((AsyncChunkFunction<Integer, String, Serializable>) (ctx, inputs) -> {
          attemptThreads.put(ctx.attempt(), Thread.currentThread());
          return ctx.attempt() == 1 ? CompletableFuture.failedFuture(new IOException("first attempt"))
              : CompletableFuture.completedFuture(inputs.stream().map(v -> "ok").toList());
        }, null);

    assertThat(drain(pipeline)).hasSize(10);
    assertThat(attemptThreads.get(1)).isSameAs(task);
    assertThat(attemptThreads.get(2)).as("a retry never runs on the thread that failed").isNotSameAs(task);
  }

  @Test
  void afterAFunctionTookLongToReturnItsStageTwiceInARowTheNextChunksStartOnTheEnginesThreads() {
    Thread task = Thread.currentThread();
    Map<Integer, Thread> chunkThreads = startThreads(8, Set.of(0, 1, 2)); // chunk 0 is not judged: one-time setup

    assertThat(chunkThreads.get(0)).isSameAs(task);
    assertThat(chunkThreads.get(1)).isSameAs(task);
    assertThat(chunkThreads.get(2)).isSameAs(task);
    assertThat(chunkThreads.get(3)).isNotSameAs(task);
    assertThat(chunkThreads.get(4)).isNotSameAs(task);
  }

  @Test
  void aFunctionThatBlocksEveryOtherChunkStartsItsNextChunksOnTheEnginesThreads() {
    Thread task = Thread.currentThread();
    Map<Integer, Thread> chunkThreads = startThreads(8, Set.of(1, 3)); // say, blocking whenever its own pool is full

    assertThat(chunkThreads.get(3)).isSameAs(task);
    assertThat(chunkThreads.get(4)).isNotSameAs(task);
  }

  @Test
  void oneSlowReturnAloneLeavesTheNextChunksOnTheTaskThread() {
    Thread task = Thread.currentThread();
    // a garbage collection or a busy machine holds the task thread once: the function does not block
    Map<Integer, Thread> chunkThreads = startThreads(8, Set.of(2, 5));

    assertThat(chunkThreads).hasSize(8);
    assertThat(chunkThreads.values()).allSatisfy(thread -> assertThat(thread).isSameAs(task));
  }

  /**
   * The thread each of {@code chunks} chunks of 50 rows (one at a time) started on; {@code slow} chunks block
   * for three times the limit, the others return at once, far within it (50 ms for 50 rows).
   */
  private static Map<Integer, Thread> startThreads(int chunks, Set<Integer> slow) {
    ConcurrentHashMap<Integer, Thread> chunkThreads = new ConcurrentHashMap<>();
    ListChunkSource source = new ListChunkSource(chunks * 50, 50);
    var pipeline = builder(source, settings(1, true)).scheduler(DELAYS)
        .build((AsyncChunkFunction<Integer, String, Serializable>) (ctx, inputs) -> {
          chunkThreads.put(ctx.chunkIndex(), Thread.currentThread());
          if (slow.contains(ctx.chunkIndex())) {
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(ChunkRunner.slowReturn(50)) * 3); // blocks before returning
          }
          return CompletableFuture.completedFuture(inputs.stream().map(v -> "ok").toList());
        }, null);
    assertThat(drain(pipeline)).hasSize(chunks * 50);
    return chunkThreads;
  }

  @Test
  void aChunkThatCannotBeStartedFailsThePartitionAndEveryChunkStagedWithItIsReleased() {
    ListChunkSource source = new ListChunkSource(100, 10);
    var pipeline = builder(source, settings(4, true))
        .inputs(chunk -> {
          if (chunk.index == 1) {
            throw new IllegalStateException("chunk 1 cannot be converted");
          }
          return chunk.values;
        })
        .build((AsyncChunkFunction<Integer, String, Serializable>) (ctx, inputs) -> new CompletableFuture<>(), null);

    assertThatThrownBy(() -> drain(pipeline)).hasMessage("chunk 1 cannot be converted");
    assertThat(source.open).as("chunk 0 in flight, 1 failed, 2 and 3 staged with them").hasValue(0);
  }

  @Test
  void retryOnOnlyRetriesMatchingFailures() {
    AtomicInteger calls = new AtomicInteger();
    ListChunkSource source = new ListChunkSource(10, 10);
    RetryPolicy retry = RetryPolicy.attempts(5).backoff(Duration.ofMillis(1), Duration.ofMillis(2)).retryOn(IOException.class);
    var pipeline = pipeline(source, settings(2, true, retry, Duration.ofSeconds(5), FailurePolicy.failTask(), null),
        (ctx, inputs) -> {
          calls.incrementAndGet();
          return CompletableFuture.failedFuture(new IllegalArgumentException("bad input"));
        });

    assertThatThrownBy(() -> drain(pipeline))
        .isInstanceOf(ChunkFailedException.class)
        .hasMessageContaining("after 1 attempt")
        .hasRootCauseInstanceOf(IllegalArgumentException.class);
    assertThat(calls).hasValue(1);
  }

  @Test
  void finalFailureNamesPartitionChunkRowRangeAttemptsAndCause() {
    ListChunkSource source = new ListChunkSource(50, 10);
    RetryPolicy retry = RetryPolicy.attempts(2).backoff(Duration.ofMillis(1), Duration.ofMillis(2));
    var pipeline = pipeline(source, settings(2, true, retry, Duration.ofSeconds(5), FailurePolicy.failTask(), null),
        (ctx, inputs) -> ctx.chunkIndex() == 2
            ? CompletableFuture.failedFuture(new IOException("HTTP 503 from service"))
            : CompletableFuture.completedFuture(inputs.stream().map(String::valueOf).toList()));

    assertThatThrownBy(() -> drain(pipeline))
        .isInstanceOf(ChunkFailedException.class)
        .hasMessage("chunk 2 of partition 7 (rows 20-29) failed after 2 attempts: java.io.IOException: HTTP 503 from service");
    pipeline.close();
    assertThat(source.open).hasValue(0);
  }

  @Test
  void thrownAndFailedFutureAreHandledTheSame() {
    for (boolean sync : new boolean[] {true, false}) {
      ListChunkSource source = new ListChunkSource(20, 10);
      var pipeline = pipeline(source, settings(2, true, RetryPolicy.none(), Duration.ofSeconds(5),
          new FailurePolicy(true, List.of()), null), (ctx, inputs) -> {
            if (ctx.chunkIndex() == 1) {
              if (sync) {
                throw new IOException("boom");
              }
              return CompletableFuture.failedFuture(new IOException("boom"));
            }
            return CompletableFuture.completedFuture(inputs.stream().map(String::valueOf).toList());
          });
      List<String> out = drain(pipeline);
      assertThat(out.subList(0, 10)).allMatch(s -> !s.contains("FAILED"));
      assertThat(out.subList(10, 20)).allMatch(s -> s.endsWith(":FAILED(IOException,1)"));
    }
  }

  @Test
  void recordedFailuresExceptFailOnTypes() {
    ListChunkSource source = new ListChunkSource(20, 10);
    var pipeline = pipeline(source, settings(2, true, RetryPolicy.none(), Duration.ofSeconds(5),
        new FailurePolicy(true, List.of(SecurityException.class)), null),
        (ctx, inputs) -> CompletableFuture.failedFuture(
            ctx.chunkIndex() == 0 ? new IOException("recorded") : new SecurityException("401 unauthorized")));

    Iterator<String> it = pipeline;
    for (int i = 0; i < 10; i++) {
      assertThat(it.next()).endsWith("FAILED(IOException,1)");
    }
    assertThatThrownBy(it::hasNext).isInstanceOf(ChunkFailedException.class).hasMessageContaining("401 unauthorized");
  }

  @Test
  void timedOutAttemptsFailWithTimeoutExceptionAndAreCancelled() {
    RecordingListener listener = new RecordingListener();
    List<CompletableFuture<List<String>>> started = new CopyOnWriteArrayList<>();
    ListChunkSource source = new ListChunkSource(10, 10);
    RetryPolicy retry = RetryPolicy.attempts(2).backoff(Duration.ofMillis(1), Duration.ofMillis(2));
    var pipeline = pipeline(source, settings(1, true, retry, Duration.ofMillis(100), new FailurePolicy(true, List.of()),
        listener), (ctx, inputs) -> {
          CompletableFuture<List<String>> never = new CompletableFuture<>();
          started.add(never);
          return never;
        });

    List<String> out = drain(pipeline);

    assertThat(out).allMatch(s -> s.endsWith(":FAILED(TimeoutException,2)"));
    assertThat(started).hasSize(2).allMatch(CompletableFuture::isCancelled);
    assertThat(listener.forChunk(0)).containsExactly(
        "start:0:1", "timeout:0:1", "retry:0:1", "start:0:2", "timeout:0:2", "failure:0:2");
  }

  @Test
  void outputCountMismatchNamesChunkAndBothCountsAndIsNotRetriedOrRecorded() {
    AtomicInteger calls = new AtomicInteger();
    ListChunkSource source = new ListChunkSource(25, 10);
    var pipeline = pipeline(source, settings(2, true, RetryPolicy.attempts(3), Duration.ofSeconds(5),
        new FailurePolicy(true, List.of()), null), (ctx, inputs) -> {
          calls.incrementAndGet();
          return CompletableFuture.completedFuture(List.of("only one"));
        });

    assertThatThrownBy(() -> drain(pipeline))
        .isInstanceOf(ChunkFailedException.class)
        .hasMessageContaining("returned 1 outputs for 10 inputs in chunk 0 of partition 7 (rows 0-9)");
    assertThat(calls.get()).isLessThanOrEqualTo(2);
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "ended early: {0}")
  @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
  void closingOrEndingAnUnfinishedPartitionCancelsOutstandingChunksReleasesThemAndStartsNoMore(boolean endEarly) {
    List<CompletableFuture<List<String>>> started = new CopyOnWriteArrayList<>();
    RecordingListener listener = new RecordingListener();
    ListChunkSource source = new ListChunkSource(1000, 10);
    var pipeline = inline(source, settings(4, true, RetryPolicy.none(), Duration.ofSeconds(30), FailurePolicy.failTask(),
        listener), (ctx, inputs) -> {
          CompletableFuture<List<String>> pending = new CompletableFuture<>();
          started.add(pending);
          if (ctx.chunkIndex() == 0) {
            pending.complete(inputs.stream().map(String::valueOf).toList());
          }
          return pending;
        });

    assertThat(pipeline.next()).isEqualTo("0:0");
    assertThat(started).hasSize(4);
    if (endEarly) {
      pipeline.endEarly();
    } else {
      pipeline.close();
    }
    pipeline.close(); // once finished, closing changes nothing

    assertThat(started.subList(1, 4)).allMatch(CompletableFuture::isCancelled);
    assertThat(source.open).hasValue(0);
    assertThat(pipeline.hasNext()).isFalse();
    assertThat(started).hasSize(4);
    assertThat(listener.partitions).hasSize(2).last().satisfies(end -> {
      if (endEarly) {
        assertThat(end.failure()).as("a consumer that needs no more rows is no failure").isNull();
      } else {
        assertThat(end.failure()).isInstanceOf(java.util.concurrent.CancellationException.class);
      }
      assertThat(end.chunks()).isEqualTo(1);
    });
  }

  @Test
  void closeReleasesTheResourcesOnceEveryChunkIsReleased() {
    ListChunkSource source = new ListChunkSource(100, 10);
    AtomicInteger openAtRelease = new AtomicInteger(-1);
    var pipeline = builder(source, settings(3, true))
        .scheduler(new ManualScheduler())
        .closeWhenFinished(() -> openAtRelease.set(source.open.get()))
        .build((ctx, inputs) -> ctx.chunkIndex() == 0
            ? CompletableFuture.completedFuture(inputs.stream().map(String::valueOf).toList())
            : new CompletableFuture<List<String>>(), (Serializable) null);

    pipeline.next();
    pipeline.close();

    assertThat(openAtRelease).hasValue(0);
  }

  @Test
  void aPartitionEndedEarlyWhoseResourcesCannotBeReleasedStillReportsItsEndNamingThat() {
    RecordingListener listener = new RecordingListener();
    var pipeline = builder(new ListChunkSource(100, 10), settings(3, true, RetryPolicy.none(), Duration.ofSeconds(30),
            FailurePolicy.failTask(), listener))
        .scheduler(new ManualScheduler())
        .closeWhenFinished(() -> {
          throw new IllegalStateException("Memory was leaked");
        })
        .build((ctx, inputs) -> CompletableFuture.completedFuture(inputs.stream().map(String::valueOf).toList()),
            (Serializable) null);
    pipeline.next();

    assertThatThrownBy(pipeline::endEarly).hasMessageContaining("cannot release the resources of partition 7")
        .hasRootCauseMessage("Memory was leaked");
    assertThat(listener.partitions).last().satisfies(end ->
        assertThat(end.failure()).hasMessageContaining("cannot release the resources of partition 7"));
  }

  @Test
  void requestsRegisteredWithAnAttemptAreCancelledWhenThePartitionIsAbandonedWhateverWasChainedOnThem() {
    List<CompletableFuture<String>> requests = new CopyOnWriteArrayList<>();
    ListChunkSource source = new ListChunkSource(40, 10);
    var pipeline = inline(source, settings(4, true), (ctx, inputs) -> {
      List<CompletableFuture<String>> rows = new ArrayList<>();
      for (Integer input : inputs) {
        CompletableFuture<String> request = new CompletableFuture<>();
        ctx.register(request);
        requests.add(request);
        rows.add(request.thenApply(body -> body + "!"));
      }
      if (ctx.chunkIndex() == 0) {
        requests.subList(0, 10).forEach(request -> request.complete("done"));
      }
      return CompletableFuture.allOf(rows.toArray(CompletableFuture[]::new))
          .thenApply(all -> rows.stream().map(CompletableFuture::join).toList());
    });

    assertThat(pipeline.next()).isEqualTo("0:done!");
    pipeline.close();

    assertThat(requests).hasSize(40);
    assertThat(requests.subList(0, 10)).noneMatch(CompletableFuture::isCancelled);
    assertThat(requests.subList(10, 40)).allMatch(CompletableFuture::isCancelled);
  }

  @Test
  void requestsOfATimedOutAttemptAreCancelledBeforeTheRetryStarts() {
    List<CompletableFuture<String>> requests = new CopyOnWriteArrayList<>();
    List<Boolean> earlierCancelledAtStart = new CopyOnWriteArrayList<>();
    ListChunkSource source = new ListChunkSource(10, 10);
    RetryPolicy retry = RetryPolicy.attempts(2).backoff(Duration.ofMillis(1), Duration.ofMillis(2));
    var pipeline = pipeline(source, settings(1, true, retry, Duration.ofMillis(50), new FailurePolicy(true, List.of()),
        null), (ctx, inputs) -> {
          earlierCancelledAtStart.add(requests.stream().allMatch(CompletableFuture::isCancelled));
          CompletableFuture<String> request = new CompletableFuture<>();
          ctx.register(request);
          requests.add(request);
          return request.thenApply(body -> inputs.stream().map(i -> body).toList());
        });

    assertThat(drain(pipeline)).allMatch(s -> s.endsWith(":FAILED(TimeoutException,2)"));
    assertThat(requests).hasSize(2).allMatch(CompletableFuture::isCancelled);
    assertThat(earlierCancelledAtStart).containsExactly(true, true);
  }

  @Test
  void aRequestRegisteredAfterItsAttemptEndedIsCancelledAtOnce() {
    AtomicReference<io.asyncudf.ChunkContext<Serializable>> context = new AtomicReference<>();
    ListChunkSource source = new ListChunkSource(10, 10);
    var pipeline = inline(source, settings(1, true), (ctx, inputs) -> {
      context.set(ctx);
      return CompletableFuture.completedFuture(inputs.stream().map(String::valueOf).toList());
    });
    drain(pipeline);

    CompletableFuture<String> late = new CompletableFuture<>();
    context.get().register(late);

    assertThat(late).isCancelled();
  }

  @Test
  void rowFailuresOfFailOnTypesFailTheTaskAndRecordedOnesAreCounted() {
    RecordingListener listener = new RecordingListener();
    AsyncChunkFunction<Integer, String, Serializable> everyFifthFails = (ctx, inputs) -> {
      List<String> outputs = new ArrayList<>();
      for (int input : inputs) {
        if (input % 5 == 0) {
          io.asyncudf.RowFailure.addTo(outputs, input == 35 ? new IllegalStateException("fatal") : new IOException("busy"));
        } else {
          outputs.add("ok");
        }
      }
      return CompletableFuture.completedFuture(outputs);
    };
    FailurePolicy recordButFailOnIllegalState = new FailurePolicy(true, List.of(IllegalStateException.class));

    var recorded = inline(new ListChunkSource(30, 10), settings(2, true, RetryPolicy.none(), Duration.ofSeconds(5),
        recordButFailOnIllegalState, listener), everyFifthFails);
    assertThat(drain(recorded)).hasSize(30);
    assertThat(listener.partitions).last().satisfies(end -> assertThat(end.failedRows()).isEqualTo(6));

    var failing = inline(new ListChunkSource(40, 10), settings(2, true, RetryPolicy.none(), Duration.ofSeconds(5),
        recordButFailOnIllegalState, null), everyFifthFails);
    assertThatThrownBy(() -> drain(failing))
        .isInstanceOf(ChunkFailedException.class)
        .hasMessage("chunk 3 of partition 7 (row 35) failed after 1 attempt: java.lang.IllegalStateException: fatal");
  }

  @Test
  void cancellationCheckAbandonsTheWaitLikeAKilledTask() {
    ListChunkSource source = new ListChunkSource(100, 10);
    AtomicInteger checks = new AtomicInteger();
    var pipeline = PartitionPipeline.<ListChunkSource.Chunk, Integer, String, String>builder()
        .source(source)
        .inputs(chunk -> chunk.values)
        .emitter(emitter())
        .settings(settings(2, true))
        .partition(PARTITION)
        .cancellationCheck(() -> {
          if (checks.incrementAndGet() > 3) {
            throw new IllegalStateException("task killed");
          }
        })
        .build((ctx, inputs) -> new CompletableFuture<List<String>>(), (Serializable) null);

    assertThatThrownBy(pipeline::hasNext).hasMessage("task killed");
    assertThat(source.open).hasValue(0);
  }

  @Test
  void functionRunsWithPartitionAndChunkInTheMdc() {
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    ListChunkSource source = new ListChunkSource(20, 10);
    var pipeline = pipeline(source, settings(2, true), (ctx, inputs) -> {
      seen.add(MDC.get(MdcScope.PARTITION) + "/" + MDC.get(MdcScope.CHUNK) + "/" + MDC.get(MdcScope.ROWS));
      return CompletableFuture.completedFuture(inputs.stream().map(String::valueOf).toList());
    });

    drain(pipeline);

    assertThat(seen).containsExactlyInAnyOrder("7/0/0-9", "7/1/10-19");
  }

  @Test
  void partitionEventsCountChunksAndRows() {
    RecordingListener listener = new RecordingListener();
    ListChunkSource source = new ListChunkSource(35, 10);
    var pipeline = pipeline(source, settings(2, true, RetryPolicy.none(), Duration.ofSeconds(5),
        FailurePolicy.failTask(), listener),
        (ctx, inputs) -> CompletableFuture.completedFuture(inputs.stream().map(String::valueOf).toList()));

    drain(pipeline);

    assertThat(listener.partitions).hasSize(2);
    assertThat(listener.partitions.get(1).inputRows()).isEqualTo(35);
    assertThat(listener.partitions.get(1).chunks()).isEqualTo(4);
    assertThat(listener.partitions.get(1).failure()).isNull();
  }
}
