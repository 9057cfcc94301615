package io.asyncudf.internal.spark;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * One partition's recently called journal keys, so that a row whose key repeats one of them is not
 * called but answered by the first row's call; and the answers a failed attempt of the task journaled,
 * so that a retry does not call those rows again. Rows go through it in input order: {@link #stage} as
 * they are read, then {@link #answered} (a called row) or {@link #answerOf} (a repeat) as they are
 * emitted, so a repeat always finds its first row's answer. Remembers the {@code capacity} most
 * recently used distinct keys (a key that keeps repeating stays), and beyond them those a staged
 * repeat still waits for (at most the rows in flight); a key not seen for more distinct keys than
 * that is called again.
 */
final class RepeatedKeys {

  /** A key's answer, once its first row is emitted, and how many staged repeats wait for it. */
  private static final class Entry {
    private Object[] answer;
    private int waiting;
  }

  private final int capacity;
  private final boolean remember;
  private final Map<UTF8String, Object[]> recovered;
  /** In access order: the least recently staged or answered key first. */
  private final LinkedHashMap<UTF8String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
  private final ArrayDeque<Long> repeats = new ArrayDeque<>();

  /** @param capacity how many distinct keys to remember, at least 1 */
  RepeatedKeys(int capacity) {
    this(capacity, true, Map.of());
  }

  /**
   * @param capacity how many distinct keys to remember, at least 1
   * @param remember whether called keys are remembered to answer their repeats; if not, only {@code recovered}
   *     keys are answered without a call
   * @param recovered answers known before the partition runs (what a failed attempt of the task journaled),
   *     by key: their rows are treated as repeats, answered without a call; kept, not copied
   */
  RepeatedKeys(int capacity, boolean remember, Map<UTF8String, Object[]> recovered) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
    }
    this.capacity = capacity;
    this.remember = remember;
    this.recovered = recovered;
  }

  /**
   * Stages the row at {@code position} (its index among the partition's rows) with {@code key}.
   *
   * @return whether it repeats a remembered key, so it is answered by that key's first row, not called
   */
  boolean stage(UTF8String key, long position) {
    Entry entry = entries.get(key);
    if (entry == null && !recovered.isEmpty()) {
      Object[] answer = recovered.get(key);
      if (answer != null) {
        entry = new Entry();
        entry.answer = answer;
        entries.put(key.clone(), entry);
      }
    }
    if (entry != null) {
      entry.waiting++;
      repeats.addLast(position);
      evict();
      return true;
    }
    if (remember) {
      entries.put(key.clone(), new Entry());
      evict();
    }
    return false;
  }

  /** Whether the row at {@code position} was staged as a repeat; asked once per row, in input order. */
  boolean isRepeat(long position) {
    if (!repeats.isEmpty() && repeats.peekFirst() == position) {
      repeats.removeFirst();
      return true;
    }
    return false;
  }

  /** Records the answer of the called row with {@code key}, for the repeats that follow it. */
  void answered(UTF8String key, Object[] answer) {
    Entry entry = entries.get(key);
    if (entry != null && entry.answer == null) {
      entry.answer = answer;
    }
  }

  /** The answer of a repeat's first row, which was emitted before it. */
  Object[] answerOf(UTF8String key) {
    Entry entry = entries.get(key);
    if (entry == null || entry.answer == null) {
      throw new IllegalStateException("a repeated journal key has no answer from its first row: " + key);
    }
    entry.waiting--;
    return entry.answer;
  }

  /** Forgets the oldest keys beyond the capacity, but none that a staged repeat waits for. */
  private void evict() {
    Iterator<Entry> oldest = entries.values().iterator();
    while (entries.size() > capacity && oldest.hasNext()) {
      if (oldest.next().waiting == 0) {
        oldest.remove();
      }
    }
  }
}
