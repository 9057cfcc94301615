package io.asyncudf.internal.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The chunks of one partition that were submitted but not yet emitted. At most {@code capacity} of
 * them are running; in ordered mode a chunk is ready only when it and every chunk submitted before
 * it are complete, and complete chunks waiting for an earlier one are held while new chunks take
 * their slots, as long as the chunks submitted and not yet emitted stay within
 * ({@value #HELD_WINDOWS} + 1) times {@code capacity}: a slow chunk stalls the window only once about
 * {@value #HELD_WINDOWS} windows of later chunks finished behind it.
 * Unordered, chunks are ready in completion order. Completions arrive from any thread; everything
 * else is called from the task thread.
 */
final class ChunkWindow<S extends StagedChunk, O> {

  /** A submitted chunk and its outcome. */
  record Slot<S, O>(S chunk, CompletableFuture<ChunkOutcome<O>> outcome) {}

  /**
   * Windows of complete chunks that may wait behind a running one. Against a service answering 1 request
   * in 100 ten times slower, 3 gave 1.7 times the rows/s of 1 and 3 times those of none (docs/benchmarks.md).
   */
  static final int HELD_WINDOWS = 3;

  private static final long WAKE_UP_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final int capacity;
  private final boolean ordered;
  private final ArrayDeque<Slot<S, O>> submitted = new ArrayDeque<>();
  private final ArrayDeque<Slot<S, O>> completed = new ArrayDeque<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition completion = lock.newCondition();
  /** Submitted and not yet emitted. */
  private int outstanding;
  /** Submitted and not yet complete. */
  private int running;
  private int peakOutstanding;
  private boolean cancelled;

  ChunkWindow(int capacity, boolean ordered) {
    this.capacity = capacity;
    this.ordered = ordered;
  }

  /** How many more chunks may be submitted now: free running slots, within the bound on chunks not yet emitted. */
  int free() {
    lock.lock();
    try {
      return freeLocked();
    } finally {
      lock.unlock();
    }
  }

  boolean isEmpty() {
    lock.lock();
    try {
      return outstanding == 0;
    } finally {
      lock.unlock();
    }
  }

  /** The most chunks that were submitted and not yet emitted at once, running or held. */
  int peakOutstanding() {
    lock.lock();
    try {
      return peakOutstanding;
    } finally {
      lock.unlock();
    }
  }

  void submit(S chunk, CompletableFuture<ChunkOutcome<O>> outcome) {
    Slot<S, O> slot = new Slot<>(chunk, outcome);
    lock.lock();
    try {
      if (freeLocked() == 0) {
        throw new IllegalStateException("window of " + capacity + " chunks is full");
      }
      outstanding++;
      running++;
      peakOutstanding = Math.max(peakOutstanding, outstanding);
      submitted.addLast(slot);
    } finally {
      lock.unlock();
    }
    outcome.whenComplete((result, failure) -> completed(slot));
  }

  private void completed(Slot<S, O> slot) {
    lock.lock();
    try {
      if (cancelled) {
        return;
      }
      running--;
      if (!ordered && submitted.remove(slot)) {
        completed.addLast(slot);
      }
      completion.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The next chunk ready to emit, removed from the window, or null when none is ready. */
  Slot<S, O> poll() {
    lock.lock();
    try {
      Slot<S, O> ready = null;
      if (ordered) {
        Slot<S, O> head = submitted.peekFirst();
        if (head != null && head.outcome().isDone()) {
          ready = submitted.pollFirst();
        }
      } else {
        ready = completed.pollFirst();
      }
      if (ready != null) {
        outstanding--;
      }
      return ready;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until a chunk is ready to emit or, when {@code canSubmit}, a slot is free, running
   * {@code check} at least every 100 ms so that a killed task stops waiting.
   */
  void awaitReady(Runnable check, boolean canSubmit) throws InterruptedException {
    lock.lock();
    try {
      while ((outstanding > 0 || running > 0) && !readyLocked() && !(canSubmit && freeLocked() > 0)) {
        check.run();
        completion.awaitNanos(WAKE_UP_NANOS);
      }
    } finally {
      lock.unlock();
    }
  }

  private int freeLocked() {
    return (int) Math.min(capacity - running, (HELD_WINDOWS + 1L) * capacity - outstanding);
  }

  private boolean readyLocked() {
    if (ordered) {
      Slot<S, O> head = submitted.peekFirst();
      return head != null && head.outcome().isDone();
    }
    return !completed.isEmpty();
  }

  /** Cancels every outstanding chunk and returns them all, so their storage can be released. */
  List<Slot<S, O>> cancelAll() {
    List<Slot<S, O>> all;
    lock.lock();
    try {
      all = new ArrayList<>(submitted);
      all.addAll(completed);
      submitted.clear();
      completed.clear();
      outstanding = 0;
      running = 0;
      cancelled = true;
    } finally {
      lock.unlock();
    }
    all.forEach(slot -> slot.outcome().cancel(true));
    return all;
  }
}
