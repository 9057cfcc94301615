package io.asyncudf.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import org.apache.spark.SparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerEvent;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.SQLExecution;
import org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionEnd;
import org.apache.spark.storage.StorageLevel;
import scala.runtime.AbstractFunction2;

/**
 * Keeps an async operator's output for the rest of one SQL execution, so that a plan that reads
 * it twice (a global sort samples its input in one job and shuffles it in the next) calls the
 * service once per row. The output is stored serialized, in memory while Spark's storage memory
 * has room and on local disk beyond, and released when the execution ends, failed or not.
 */
final class QueryScopedCache {

  private static final Map<SparkContext, QueryScopedCache> BY_CONTEXT = new WeakHashMap<>();

  private final Map<Long, List<RDD<?>>> kept = new HashMap<>();

  private QueryScopedCache() {}

  /**
   * {@code output} persisted until execution {@code executionId} ends; {@code output} itself when it
   * runs outside a running SQL execution (nothing would release it).
   */
  static RDD<InternalRow> keep(RDD<InternalRow> output, String executionId) {
    if (executionId == null || SQLExecution.getQueryExecution(Long.parseLong(executionId)) == null) {
      return output; // outside a running SQL execution (a stale id a thread inherited): nothing would release it
    }
    // operators emit one reused row object; Java serialization would write it once and refer back to it
    RDD<InternalRow> copies = SparkInternals.mapPartitionsWithIndex(output, new CopyRows());
    forContext(output.sparkContext()).add(Long.parseLong(executionId), copies);
    return copies.persist(StorageLevel.MEMORY_AND_DISK_SER());
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

  private synchronized void add(long executionId, RDD<?> rdd) {
    kept.computeIfAbsent(executionId, id -> new ArrayList<>()).add(rdd);
  }

  private synchronized List<RDD<?>> remove(long executionId) {
    List<RDD<?>> rdds = kept.remove(executionId);
    return rdds == null ? List.of() : rdds;
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
