package io.asyncudf.internal.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The chunks of one partition that were submitted but not yet emitted, at most {@code capacity}
 * of them, whether still running or already complete. In ordered mode a chunk is ready only when
 * it and every chunk submitted before it are complete; otherwise in completion order. Completions
 * arrive from any thread; everything else is called from the task thread.
 */
final class ChunkWindow<S extends StagedChunk, O> {

  /** A submitted chunk and its outcome. */
  record Slot<S, O>(S chunk, CompletableFuture<ChunkOutcome<O>> outcome) {}

  private static final long WAKE_UP_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final int capacity;
  private final boolean ordered;
  private final ArrayDeque<Slot<S, O>> submitted = new ArrayDeque<>();
  private final ArrayDeque<Slot<S, O>> completed = new ArrayDeque<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition completion = lock.newCondition();
  private int outstanding;
  private int peakOutstanding;

  ChunkWindow(int capacity, boolean ordered) {
    this.capacity = capacity;
    this.ordered = ordered;
  }

  /** How many more chunks may be submitted now. */
  int free() {
    lock.lock();
    try {
      return capacity - outstanding;
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

  /** The most chunks that were outstanding at once. */
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
      if (outstanding == capacity) {
        throw new IllegalStateException("window of " + capacity + " chunks is full");
      }
      outstanding++;
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
   * Waits until a chunk is ready to emit, running {@code check} at least every 100 ms so that a
   * killed task stops waiting.
   */
  void awaitReady(Runnable check) throws InterruptedException {
    lock.lock();
    try {
      while (outstanding > 0 && !readyLocked()) {
        check.run();
        completion.awaitNanos(WAKE_UP_NANOS);
      }
    } finally {
      lock.unlock();
    }
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
    } finally {
      lock.unlock();
    }
    all.forEach(slot -> slot.outcome().cancel(true));
    return all;
  }
}
