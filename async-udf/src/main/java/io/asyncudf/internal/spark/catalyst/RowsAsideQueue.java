package io.asyncudf.internal.spark.catalyst;

import java.util.ArrayDeque;
import java.util.function.Supplier;
import org.apache.spark.TaskContext;
import org.apache.spark.memory.MemoryConsumer;
import org.apache.spark.memory.MemoryMode;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;

/**
 * One task's rows aside, first in first out, in two tiers. Up to {@code heapLimit} bytes of rows are
 * kept as copies on the heap, granted by the task's memory manager in small steps (this consumer's
 * {@link #getUsed()}); beyond that, or when no memory is granted, rows go to a spilling queue (Spark's
 * {@code HybridRowQueue}) made at the first overflow. Every row on the heap is older than every row in
 * the spilling queue, so the order holds across the tiers.
 *
 * <p>Why not Spark's queue alone: it takes a whole memory page (up to 64 MiB, zeroed) per task at its
 * first row, while an async operator keeps only the rows of its in-flight chunks aside, usually a few
 * kilobytes; the page cost more CPU and garbage collection than the calls in the bench.
 */
final class RowsAsideQueue extends MemoryConsumer implements SparkInternals.RowsAside {

  /** Bytes asked of the memory manager at a time. */
  static final long GRANT = 64 * 1024;
  /** A row's heap cost beyond its bytes: the row object, its array header, the queue's slot. */
  private static final long ROW_OVERHEAD = 64;

  private final long heapLimit;
  private final Supplier<SparkInternals.RowsAside> spilling;
  private final ArrayDeque<UnsafeRow> heap = new ArrayDeque<>();
  private long heapBytes;
  private SparkInternals.RowsAside overflow;
  private long overflowRows;

  RowsAsideQueue(TaskContext task, long heapLimit, Supplier<SparkInternals.RowsAside> spilling) {
    super(task.taskMemoryManager(), MemoryMode.ON_HEAP);
    this.heapLimit = heapLimit;
    this.spilling = spilling;
  }

  @Override
  public void add(UnsafeRow row) {
    if (overflowRows == 0 && reserve(row.getSizeInBytes() + ROW_OVERHEAD)) {
      heap.addLast(row.copy());
      return;
    }
    if (overflow == null) {
      overflow = spilling.get();
    }
    overflow.add(row);
    overflowRows++;
  }

  @Override
  public UnsafeRow remove() {
    UnsafeRow row = heap.pollFirst();
    if (row != null) {
      heapBytes -= row.getSizeInBytes() + ROW_OVERHEAD;
      return row;
    }
    if (overflowRows == 0) {
      throw new IllegalStateException("no row is kept aside");
    }
    overflowRows--;
    return overflow.remove();
  }

  /** Rows now in the spilling tier. */
  long overflowRows() {
    return overflowRows;
  }

  private boolean reserve(long bytes) {
    if (heapBytes + bytes > heapLimit) {
      return false;
    }
    long missing = heapBytes + bytes - getUsed();
    if (missing > 0) {
      acquireMemory(Math.max(GRANT, missing));
      if (heapBytes + bytes > getUsed()) {
        return false;
      }
    }
    heapBytes += bytes;
    return true;
  }

  /** Gives back the granted memory no row uses; rows on the heap stay (they are at most {@code heapLimit} bytes). */
  @Override
  public long spill(long size, MemoryConsumer trigger) {
    if (trigger == this) {
      return 0;
    }
    long unused = getUsed() - heapBytes;
    if (unused > 0) {
      freeMemory(unused);
    }
    return Math.max(0, unused);
  }

  /** Returns every granted byte; called when the task completes. */
  void release() {
    heap.clear();
    heapBytes = 0;
    if (getUsed() > 0) {
      freeMemory(getUsed());
    }
  }
}
