package io.asyncudf.internal.spark;

import io.asyncudf.internal.spark.catalyst.SparkInternals;
import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.apache.spark.SparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerEvent;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.SQLExecution;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionEnd;
import org.apache.spark.storage.StorageLevel;
import scala.runtime.AbstractFunction2;

/**
 * Keeps an async operator's output for the rest of one SQL execution, so that a plan that reads
 * it twice (a global sort samples its input in one job and shuffles it in the next) or holds two
 * equal operators (a self-join through the Dataset API) calls the service once per row. The first
 * operator to run computes its output in a job of its own and stores it; equal operators of the same
 * execution wait for that and read the stored output, on whichever executors their tasks run. The
 * output is stored serialized, in memory while Spark's storage memory has room and on local disk
 * beyond, and released when the execution ends, failed or not. Should the end's event never arrive (Spark's
 * listener bus drops events when its queue is full), the next output kept releases it.
 */
final class QueryScopedCache {

  private static final Map<SparkContext, QueryScopedCache> BY_CONTEXT = new WeakHashMap<>();

  private final Map<Long, Map<SparkPlan, CompletableFuture<RDD<InternalRow>>>> kept = new HashMap<>();

  private QueryScopedCache() {}

  /**
   * The output of {@code operator} kept until execution {@code executionId} ends and already computed:
   * the one an equal operator of that execution kept, or else {@code output}'s, persisted and computed
   * now (a Spark job). {@code output} itself when it runs outside a running SQL execution (nothing would
   * release it).
   *
   * @param output makes the operator's output; not called when an equal operator's is kept already
   */
  static RDD<InternalRow> keep(SparkPlan operator, Supplier<RDD<InternalRow>> output, String executionId) {
    if (executionId == null || SQLExecution.getQueryExecution(Long.parseLong(executionId)) == null) {
      return output.get(); // outside a running SQL execution (a stale id a thread inherited): nothing would release it
    }
    return forContext(operator.sparkContext()).keptOrMade(Long.parseLong(executionId), operator.canonicalized(),
        () -> {
          // operators emit one reused row object; Java serialization would write it once and refer back to it
          RDD<InternalRow> copies = SparkInternals.mapPartitionsWithIndex(output.get(), new CopyRows());
          copies.persist(StorageLevel.MEMORY_AND_DISK_SER());
          try {
            copies.count(); // stored before any reader runs: two tasks on two executors never both compute a partition
          } catch (Throwable e) { // a failed job throws SparkException, a checked exception Scala does not declare
            copies.unpersist(false); // the partitions stored before the job failed: nothing will release them otherwise
            throw e;
          }
          return copies;
        });
  }

  private static final class CopyRows
      extends AbstractFunction2<Object, scala.collection.Iterator<InternalRow>, scala.collection.Iterator<InternalRow>>
      implements Serializable {
    @Override
    public scala.collection.Iterator<InternalRow> apply(Object partition, scala.collection.Iterator<InternalRow> rows) {
      return rows.map(InternalRow::copy);
    }
  }

  private static QueryScopedCache forContext(SparkContext context) {
    synchronized (BY_CONTEXT) {
      return BY_CONTEXT.computeIfAbsent(context, sc -> {
        QueryScopedCache cache = new QueryScopedCache();
        sc.addSparkListener(cache.new Releaser());
        return cache;
      });
    }
  }

  /**
   * The output kept for {@code canonical} in the execution, or {@code made}'s, kept. Made outside the
   * lock: making it executes the operator's child, which may keep outputs of its own, on this thread or
   * on another (a broadcast). An equal operator on another thread meanwhile waits for it.
   */
  private RDD<InternalRow> keptOrMade(long executionId, SparkPlan canonical, Supplier<RDD<InternalRow>> made) {
    CompletableFuture<RDD<InternalRow>> mine = new CompletableFuture<>();
    CompletableFuture<RDD<InternalRow>> first;
    List<Long> ended;
    synchronized (this) {
      first = kept.computeIfAbsent(executionId, id -> new HashMap<>()).putIfAbsent(canonical, mine);
      ended = kept.keySet().stream().filter(id -> SQLExecution.getQueryExecution(id) == null).toList();
    }
    ended.forEach(id -> remove(id).forEach(rdd -> rdd.unpersist(false)));
    if (first != null) {
      try {
        return first.join();
      } catch (CompletionException e) {
        throw e.getCause() instanceof RuntimeException cause ? cause : e;
      }
    }
    try {
      RDD<InternalRow> rdd = made.get();
      mine.complete(rdd);
      boolean released;
      synchronized (this) {
        Map<SparkPlan, CompletableFuture<RDD<InternalRow>>> outputs = kept.get(executionId);
        released = outputs == null || outputs.get(canonical) != mine;
      }
      if (released) { // the execution ended while this was made (a broadcast outliving a failed query)
        rdd.unpersist(false);
      }
      return rdd;
    } catch (Throwable e) { // SparkException too: an equal operator waiting on another thread must not hang
      mine.completeExceptionally(e);
      throw e;
    }
  }

  private synchronized List<RDD<InternalRow>> remove(long executionId) {
    Map<SparkPlan, CompletableFuture<RDD<InternalRow>>> outputs = kept.remove(executionId);
    return outputs == null ? List.of()
        : outputs.values().stream().filter(output -> output.isDone() && !output.isCompletedExceptionally())
            .map(CompletableFuture::join).toList();
  }

  /** Unpersists an execution's outputs when it ends. */
  private final class Releaser extends SparkListener {
    @Override
    public void onOtherEvent(SparkListenerEvent event) {
      if (event instanceof SparkListenerSQLExecutionEnd end) {
        remove(end.executionId()).forEach(rdd -> rdd.unpersist(false));
      }
    }
  }
}
