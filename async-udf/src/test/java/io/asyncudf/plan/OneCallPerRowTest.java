package io.asyncudf.plan;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.row_number;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncudf.AsyncUdf;
import io.asyncudf.ColumnUdf;
import io.asyncudf.DataFrameUdf;
import io.asyncudf.DriverCallback;
import io.asyncudf.LocalSpark;
import java.io.Serializable;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.FormattedMode$;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One call per row per action, whatever the plan does with the async operator's output, for every
 * route (a Column, {@code withColumn(df, ...)}, the DataFrame helper, SQL): counted at a real local
 * service. And defining a helper runs no Spark job.
 */
class OneCallPerRowTest {

  private static final int ROWS = 400; // 4 partitions of 100: 5 chunks of 20, or 10 of 10, each

  private static CountingService service;
  private static ColumnUdf<Long, Long, Serializable> score;
  private static DataFrameUdf<Serializable> scoreRows;
  private final SparkSession spark = LocalSpark.session();

  @BeforeAll
  static void start() throws Exception {
    service = new CountingService();
    CountingService.Client client = new CountingService.Client(service.url());
    score = client.scores().maxChunkSize(10).maxConcurrentChunks(4);
    scoreRows = client.scoredRows().maxChunkSize(10).maxConcurrentChunks(4);
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  @BeforeEach
  void reset() {
    service.reset();
  }

  private Dataset<Row> ids(long from) {
    return spark.range(from, from + ROWS, 1, 4).toDF("id");
  }

  private static void assertEveryRowCalledOnce(long rows) {
    assertThat(service.requests()).as("requests at the service").isEqualTo(rows);
    assertThat(service.distinctIds()).as("distinct ids asked for").isEqualTo(rows);
  }

  private static void assertSortedScores(List<Row> rows, int scoreField) {
    assertThat(rows).hasSize(ROWS);
    for (int i = 0; i < rows.size(); i++) {
      assertThat(rows.get(i).getLong(scoreField)).isEqualTo(2L * (ROWS - 1 - i));
      assertThat(rows.get(i).getLong(0)).as("the id beside its score").isEqualTo(ROWS - 1 - i);
    }
  }

  @Test
  void globalSortOverAColumnCallsEachRowOnce() {
    List<Row> rows = ids(0).withColumn("s", score.apply(col("id"))).orderBy(col("s").desc()).collectAsList();
    assertSortedScores(rows, 1);
    assertEveryRowCalledOnce(ROWS);
  }

  @Test
  void globalSortOverWithColumnCallsEachRowOnce() {
    List<Row> rows = score.errorColumn("err").withColumn(ids(0), "s", col("id")).orderBy(col("s").desc())
        .collectAsList();
    assertSortedScores(rows, 1);
    assertThat(rows).allSatisfy(row -> assertThat(row.isNullAt(2)).isTrue());
    assertEveryRowCalledOnce(ROWS);
  }

  @Test
  void globalSortOverTheDataFrameHelperCallsEachRowOnce() {
    List<Row> rows = scoreRows.apply(ids(0)).orderBy(col("score").desc()).collectAsList();
    assertSortedScores(rows, 1);
    assertEveryRowCalledOnce(ROWS);
  }

  @Test
  void globalSortInSqlAndRangeRepartitioningCallEachRowOnce() {
    score.register(spark, "score_once");
    List<Row> rows = spark.sql("SELECT id, score_once(id) AS s FROM range(0, " + ROWS + ", 1, 4) ORDER BY s DESC")
        .collectAsList();
    assertSortedScores(rows, 1);
    assertEveryRowCalledOnce(ROWS);

    service.reset();
    long count = ids(0).withColumn("s", score.apply(col("id"))).repartitionByRange(3, col("s")).count();
    assertThat(count).isEqualTo(ROWS);
    assertEveryRowCalledOnce(ROWS);
  }

  @Test
  void joinsCallEachRowOnce() {
    Dataset<Row> scored = ids(0).withColumn("s", score.apply(col("id")));
    Dataset<Row> other = ids(0).withColumn("half", col("id").divide(2));
    assertThat(scored.join(other.hint("merge"), "id").collectAsList()).hasSize(ROWS);
    assertEveryRowCalledOnce(ROWS);

    service.reset();
    assertThat(scored.join(org.apache.spark.sql.functions.broadcast(other), "id").orderBy(col("s").desc())
        .collectAsList()).hasSize(ROWS);
    assertEveryRowCalledOnce(ROWS);

    service.reset();
    assertThat(other.join(org.apache.spark.sql.functions.broadcast(scored), "id").collectAsList()).hasSize(ROWS);
    assertEveryRowCalledOnce(ROWS);

    service.reset();
    assertThat(scored.join(other.hint("merge"), "id").orderBy(col("s").desc()).collectAsList()).hasSize(ROWS);
    assertEveryRowCalledOnce(ROWS);

    service.reset();
    spark.conf().set("spark.sql.autoBroadcastJoinThreshold", "-1");
    try {
      Dataset<Row> few = spark.range(0, 3, 1, 3).toDF("k");
      Dataset<Row> product = scored.crossJoin(few);
      assertThat(product.queryExecution().executedPlan().toString()).contains("CartesianProduct");
      assertThat(product.collectAsList()).hasSize(3 * ROWS);
      assertEveryRowCalledOnce(ROWS); // not once per partition of the other side

      service.reset();
      assertThat(few.join(scored, few.col("k").lt(scored.col("id"))).collectAsList()).hasSize(3 * ROWS - 6);
      assertEveryRowCalledOnce(ROWS);

      service.reset();
      assertThat(product.limit(5).collectAsList()).hasSize(5);
      assertThat(service.requests()).as("a limit over the product reads a few partitions, nothing kept")
          .isLessThan(ROWS);

      service.reset();
      Dataset<Row> replicated = scored.join(other.hint("shuffle_replicate_nl"), "id");
      assertThat(replicated.queryExecution().executedPlan().toString()).contains("CartesianProduct");
      assertThat(replicated.collectAsList()).hasSize(ROWS);
      assertEveryRowCalledOnce(ROWS);

      service.reset();
      Dataset<Row> broadcast = scored.crossJoin(org.apache.spark.sql.functions.broadcast(few));
      assertThat(broadcast.collectAsList()).hasSize(3 * ROWS);
      assertEveryRowCalledOnce(ROWS);
      assertThat(broadcast.queryExecution().explainString(org.apache.spark.sql.execution.FormattedMode$.MODULE$))
          .as("a broadcast nested loop join reads the called side once: nothing kept")
          .contains("BroadcastNestedLoopJoin").doesNotContain("Output kept for the query");
    } finally {
      spark.conf().unset("spark.sql.autoBroadcastJoinThreshold");
    }
  }

  /**
   * A broadcast nested loop join that keeps the unmatched rows of its broadcast side (a full outer join, a left
   * outer join broadcasting its left side, a right outer join broadcasting its right) reads its streamed side
   * twice: once to find the broadcast rows nothing matched, once for the rows it joins.
   */
  @Test
  void outerNestedLoopJoinsCallTheirStreamedSideOnce() {
    Dataset<Row> scored = ids(0).withColumn("s", score.apply(col("id")));
    Dataset<Row> few = spark.range(0, 3, 1, 3).toDF("k");
    Column below = few.col("k").lt(scored.col("id"));
    int joined = 3 * ROWS - 6; // id 0 matches no k, id 1 one, id 2 two, every other id three

    Dataset<Row> full = few.join(scored, below, "full_outer");
    assertThat(full.queryExecution().executedPlan().toString()).contains("BroadcastNestedLoopJoin BuildLeft, FullOuter");
    assertThat(full.collectAsList()).hasSize(joined + 1);
    assertEveryRowCalledOnce(ROWS);

    service.reset();
    Dataset<Row> left = org.apache.spark.sql.functions.broadcast(few).join(scored, below, "left_outer");
    assertThat(left.queryExecution().executedPlan().toString()).contains("BroadcastNestedLoopJoin BuildLeft, LeftOuter");
    assertThat(left.collectAsList()).hasSize(joined);
    assertEveryRowCalledOnce(ROWS);

    service.reset();
    assertThat(left.limit(5).collectAsList()).hasSize(5);
    assertEveryRowCalledOnce(ROWS); // the first read, finding the unmatched broadcast rows, reads every row

    service.reset();
    spark.conf().set("spark.sql.autoBroadcastJoinThreshold", "1000"); // few (48 bytes) is small, scored is not
    try {
      Dataset<Row> bySize = few.join(scored, below, "left_outer");
      assertThat(bySize.queryExecution().executedPlan().toString()).contains("BroadcastNestedLoopJoin BuildLeft, LeftOuter");
      assertThat(bySize.collectAsList()).hasSize(joined);
      assertEveryRowCalledOnce(ROWS);
      assertThat(bySize.queryExecution().explainString(org.apache.spark.sql.execution.FormattedMode$.MODULE$))
          .contains("Output kept for the query");
    } finally {
      spark.conf().unset("spark.sql.autoBroadcastJoinThreshold");
    }

    service.reset();
    Dataset<Row> right = scored.join(org.apache.spark.sql.functions.broadcast(few), below, "right_outer");
    assertThat(right.queryExecution().executedPlan().toString()).contains("BroadcastNestedLoopJoin BuildRight, RightOuter");
    assertThat(right.collectAsList()).hasSize(joined);
    assertEveryRowCalledOnce(ROWS);

    service.reset();
    Dataset<Row> semi = org.apache.spark.sql.functions.broadcast(few)
        .join(scored, few.col("k").lt(scored.col("s")), "left_semi"); // the condition reads the call: not pruned
    assertThat(semi.queryExecution().executedPlan().toString()).contains("BroadcastNestedLoopJoin BuildLeft, LeftSemi");
    assertThat(semi.collectAsList()).hasSize(3);
    assertEveryRowCalledOnce(ROWS);

    service.reset();
    Dataset<Row> streamedOnce = scored.join(few, below, "left_outer");
    assertThat(streamedOnce.collectAsList()).hasSize(joined + 1);
    assertEveryRowCalledOnce(ROWS);
    assertThat(streamedOnce.queryExecution().explainString(org.apache.spark.sql.execution.FormattedMode$.MODULE$))
        .as("a left outer join broadcasting its right side reads its left once: nothing kept")
        .contains("BroadcastNestedLoopJoin LeftOuter BuildRight").doesNotContain("Output kept for the query");
  }

  @Test
  void windowsLimitsAndUnionsCallEachRowOnce() {
    Dataset<Row> scored = ids(0).withColumn("s", score.apply(col("id")));
    List<Row> ranked = scored.withColumn("rank",
        row_number().over(Window.partitionBy(col("id").mod(10)).orderBy(col("s").desc()))).collectAsList();
    assertThat(ranked).hasSize(ROWS);
    assertEveryRowCalledOnce(ROWS);

    service.reset();
    assertThat(scored.limit(5).collectAsList()).hasSize(5);
    assertThat(service.requests()).as("requests for a limit of 5").isLessThan(ROWS / 4)
        .isEqualTo(service.distinctIds());

    service.reset();
    Dataset<Row> union = scored.union(ids(ROWS).withColumn("s", score.apply(col("id"))));
    assertThat(union.orderBy("s").collectAsList()).hasSize(2 * ROWS);
    assertEveryRowCalledOnce(2 * ROWS);
  }

  @Test
  void aQueryUsingOneCallTwiceCallsEachRowOnce() {
    score.register(spark, "score_cte");
    long pairs = spark.sql("WITH t AS (SELECT id, score_cte(id) AS s FROM range(0, " + ROWS + ", 1, 4)) "
        + "SELECT count(*) FROM t a JOIN t b ON a.s = b.s").first().getLong(0);
    assertThat(pairs).isEqualTo(ROWS);
    assertEveryRowCalledOnce(ROWS);

    service.reset();
    Dataset<Row> scored = scoreRows.apply(ids(0));
    assertThat(scored.count()).isEqualTo(ROWS);
    assertEveryRowCalledOnce(ROWS);

    service.reset();
    assertThat(spark.sql("WITH t AS (SELECT id, score_cte(id) AS s FROM range(0, " + ROWS + ", 1, 4)) "
        + "SELECT * FROM t UNION ALL SELECT * FROM t ORDER BY s").collectAsList()).hasSize(2 * ROWS);
    assertEveryRowCalledOnce(ROWS);
  }

  @Test
  void theSameDataFrameUsedTwiceInOneQueryCallsEachRowOnce() {
    Dataset<Row> scored = ids(0).withColumn("s", score.apply(col("id")));
    List<Row> joined = scored.join(scored, "id").collectAsList(); // a broadcast join: both sides run
    assertThat(joined).hasSize(ROWS).allSatisfy(row -> {
      assertThat(row.getLong(1)).isEqualTo(2 * row.getLong(0));
      assertThat(row.getLong(2)).isEqualTo(2 * row.getLong(0));
    });
    assertEveryRowCalledOnce(ROWS);

    service.reset();
    List<Row> twice = scored.union(scored).collectAsList();
    assertThat(twice).hasSize(2 * ROWS).allSatisfy(row -> assertThat(row.getLong(1)).isEqualTo(2 * row.getLong(0)));
    assertThat(twice.stream().map(row -> row.getLong(0)).distinct().count()).isEqualTo(ROWS);
    assertEveryRowCalledOnce(ROWS);

    service.reset();
    Dataset<Row> rows = scoreRows.apply(ids(0));
    assertThat(rows.join(rows, "id").collectAsList()).hasSize(ROWS)
        .allSatisfy(row -> assertThat(row.getLong(2)).isEqualTo(row.getLong(1)));
    assertEveryRowCalledOnce(ROWS);

    service.reset();
    Dataset<Row> twin = scored.join(scored, "id");
    assertThat(twin.collectAsList()).hasSize(ROWS);
    assertThat(twin.collectAsList()).as("a second action calls again").hasSize(ROWS);
    assertThat(service.requests()).isEqualTo(2L * ROWS);
  }

  @Test
  void aQueryThatFailsWhileItsOutputIsKeptReleasesWhatWasStored() {
    ColumnUdf<Long, Long, Serializable> failing = AsyncUdf.<Long, Long, Serializable>scalarToScalar(
            (ctx, ids) -> ids.contains(300L)
                ? java.util.concurrent.CompletableFuture.failedFuture(new IllegalStateException("row 300 refused"))
                : java.util.concurrent.CompletableFuture.completedFuture(ids.stream().map(id -> id * 2).toList()),
            DataTypes.LongType)
        .maxChunkSize(10);
    java.util.Set<Object> before = java.util.Set.copyOf(
        scala.jdk.javaapi.CollectionConverters.asJava(spark.sparkContext().getPersistentRDDs()).keySet());

    assertThatThrownBy(() -> ids(0).withColumn("s", failing.apply(col("id"))).orderBy(col("s").desc()).collectAsList())
        .hasStackTraceContaining("row 300 refused");

    assertThat(scala.jdk.javaapi.CollectionConverters.asJava(spark.sparkContext().getPersistentRDDs()).keySet())
        .as("the partitions stored before the failure are released").isSubsetOf(before);
  }

  private java.util.Set<Object> persistentRdds() {
    return java.util.Set.copyOf(
        scala.jdk.javaapi.CollectionConverters.asJava(spark.sparkContext().getPersistentRDDs()).keySet());
  }

  @Test
  @SuppressWarnings("unchecked")
  void anOutputKeptForAQueryWhoseEndWasNeverHeardIsReleasedWhenTheNextIsKept() throws Exception {
    org.apache.spark.SparkContext sc = spark.sparkContext();
    ids(0).withColumn("s", score.apply(col("id"))).orderBy(col("s").desc()).collectAsList(); // the releaser listens
    java.util.Set<Object> before = persistentRdds();
    Class<org.apache.spark.scheduler.SparkListenerInterface> releaser = (Class<org.apache.spark.scheduler.SparkListenerInterface>)
        Class.forName("io.asyncudf.internal.spark.QueryScopedCache$Releaser");
    List<org.apache.spark.scheduler.SparkListenerInterface> releasers = scala.jdk.javaapi.CollectionConverters.asJava(
        sc.listenerBus().findListenersByClass(scala.reflect.ClassTag$.MODULE$.apply(releaser)));
    assertThat(releasers).hasSize(1);
    releasers.forEach(sc::removeSparkListener); // as if the listener bus dropped the executions' end events
    try {
      ids(0).withColumn("s", score.apply(col("id"))).orderBy(col("s").desc()).collectAsList();
      java.util.Set<Object> unheard = new java.util.HashSet<>(persistentRdds());
      unheard.removeAll(before);
      assertThat(unheard).as("kept, its end unheard").hasSize(1);

      ids(0).withColumn("s", score.apply(col("id"))).orderBy(col("s").desc()).collectAsList();

      assertThat(persistentRdds()).as("the next output kept released it").doesNotContainAnyElementsOf(unheard);
    } finally {
      releasers.forEach(sc::addSparkListener);
      scala.jdk.javaapi.CollectionConverters.asJava(sc.getPersistentRDDs()).forEach((id, rdd) -> {
        if (!before.contains(id)) {
          rdd.unpersist(false);
        }
      });
    }
  }

  @Test
  void aDriverCallbackRunsOncePerChunkUnderAGlobalSort() {
    AtomicInteger calls = new AtomicInteger();
    DriverCallback<Integer, Integer> chunkSeen = chunk -> calls.incrementAndGet();
    ColumnUdf<Long, Long, Serializable> reporting = AsyncUdf.<Long, Long, Serializable>scalarToScalar(
            (ctx, ids) -> ctx.<Integer, Integer>callDriver(ctx.chunkIndex())
                .thenApply(ignored -> ids.stream().map(id -> id * 2).toList()), DataTypes.LongType)
        .maxChunkSize(20).callback(chunkSeen);
    List<Row> rows = reporting.withColumn(ids(0), "s", col("id")).orderBy(col("s").desc()).collectAsList();
    assertSortedScores(rows, 1);
    assertThat(calls.get()).as("callbacks for %d chunks", ROWS / 20).isEqualTo(ROWS / 20);
  }

  @Test
  void definingHelpersRunsNoSparkJob() throws Exception {
    AtomicInteger jobs = new AtomicInteger();
    SparkListener counter = new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart jobStart) {
        jobs.incrementAndGet();
      }
    };
    Dataset<Row> aggregated = ids(0).groupBy(col("id").mod(100).as("id")).count().select("id");
    spark.sparkContext().listenerBus().waitUntilEmpty();
    spark.sparkContext().addSparkListener(counter);
    try {
      Dataset<Row> withColumn = score.errorColumn("err").withColumn(aggregated, "s", col("id"));
      Dataset<Row> rows = scoreRows.errorColumn("err").apply(aggregated);
      Dataset<Row> column = aggregated.select(col("id"), score.apply(col("id")).as("s"));
      withColumn.explain();
      rows.schema();
      column.schema();
      spark.sparkContext().listenerBus().waitUntilEmpty();
      assertThat(jobs.get()).as("jobs run while defining three helpers").isZero();
      assertThat(service.requests()).isZero();

      String plan = rows.queryExecution().explainString(FormattedMode$.MODULE$);
      assertThat(plan).as("the DataFrame helper is a node of the plan, not an existing RDD")
          .contains("AsyncMapRows").doesNotContain("ExistingRDD").doesNotContain("Scan ExistingRDD");
      assertThat(withColumn.queryExecution().explainString(FormattedMode$.MODULE$)).contains("AsyncEval");
      assertThat(column.queryExecution().explainString(FormattedMode$.MODULE$)).contains("AsyncEval");
    } finally {
      spark.sparkContext().removeSparkListener(counter);
    }
  }

  @Test
  void callsOverAnAggregateTakeTheAggregatedValues() {
    Dataset<Row> sums = ids(0).groupBy(col("id").mod(50).as("k")).agg(org.apache.spark.sql.functions.sum("id").as("total"));
    List<Row> rows = sums.select(col("k"), score.apply(col("total")).as("s"), score.apply(col("k")).as("t"))
        .orderBy("k").collectAsList();
    assertThat(rows).hasSize(50);
    for (Row row : rows) {
      long k = row.getLong(0);
      long total = 0;
      for (long id = k; id < ROWS; id += 50) {
        total += id;
      }
      assertThat(row.getLong(1)).isEqualTo(2 * total);
      assertThat(row.getLong(2)).isEqualTo(2 * k);
    }
    assertThat(service.requests()).isEqualTo(100);
  }

  @Test
  void aCoalesceUnderASortAndATopKCallEachRowOnce() {
    List<Row> rows = ids(0).withColumn("s", score.apply(col("id"))).coalesce(1).orderBy(col("s").desc())
        .collectAsList();
    assertSortedScores(rows, 1);
    assertEveryRowCalledOnce(ROWS);

    service.reset();
    Dataset<Row> top = ids(0).withColumn("s", score.apply(col("id"))).orderBy(col("s").desc()).limit(3);
    assertThat(top.collectAsList()).extracting(row -> row.getLong(1))
        .containsExactly(2L * (ROWS - 1), 2L * (ROWS - 2), 2L * (ROWS - 3));
    assertEveryRowCalledOnce(ROWS);
    assertThat(top.queryExecution().explainString(FormattedMode$.MODULE$))
        .as("a top-k reads its input once: nothing is kept").doesNotContain("Output kept");
  }

  @Test
  void aCallInsideAnAggregateFunctionFailsAtAnalysisAndCallsNothing() {
    assertThatThrownBy(() -> ids(0).agg(org.apache.spark.sql.functions.sum(score.apply(col("id")))))
        .hasMessageContaining("AGGREGATE_FUNCTION_WITH_NONDETERMINISTIC_EXPRESSION");
    assertThat(service.requests()).isZero();
  }

  @Test
  void theDataFrameHelperReportsItsMetrics() {
    Dataset<Row> out = scoreRows.apply(ids(0));
    assertThat(out.collectAsList()).hasSize(ROWS);
    String explain = out.queryExecution().explainString(FormattedMode$.MODULE$);
    assertThat(explain).contains("(2) AsyncMapRows", "Call: async_dataframe_udf(rows)", "number of input rows: " + ROWS,
        "chunks: " + ROWS / 10, "failed rows: 0");
  }
}
