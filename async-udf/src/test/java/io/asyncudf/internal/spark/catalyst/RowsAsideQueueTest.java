package io.asyncudf.internal.spark.catalyst;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncudf.LocalSpark;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.junit.jupiter.api.Test;

/** Rows kept aside in a real task: first in first out across the heap and the spilling queue, memory given back. */
class RowsAsideQueueTest {

  /** What one task saw: the removed values in order, rows that went to the spilling queue, memory held at the peak and after release. */
  record Seen(List<Long> removed, long spilledRows, long peakGranted, long grantedAfterRelease) implements java.io.Serializable {}

  private static UnsafeRow row(long value) {
    UnsafeRow row = new UnsafeRow(1);
    row.pointTo(new byte[16], 16);
    row.setLong(0, value);
    return row;
  }

  @Test
  void rowsComeOutInTheOrderTheyWentInAcrossTheHeapAndTheSpillingQueue() {
    JavaSparkContext spark = JavaSparkContext.fromSparkContext(LocalSpark.session().sparkContext());

    Seen seen = spark.parallelize(List.of(1), 1).map(ignored -> {
      // 1 KiB on the heap: 12 rows of 16 bytes (80 with the per-row overhead), the rest spill
      RowsAsideQueue queue = (RowsAsideQueue) SparkInternals.rowsAside(1, 1024);
      List<Long> removed = new ArrayList<>();
      long next = 0;
      long spilled = 0;
      long peak = 0;
      for (int[] step : new int[][] {{30, 10}, {5, 25}, {40, 20}, {0, 20}}) { // {add, remove}
        for (int i = 0; i < step[0]; i++) {
          queue.add(row(next++));
          spilled = Math.max(spilled, queue.overflowRows());
          peak = Math.max(peak, queue.getUsed());
        }
        for (int i = 0; i < step[1]; i++) {
          removed.add(queue.remove().getLong(0));
        }
      }
      queue.release();
      return new Seen(removed, spilled, peak, queue.getUsed());
    }).collect().get(0);

    List<Long> expected = new ArrayList<>();
    for (long i = 0; i < 75; i++) {
      expected.add(i);
    }
    assertThat(seen.removed()).isEqualTo(expected);
    assertThat(seen.spilledRows()).as("rows beyond the heap's 1 KiB went to the spilling queue").isPositive();
    assertThat(seen.peakGranted()).as("granted by the task's memory manager in steps").isEqualTo(RowsAsideQueue.GRANT);
    assertThat(seen.grantedAfterRelease()).isZero();
  }
}
