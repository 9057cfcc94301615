package io.asyncudf.plan;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncudf.AsyncChunkFunction;
import io.asyncudf.AsyncUdf;
import io.asyncudf.ColumnUdf;
import io.asyncudf.DataFrameUdf;
import io.asyncudf.Journals;
import io.asyncudf.LocalSpark;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A journal of answers: a repeated or resumed run calls only what is not in it. Calls are counted at a
 * real local service.
 */
class JournalTest {

  private static CountingService service;
  private static CountingService.Client client;
  private final SparkSession spark = LocalSpark.session();

  @TempDir
  Path dir;

  @BeforeAll
  static void start() throws Exception {
    service = new CountingService();
    client = new CountingService.Client(service.url());
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  @BeforeEach
  void reset() {
    service.reset();
  }

  private ColumnUdf<Long, Long, Serializable> journaled() {
    return client.scores().maxChunkSize(10).maxConcurrentChunks(4).journal(dir.resolve("journal").toString());
  }

  /** {@code id, s} of {@code rows} ids scored through the journal, sorted by id. */
  private List<Row> scored(ColumnUdf<Long, Long, Serializable> udf, long rows) {
    return spark.range(0, rows, 1, 4).withColumn("s", udf.apply(col("id"))).orderBy("id").collectAsList();
  }

  private static void assertScores(List<Row> rows, long count) {
    assertThat(rows).hasSize((int) count);
    for (int i = 0; i < count; i++) {
      assertThat(rows.get(i).getLong(0)).isEqualTo(i);
      assertThat(rows.get(i).getLong(1)).as("score of %d", i).isEqualTo(2L * i);
    }
  }

  @Test
  void theSameQueryAgainCallsNothingAndALargerInputOnlyTheNewRows() {
    assertScores(scored(journaled(), 1_000), 1_000);
    assertThat(service.requests()).isEqualTo(1_000);

    Dataset<Row> planned = spark.range(0, 10).withColumn("s", journaled().apply(col("id")));
    planned.collectAsList();
    assertThat(planned.queryExecution().executedPlan().toString())
        .as("the journal's tap runs inside the call, not as a node of its own").contains("AsyncEval")
        .doesNotContain("JournalAppend");

    service.reset();
    assertScores(scored(journaled(), 1_000), 1_000);
    assertThat(service.requests()).as("every answer came from the journal").isZero();

    service.reset();
    Dataset<Row> larger = spark.range(0, 1_500, 1, 4).withColumn("s", journaled().apply(col("id"))).orderBy("id");
    assertScores(larger.collectAsList(), 1_500);
    assertThat(service.requests()).as("only the new rows").isEqualTo(500);
    assertThat(larger.queryExecution().explainString(org.apache.spark.sql.execution.FormattedMode$.MODULE$))
        .contains("number of input rows: 500", "rows answered without a call: 1,000");
    assertThat(service.distinctIds()).isEqualTo(500);
    assertThat(service.requestsFor(1_000)).isEqualTo(1);
    assertThat(service.requestsFor(999)).isZero();
  }

  @Test
  void aKeyTheUserNamesDecidesWhatIsAnsweredFromTheJournal() {
    ColumnUdf<Long, Long, Serializable> keyed = journaled().journalKey(col("id"));
    assertScores(scored(keyed, 200), 200);
    assertThat(service.requests()).isEqualTo(200);

    service.reset();
    List<Row> otherInputs = spark.range(0, 200, 1, 4).withColumn("s", keyed.apply(col("id").plus(1_000)))
        .orderBy("id").collectAsList();
    assertScores(otherInputs, 200); // the answers journaled under each id, not calls with the new inputs
    assertThat(keyed.withColumn(spark.range(0, 200, 1, 4).toDF("id"), "s", col("id").plus(2_000)).collectAsList())
        .allSatisfy(row -> assertThat(row.getLong(1)).isEqualTo(2 * row.getLong(0)));
    keyed.register(spark, "keyed_score");
    assertThat(spark.sql("SELECT id, keyed_score(id + 3000) AS s FROM range(0, 200, 1, 4)").collectAsList())
        .allSatisfy(row -> assertThat(row.getLong(1)).isEqualTo(2 * row.getLong(0)));
    assertThat(service.requests()).as("every row's key is journaled").isZero();

    service.reset();
    assertThat(spark.range(0, 200, 1, 4).withColumn("s", journaled().apply(col("id").plus(1_000))).collectAsList())
        .hasSize(200);
    assertThat(service.requests()).as("keyed by the input, the new inputs are called").isEqualTo(200);
  }

  @Test
  void aCallBelowAJournaledOneIsCalledOncePerRow() {
    ColumnUdf<Long, Long, Serializable> plain = client.scores().maxChunkSize(10);
    List<Row> rows = spark.range(0, 200, 1, 4)
        .withColumn("a", plain.apply(col("id")))
        .withColumn("b", journaled().apply(col("a").plus(100_000)))
        .orderBy("id").collectAsList();

    assertThat(rows).hasSize(200).allSatisfy(row -> assertThat(row.getLong(2)).isEqualTo(2 * (2 * row.getLong(0) + 100_000)));
    for (long id = 0; id < 200; id++) {
      assertThat(service.requestsFor(id)).as("requests for the first call's %d", id).isEqualTo(1);
    }
    assertThat(service.requests()).isEqualTo(400);
  }

  @Test
  void timestampsAMicrosecondApartAreDifferentKeys() {
    ColumnUdf<Object, Long, Serializable> micros = AsyncUdf.<Object, Long, Serializable>scalarToScalar(
            AsyncChunkFunction.perRow((ctx, t) -> {
              java.time.Instant instant = t instanceof java.sql.Timestamp ts ? ts.toInstant() : (java.time.Instant) t;
              return CompletableFuture.completedFuture(instant.getEpochSecond() * 1_000_000 + instant.getNano() / 1_000);
            }),
            DataTypes.LongType)
        .journal(dir.resolve("micros").toString());
    Dataset<Row> times = spark.range(1_000_000, 1_000_004, 1, 1).selectExpr("id", "timestamp_micros(id) AS t");
    for (int run = 0; run < 2; run++) {
      List<Row> rows = times.withColumn("m", micros.apply(col("t"))).orderBy("id").collectAsList();
      assertThat(rows).as("run %d", run).allSatisfy(row -> assertThat(row.getLong(2)).isEqualTo(row.getLong(0)));
    }
  }

  @Test
  void failedRowsAreNotJournaledAndAreCalledAgainNextRun() {
    ColumnUdf<Long, Long, Serializable> oddFails = AsyncUdf.<Long, Long, Serializable>scalarToScalar(
            AsyncChunkFunction.perRow((ctx, id) -> new CountingService.Client(service.url()).score(id)
                .thenApply(score -> {
                  if (id % 2 == 1 && ctx.parameters() == null) {
                    throw new IllegalStateException("odd ids fail on the first run");
                  }
                  return score;
                })),
            DataTypes.LongType)
        .maxChunkSize(1).errorColumn("error").journal(dir.resolve("failures").toString());

    List<Row> first = spark.range(0, 100, 1, 2).withColumn("s", oddFails.apply(col("id"))).orderBy("id").collectAsList();
    assertThat(first).filteredOn(row -> row.getLong(0) % 2 == 1)
        .allSatisfy(row -> assertThat(row.getStruct(1).isNullAt(1)).as("error recorded").isFalse());
    assertThat(service.requests()).isEqualTo(100);

    service.reset();
    spark.conf().set("spark.asyncudf.journal.failures", "true");
    try {
      List<Row> journaledFailures = spark.range(0, 100, 1, 2)
          .withColumn("s", oddFails.journal(dir.resolve("with-failures").toString()).apply(col("id")))
          .orderBy("id").collectAsList();
      assertThat(journaledFailures).filteredOn(row -> row.getLong(0) % 2 == 1)
          .allSatisfy(row -> assertThat(row.getStruct(1).isNullAt(1)).isFalse());
      service.reset();
      List<Row> fromJournal = spark.range(0, 100, 1, 2)
          .withColumn("s", oddFails.parameters("retrying").journal(dir.resolve("with-failures").toString())
              .apply(col("id")))
          .orderBy("id").collectAsList();
      assertThat(service.requests()).as("failures journaled on request: nothing called again").isZero();
      assertThat(fromJournal).filteredOn(row -> row.getLong(0) % 2 == 1)
          .allSatisfy(row -> assertThat(row.getStruct(1).getStruct(1).getString(0))
              .isEqualTo("odd ids fail on the first run"));
    } finally {
      spark.conf().unset("spark.asyncudf.journal.failures");
    }

    service.reset();
    List<Row> second = spark.range(0, 100, 1, 2).withColumn("s", oddFails.parameters("retrying").apply(col("id")))
        .orderBy("id").collectAsList();
    assertThat(service.requests()).as("only the rows that failed").isEqualTo(50);
    assertThat(second).allSatisfy(row -> {
      assertThat(row.getStruct(1).isNullAt(1)).as("no error on %s", row).isTrue();
      assertThat(row.getStruct(1).getLong(0)).isEqualTo(2 * row.getLong(0));
    });
  }

  /** The {@code ChunkContext.firstRowIndex()} of the chunk that holds id 110, seen by the function. */
  private static final java.util.concurrent.atomic.AtomicLong FIRST_ROW_OF_110 = new java.util.concurrent.atomic.AtomicLong(-1);

  @Test
  void rowNumbersStayThePartitionsWhenTheJournalAnsweredTheRowsBefore() {
    ColumnUdf<Long, Long, Serializable> refuses110 = AsyncUdf.<Long, Long, Serializable>scalarToScalar(
            AsyncChunkFunction.perRow((ctx, id) -> {
              if (id != 110) {
                return new CountingService.Client(service.url()).score(id);
              }
              FIRST_ROW_OF_110.set(ctx.firstRowIndex());
              return CompletableFuture.failedFuture(new IllegalStateException("id 110 refused"));
            }),
            DataTypes.LongType)
        .maxChunkSize(5).errorColumn("error").journal(dir.resolve("positions").toString());
    spark.range(0, 100, 1, 1).withColumn("s", refuses110.apply(col("id"))).collectAsList();
    service.reset();

    List<Row> rows = spark.range(0, 200, 1, 1).withColumn("s", refuses110.apply(col("id"))).orderBy("id").collectAsList();

    assertThat(service.requestsFor(50)).as("rows 0-99 answered by the journal").isZero();
    assertThat(service.requestsFor(150)).isEqualTo(1);
    Row error = rows.get(110).getStruct(1).getStruct(1);
    assertThat(error.getString(0)).isEqualTo("id 110 refused");
    assertThat(error.getLong(5)).as("row_index: the row's place in the partition, not among the rows called")
        .isEqualTo(110);
    assertThat(FIRST_ROW_OF_110.get()).as("the chunk of rows 110-114 starts at row 110").isEqualTo(110);
  }

  /** Each id called and the row {@code ChunkContext.rowIndex} gave it. */
  private static final java.util.Map<Long, Long> ROW_OF_ID = new java.util.concurrent.ConcurrentHashMap<>();

  @Test
  void rowIndexGivesEachInputsRowWhenTheJournalAnsweredRowsInBetween() {
    ColumnUdf<Long, Long, Serializable> recording = AsyncUdf.<Long, Long, Serializable>scalarToScalar((ctx, ids) -> {
      for (int i = 0; i < ids.size(); i++) {
        ROW_OF_ID.put(ids.get(i), ctx.rowIndex(i));
      }
      return CompletableFuture.completedFuture(ids.stream().map(id -> 2 * id).toList());
    }, DataTypes.LongType).maxChunkSize(5).journal(dir.resolve("gaps").toString());
    spark.range(0, 100, 2, 1).withColumn("s", recording.apply(col("id"))).collectAsList(); // the even ids
    ROW_OF_ID.clear();

    assertThat(spark.range(0, 100, 1, 1).withColumn("s", recording.apply(col("id"))).collectAsList()).hasSize(100);

    assertThat(ROW_OF_ID).as("only the odd ids are called, five to a chunk").hasSize(50)
        .allSatisfy((id, row) -> assertThat(row).as("the row of id %d", id).isEqualTo(id));
  }

  @Test
  void aFailedChunksMessageNamesItsFirstAndLastRowWhenTheJournalAnsweredRowsInBetween() {
    ColumnUdf<Long, Long, Serializable> refuses13 = AsyncUdf.<Long, Long, Serializable>scalarToScalar((ctx, ids) ->
        ids.contains(13L)
            ? CompletableFuture.failedFuture(new IllegalStateException("a chunk with id 13 refused"))
            : CompletableFuture.completedFuture(ids.stream().map(id -> 2 * id).toList()),
        DataTypes.LongType).maxChunkSize(5).retry(io.asyncudf.RetryPolicy.none())
        .journal(dir.resolve("failed-range").toString());
    spark.range(0, 100, 2, 1).withColumn("s", refuses13.apply(col("id"))).collectAsList(); // the even ids

    assertThatThrownBy(() -> spark.range(0, 100, 1, 1).withColumn("s", refuses13.apply(col("id"))).collectAsList())
        .as("odd ids 11-19 make the second chunk; the journal answered the even rows between them")
        .hasStackTraceContaining("chunk 1 of partition 0 (rows 11-19) failed after 1 attempt")
        .hasStackTraceContaining("a chunk with id 13 refused");
  }

  @Test
  void theDataFrameHelperKeepsThePartitionsRowNumbersWhenTheJournalAnsweredRowsBefore() {
    DataFrameUdf<Serializable> refuses110 = AsyncUdf.<Serializable>dataFrame((ctx, rows) -> {
      if (rows.stream().anyMatch(row -> row.getLong(0) == 110)) {
        return CompletableFuture.failedFuture(new IllegalStateException("a chunk with id 110 refused"));
      }
      return CompletableFuture.completedFuture(
          rows.stream().map(row -> RowFactory.create(row.getLong(0), 2 * row.getLong(0))).toList());
    }, CountingService.SCORED).maxChunkSize(10).errorColumn("error")
        .journal(dir.resolve("frame-positions").toString()).journalKey("id");
    assertThat(refuses110.apply(spark.range(0, 100, 1, 1).toDF("id")).collectAsList()).hasSize(100);

    List<Row> failed = refuses110.apply(spark.range(0, 200, 1, 1).toDF("id")).filter("error IS NOT NULL")
        .collectAsList();

    assertThat(failed).extracting(row -> row.getStruct(2).getLong(5))
        .as("row_index: the rows' places in the partition, not among the rows called")
        .containsExactlyInAnyOrder(110L, 111L, 112L, 113L, 114L, 115L, 116L, 117L, 118L, 119L);
  }

  @Test
  void aCutOrGarbledEntryIsNeverAnAnswer() throws IOException {
    assertScores(scored(journaled(), 100), 100);
    Path journal = dir.resolve("journal");
    try (Stream<Path> files = Files.list(journal)) {
      Path file = files.filter(p -> p.toString().endsWith(".journal")).findFirst().orElseThrow();
      String line = Files.readAllLines(file).get(0);
      String[] parts = line.split("\t", 4);
      // the same key with another answer but the old checksum, then a line cut in the middle
      String forged = parts[0] + "\t" + parts[1] + "\t" + parts[2] + "\t{\"v\":-1}\n" + line.substring(0, line.length() / 2);
      Files.writeString(journal.resolve("part-forged.journal"), forged, StandardCharsets.UTF_8);
    }
    service.reset();
    assertScores(scored(journaled(), 100), 100);
    assertThat(service.requests()).isZero();
  }

  @Test
  void aCancelledJobKeepsWhatItAnsweredAndTheRerunCallsOnlyTheRest() throws Exception {
    int rows = 1_000;
    service.latency(5);
    service.onRequest(400, () -> spark.sparkContext().cancelAllJobs());
    RunningTasks tasks = new RunningTasks();
    spark.sparkContext().addSparkListener(tasks);
    try {
      assertThatThrownBy(() -> scored(journaled(), rows)).hasMessageContaining("cancel");
      tasks.awaitNone(); // the job fails at once; its killed tasks close their journal files as they end
    } finally {
      spark.sparkContext().removeSparkListener(tasks);
    }
    long firstRun = service.requests();

    service.reset();
    assertScores(scored(journaled(), rows), rows);
    long total = firstRun + service.requests();
    // at most every row once, plus the rows of the chunks in flight or answered but not yet emitted at the cancel:
    // 2 tasks x 4 x 4 chunks (a window running, three more of finished chunks waiting behind a slower one) x 10 rows
    assertThat(total).as("requests over both runs (first %d)", firstRun).isLessThanOrEqualTo(rows + 320);
    assertThat(service.requests()).as("the rerun skipped what the cancelled run answered").isLessThan(rows);
  }

  @Test
  void theJournalReadsAsADataFrameCompactsToOneEntryPerKeyAndExpiresByMaxAge() throws IOException {
    String path = dir.resolve("journal").toString();
    scored(journaled(), 300);
    scored(journaled(), 400); // adds 100 more entries in new files
    assertThat(Journals.read(spark, path).count()).isEqualTo(400);
    assertThat(Journals.read(spark, path).where("key IS NULL OR answer NOT LIKE '{\"v\":%'").count()).isZero();
    long filesBefore = journalFiles().size();

    assertThat(Journals.compact(spark, path)).as("the files are all too young").isEqualTo(400);
    assertThat(journalFiles()).hasSize((int) filesBefore);
    assertThat(Journals.compact(spark, path, java.time.Duration.ZERO)).isEqualTo(400);
    assertThat(journalFiles().size()).as("compacted from %d files", filesBefore).isLessThan((int) filesBefore);
    service.reset();
    assertScores(scored(journaled(), 400), 400);
    assertThat(service.requests()).as("the compacted journal answers all").isZero();

    spark.conf().set("spark.asyncudf.journal.maxAge", "0s");
    try {
      assertScores(scored(journaled(), 400), 400);
      assertThat(service.requests()).as("expired entries are called again").isEqualTo(400);
    } finally {
      spark.conf().unset("spark.asyncudf.journal.maxAge");
    }
  }

  private List<Path> journalFiles() throws IOException {
    try (Stream<Path> files = Files.list(dir.resolve("journal"))) {
      return files.filter(p -> p.toString().endsWith(".journal")).toList();
    }
  }

  @Test
  void aStreamWithANewCheckpointTakesItsAnswersFromTheJournal() throws Exception {
    Path input = Files.createDirectories(dir.resolve("input"));
    for (int file = 0; file < 3; file++) {
      StringBuilder lines = new StringBuilder();
      for (int i = 0; i < 50; i++) {
        lines.append("{\"id\":").append(file * 50 + i).append("}\n");
      }
      Files.writeString(input.resolve("part-" + file + ".json"), lines);
    }
    String table = "journaled_stream";
    for (String checkpoint : List.of("first", "second")) {
      service.reset();
      Dataset<Row> stream = spark.readStream().schema("id LONG").option("maxFilesPerTrigger", 1).json(input.toString());
      var query = stream.withColumn("s", journaled().apply(col("id"))).writeStream().format("memory")
          .queryName(table + "_" + checkpoint).option("checkpointLocation", dir.resolve(checkpoint).toString()).start();
      query.processAllAvailable();
      query.stop();
      List<Row> rows = spark.table(table + "_" + checkpoint).orderBy("id").collectAsList();
      assertScores(rows, 150);
      assertThat(service.requests()).as("requests with the %s checkpoint", checkpoint)
          .isEqualTo(checkpoint.equals("first") ? 150 : 0);
    }

    DataFrameUdf<Serializable> rows = observations().journal(dir.resolve("rows").toString()).journalKey("id");
    for (String checkpoint : List.of("rows-first", "rows-second")) {
      service.reset();
      Dataset<Row> stream = spark.readStream().schema("id LONG").option("maxFilesPerTrigger", 1).json(input.toString());
      var query = rows.apply(stream).writeStream().format("memory").queryName("journaled_rows_" + checkpoint.substring(5))
          .option("checkpointLocation", dir.resolve(checkpoint).toString()).start();
      query.processAllAvailable();
      query.stop();
      assertThat(sortedRows(spark.table("journaled_rows_" + checkpoint.substring(5))))
          .as("the DataFrame helper's rows with the %s checkpoint", checkpoint).isEqualTo(expectedObservations(150));
      assertThat(service.requests()).as("requests of the DataFrame helper with the %s checkpoint", checkpoint)
          .isEqualTo(checkpoint.equals("rows-first") ? 150 : 0);
    }
  }

  /** Counts the tasks running, from Spark's listener events. */
  private static final class RunningTasks extends org.apache.spark.scheduler.SparkListener {
    private int running;

    @Override
    public synchronized void onTaskStart(org.apache.spark.scheduler.SparkListenerTaskStart taskStart) {
      running++;
    }

    @Override
    public synchronized void onTaskEnd(org.apache.spark.scheduler.SparkListenerTaskEnd taskEnd) {
      running--;
      notifyAll();
    }

    synchronized void awaitNone() throws InterruptedException {
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
      while (running > 0 && System.nanoTime() < deadline) {
        wait(1_000);
      }
      assertThat(running).as("tasks still running a minute after the cancel").isZero();
    }
  }

  private long journalLines() throws IOException {
    try (Stream<Path> files = Files.list(dir.resolve("journal"))) {
      long lines = 0;
      for (Path file : files.filter(f -> f.toString().endsWith(".journal")).toList()) {
        lines += Files.readAllLines(file, StandardCharsets.UTF_8).size();
      }
      return lines;
    }
  }

  @Test
  void repeatedKeysInOnePartitionAreCalledOnce() throws IOException {
    Dataset<Row> repeated = spark.range(0, 1_000, 1, 4).selectExpr("id", "id % 7 AS n");
    service.latency(5); // repeats are read while their first row's chunk is still in flight
    try {
      List<Row> rows = repeated.withColumn("s", journaled().errorColumn("err").apply(col("n")))
          .orderBy("id").collectAsList();
      assertThat(rows).hasSize(1_000).allSatisfy(row -> {
        assertThat(row.getStruct(2).getLong(0)).as("answer of row %d", row.getLong(0)).isEqualTo(2 * (row.getLong(0) % 7));
        assertThat(row.getStruct(2).isNullAt(1)).isTrue();
      });
      assertThat(service.requests()).as("one request per key in each of 4 partitions").isEqualTo(4 * 7);
      assertThat(journalLines()).as("only the rows called are journaled, not their repeats").isEqualTo(4 * 7);
    } finally {
      service.latency(0);
    }

    service.reset();
    Dataset<Row> fresh = spark.range(0, 1_000, 1, 4).selectExpr("id", "id % 7 + 100 AS n");
    spark.conf().set("spark.asyncudf.journal.dedupeKeys", "2");
    try {
      List<Row> rows = fresh.withColumn("s", journaled().apply(col("n"))).orderBy("id").collectAsList();
      assertThat(rows).hasSize(1_000).allSatisfy(row -> assertThat(row.getLong(2)).isEqualTo(2 * row.getLong(1)));
      assertThat(service.requests()).as("a key repeated after more distinct keys than remembered is called again")
          .isEqualTo(1_000);

      spark.conf().set("spark.asyncudf.journal.dedupeKeys", "0");
      assertThatThrownBy(() -> fresh.withColumn("s", journaled().apply(col("n"))).collectAsList())
          .hasMessageContaining("spark.asyncudf.journal.dedupeKeys must be a whole number of keys, at least 1, was '0'");
    } finally {
      spark.conf().unset("spark.asyncudf.journal.dedupeKeys");
    }

    service.reset();
    spark.conf().set("spark.asyncudf.journal.dedupe", "none");
    try {
      Dataset<Row> other = spark.range(0, 1_000, 1, 4).selectExpr("id", "id % 7 + 200 AS n");
      assertThat(other.withColumn("s", journaled().apply(col("n"))).collectAsList()).hasSize(1_000);
      assertThat(service.requests()).as("dedupe=none calls every row not found").isEqualTo(1_000);
    } finally {
      spark.conf().unset("spark.asyncudf.journal.dedupe");
    }
  }

  @Test
  void answersJournaledForAnotherOutputTypeAreCalledAgain() {
    assertScores(scored(journaled(), 100), 100);
    service.reset();
    ColumnUdf<Long, String, Serializable> asText = AsyncUdf.<Long, String, Serializable>scalarToScalar(
        AsyncChunkFunction.perRow((ctx, id) -> new CountingService.Client(service.url()).score(id)
            .thenApply(score -> "score " + score)),
        DataTypes.StringType).maxChunkSize(10).journal(dir.resolve("journal").toString());

    List<Row> rows = spark.range(0, 100, 1, 2).withColumn("s", asText.apply(col("id"))).orderBy("id").collectAsList();

    assertThat(service.requests()).as("the journal's long answers do not read as strings").isEqualTo(100);
    assertThat(rows.get(7).getString(1)).isEqualTo("score 14");
  }

  @Test
  void anAnswerLongerThanTheJsonReadersDefaultLimitReadsBackWhole() {
    int length = 21_000_000; // Spark's JSON reader refuses strings over 20,000,000 characters by default
    ColumnUdf<Long, String, Serializable> large = AsyncUdf.<Long, String, Serializable>scalarToScalar(
        AsyncChunkFunction.perRow((ctx, id) -> new CountingService.Client(service.url()).score(id)
            .thenApply(score -> id == 1 ? "x".repeat(length) : "score " + score)),
        DataTypes.StringType).maxChunkSize(10).journal(dir.resolve("large").toString());
    spark.range(0, 3, 1, 1).withColumn("s", large.apply(col("id"))).collectAsList();
    assertThat(service.requests()).isEqualTo(3);

    service.reset();
    List<Row> again = spark.range(0, 3, 1, 1).withColumn("s", large.apply(col("id")))
        .selectExpr("id", "length(s) AS n").orderBy("id").collectAsList();

    assertThat(again.get(1).isNullAt(1)).as("the long answer is not read back as null").isFalse();
    assertThat(again.get(1).getInt(1)).isEqualTo(length);
    assertThat(service.requests()).isZero();
  }

  @Test
  void anOutputThatCannotReadBackFromJsonOrAnInputThatChangesEachReadIsRefusedBeforeAnyCall() {
    ColumnUdf<Long, java.util.Map<Long, String>, Serializable> byNumber =
        AsyncUdf.<Long, java.util.Map<Long, String>, Serializable>scalarToScalar(
            AsyncChunkFunction.perRow((ctx, id) -> new CountingService.Client(service.url()).score(id)
                .thenApply(score -> java.util.Map.of(id, "score " + score))),
            DataTypes.createMapType(DataTypes.LongType, DataTypes.StringType))
        .journal(dir.resolve("maps").toString());
    assertThatThrownBy(() -> spark.range(0, 10).withColumn("s", byNumber.apply(col("id"))).collectAsList())
        .hasMessageContaining("cannot be journaled").hasMessageContaining("map with bigint keys");

    spark.conf().set("spark.asyncudf.journal.dedupe", "job");
    try {
      Dataset<Row> random = spark.range(0, 100, 1, 4).selectExpr("cast(rand() * 1000 AS BIGINT) AS id");
      assertThatThrownBy(() -> random.withColumn("s", journaled().apply(col("id"))).collectAsList())
          .hasMessageContaining("is not deterministic").hasMessageContaining("dedupe=partition");
      Dataset<Row> sampled = spark.range(0, 100, 1, 4).toDF().where("rand() < 0.5");
      assertThatThrownBy(() -> sampled.withColumn("s", journaled().apply(col("id"))).collectAsList())
          .hasMessageContaining("is not deterministic");
      assertThat(service.requests()).isZero();

      // a random column the key does not read changes nothing
      Dataset<Row> salted = spark.range(0, 100, 1, 4).withColumn("salt", org.apache.spark.sql.functions.rand());
      assertThat(salted.withColumn("s", journaled().apply(col("id"))).collectAsList()).hasSize(100);
      assertThat(service.requests()).isEqualTo(100);
    } finally {
      spark.conf().unset("spark.asyncudf.journal.dedupe");
    }
  }

  @Test
  void aJournalWhoseFilesCannotBeClosedFailsTheQueryBeforeAnyCall() {
    // as on S3 without write access: creating a file works, its upload on close is refused
    org.apache.hadoop.conf.Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    hadoop.set("fs.failclose.impl", io.asyncudf.internal.spark.FailingCloseFileSystem.class.getName());
    hadoop.setBoolean("fs.failclose.impl.disable.cache", true);
    try {
      String refused = "failclose://" + dir.resolve("refused").toAbsolutePath();
      ColumnUdf<Long, Long, Serializable> udf = client.scores().maxChunkSize(10).journal(refused);

      assertThatThrownBy(() -> spark.range(0, 100, 1, 4).withColumn("s", udf.apply(col("id"))).collectAsList())
          .hasMessageContaining("cannot write to the journal at " + refused)
          .hasMessageContaining("no row was called");
      assertThat(service.requests()).isZero();
    } finally {
      hadoop.unset("fs.failclose.impl");
      hadoop.unset("fs.failclose.impl.disable.cache");
    }
  }

  @Test
  void dedupeJobIsRefusedOnAStreamRatherThanHoldingItsRowsBack() throws Exception {
    Dataset<Row> stream = spark.readStream().format("rate").option("rowsPerSecond", "50").load().selectExpr("value AS id");
    spark.conf().set("spark.asyncudf.journal.dedupe", "job");
    org.apache.spark.sql.streaming.StreamingQuery query = null;
    try {
      query = stream.withColumn("s", journaled().apply(col("id"))).writeStream().format("memory")
          .queryName("journal_dedupe_job").start();
      org.apache.spark.sql.streaming.StreamingQuery started = query;
      assertThatThrownBy(() -> started.awaitTermination(120_000))
          .hasMessageContaining("spark.asyncudf.journal.dedupe=job calls each key once with an aggregation")
          .hasMessageContaining("use spark.asyncudf.journal.dedupe=partition");
    } finally {
      spark.conf().unset("spark.asyncudf.journal.dedupe");
      if (query != null) {
        query.stop();
      }
    }
  }

  @Test
  void repeatedInputsAreCalledOncePerJobWhenAsked() {
    Dataset<Row> repeated = spark.range(0, 300, 1, 4).selectExpr("id", "id % 30 AS n");
    spark.conf().set("spark.asyncudf.journal.dedupe", "job");
    try {
      List<Row> rows = repeated.withColumn("s", journaled().apply(col("n"))).orderBy("id").collectAsList();
      assertThat(rows).hasSize(300).allSatisfy(row -> assertThat(row.getLong(2)).isEqualTo(2 * (row.getLong(0) % 30)));
      assertThat(service.requests()).as("one request per distinct input").isEqualTo(30);
      assertThat(service.distinctIds()).isEqualTo(30);

      spark.conf().set("spark.asyncudf.journal.dedupe", "all");
      assertThatThrownBy(() -> repeated.withColumn("s", journaled().apply(col("n"))).collectAsList())
          .hasMessageContaining("spark.asyncudf.journal.dedupe must be partition, none or job, was 'all'");
    } finally {
      spark.conf().unset("spark.asyncudf.journal.dedupe");
    }
    service.reset();
    List<Row> again = repeated.withColumn("s", journaled().apply(col("n"))).orderBy("id").collectAsList();
    assertThat(again).hasSize(300);
    assertThat(service.requests()).as("all 30 answers journaled once").isZero();
  }

  /** Rows the child of the async call produced, counted by a UDF below it. */
  private static final java.util.concurrent.atomic.AtomicLong ROWS_READ = new java.util.concurrent.atomic.AtomicLong();

  /** 300,000 rows in one partition, {@code n} counted as it is read, and {@code key}, the given function of n. */
  private Dataset<Row> manyRows(String key) {
    org.apache.spark.sql.expressions.UserDefinedFunction counted = org.apache.spark.sql.functions.udf(
        (org.apache.spark.sql.api.java.UDF1<Long, Long>) id -> {
          ROWS_READ.incrementAndGet();
          return id;
        }, DataTypes.LongType).asNondeterministic();
    ROWS_READ.set(0);
    return spark.range(0, 300_000, 1, 1).select(counted.apply(col("id")).as("n")).selectExpr("n", key);
  }

  @Test
  void aPartitionWhoseRowsAreNearlyAllAnsweredIsNotReadWholeBeforeItsFirstRow() {
    ColumnUdf<Long, Long, Serializable> keyed = journaled().journalKey(col("k"));
    spark.range(0, 20, 1, 1).selectExpr("id AS n", "id AS k").withColumn("s", keyed.apply(col("k"))).collectAsList();
    service.reset();

    // keys 0-19 journaled, 20-24 not: 5 rows called, too few for a chunk of 10, then repeats
    Dataset<Row> firstTen = manyRows("n % 25 AS k").withColumn("s", keyed.apply(col("k"))).limit(10);
    List<Row> found = firstTen.collectAsList();
    assertThat(found).hasSize(10).allSatisfy(row -> assertThat(row.getLong(2)).isEqualTo(2 * (row.getLong(0) % 25)));
    assertThat(service.requests()).as("the keys not journaled, once each").isEqualTo(5);
    assertThat(ROWS_READ.get()).as("rows read for the first 10 of a partition the journal answered")
        .isLessThan(150_000);
    assertThat(answeredRows(firstTen)).as("rows answered without a call: those emitted (keys 0-9), not those read ahead")
        .isEqualTo(10);

    service.reset();
    Dataset<Row> firstRepeats = manyRows("n % 25 AS k").withColumn("s", journaled().apply(col("k").plus(1_000)))
        .limit(10);
    List<Row> repeats = firstRepeats.collectAsList();
    assertThat(repeats).hasSize(10).allSatisfy(row -> assertThat(row.getLong(2)).isEqualTo(2 * (row.getLong(1) + 1_000)));
    assertThat(service.requests()).as("one request per key, the rest repeats").isEqualTo(25);
    assertThat(ROWS_READ.get()).as("rows read for the first 10 of a partition of 25 keys").isLessThan(150_000);
    assertThat(answeredRows(firstRepeats)).as("the first 10 rows are called; the repeats read ahead are not emitted")
        .isZero();

    service.reset();
    DataFrameUdf<Serializable> rows = observations().journal(dir.resolve("rows").toString()).journalKey("id");
    rows.apply(spark.range(0, 21, 1, 1).toDF("id")).collectAsList();
    service.reset();
    Dataset<Row> firstOutputs = rows.apply(manyRows("n % 20 AS id").select("id")).limit(10);
    List<Row> outputs = firstOutputs.collectAsList();
    assertThat(outputs).hasSize(10);
    assertThat(service.requests()).as("every row's key is journaled").isZero();
    assertThat(ROWS_READ.get()).as("rows read for the DataFrame helper's first 10 outputs").isLessThan(150_000);
    assertThat(answeredRows(firstOutputs)).as("input rows whose journaled outputs were taken: ids 0-10, with 10 outputs")
        .isEqualTo(11);

    assertThat(rows.apply(manyRows("(n % 7) * 3 AS id").select("id")).count())
        .as("journaled answers of no rows, read ahead past the bound").isZero();
    assertThat(service.requests()).isZero();
  }

  /** The operator's "rows answered without a call" after {@code query} ran. */
  private static long answeredRows(Dataset<Row> query) {
    java.util.regex.Matcher metric = java.util.regex.Pattern.compile("rows answered without a call: ([0-9,]+)")
        .matcher(query.queryExecution().explainString(org.apache.spark.sql.execution.FormattedMode$.MODULE$));
    assertThat(metric.find()).as("the metric in the formatted plan").isTrue();
    return Long.parseLong(metric.group(1).replace(",", ""));
  }

  /** For each input id, {@code id % 3} output rows {@code (id, 2 id + j)}: some inputs have no output at all. */
  private static DataFrameUdf<Serializable> observations() {
    CountingService.Client scores = client;
    return AsyncUdf.<Serializable>dataFrame((ctx, rows) -> {
      List<CompletableFuture<List<Row>>> answers = new java.util.ArrayList<>();
      for (Row row : rows) {
        long id = row.getLong(row.fieldIndex("id"));
        answers.add(scores.score(id).toCompletableFuture().thenApply(score -> java.util.stream.LongStream
            .range(0, id % 3).mapToObj(j -> RowFactory.create(id, score + j)).toList()));
      }
      return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
          .thenApply(done -> answers.stream().flatMap(answer -> answer.join().stream()).toList());
    }, CountingService.SCORED).maxChunkSize(10).maxConcurrentChunks(4);
  }

  private static List<String> sortedRows(Dataset<Row> rows) {
    return rows.collectAsList().stream().map(Row::toString).sorted().toList();
  }

  private static List<String> expectedObservations(long ids) {
    return java.util.stream.LongStream.range(0, ids).boxed()
        .flatMap(id -> java.util.stream.LongStream.range(0, id % 3).mapToObj(j -> "[" + id + "," + (2 * id + j) + "]"))
        .sorted().toList();
  }

  @Test
  void theDataFrameHelperJournalsPerInputRowByItsKey() {
    DataFrameUdf<Serializable> journaled = observations().journal(dir.resolve("rows").toString()).journalKey("id");
    assertThat(sortedRows(journaled.apply(spark.range(0, 300, 1, 4).toDF("id")))).isEqualTo(expectedObservations(300));
    assertThat(service.requests()).isEqualTo(300);

    service.reset();
    Dataset<Row> again = journaled.apply(spark.range(0, 300, 1, 4).toDF("id"));
    assertThat(sortedRows(again)).as("rows without outputs answered too").isEqualTo(expectedObservations(300));
    assertThat(service.requests()).as("every input row answered from the journal").isZero();

    service.reset();
    assertThat(sortedRows(journaled.apply(spark.range(0, 450, 1, 3).toDF("id")))).isEqualTo(expectedObservations(450));
    assertThat(service.requests()).as("only the new rows").isEqualTo(150);
    assertThat(service.requestsFor(299)).isZero();
  }

  @Test
  void aDataFrameHelperJournalNeedsAKeyThatItsInputAndOutputCarry() {
    assertThatThrownBy(() -> client.scoredRows().journal(dir.toString()).apply(spark.range(3).toDF("id")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs journalKey(column)");
    assertThatThrownBy(() -> client.scoredRows().journal(dir.toString()).journalKey("patient").apply(spark.range(3).toDF("id")))
        .hasMessageContaining("journalKey 'patient'").hasMessageContaining("is not a column of the output schema");
    assertThatThrownBy(() -> client.scoredRows().journal(dir.toString()).journalKey("score")
            .apply(spark.range(3).toDF("id")).collectAsList())
        .hasStackTraceContaining("journalKey 'score' of async_dataframe_udf is not a column of its input");
    assertThat(service.requests()).isZero();

    DataFrameUdf<Serializable> foreign = AsyncUdf.<Serializable>dataFrame(
            (ctx, rows) -> CompletableFuture.completedFuture(List.of(RowFactory.create(-1L, 0L))), CountingService.SCORED)
        .journal(dir.resolve("foreign").toString()).journalKey("id");
    assertThatThrownBy(() -> foreign.apply(spark.range(3).toDF("id")).collectAsList())
        .hasStackTraceContaining("has id = -1, which no input row of its chunk has");
    assertThatThrownBy(() -> observations().journal(dir.resolve("twice").toString()).journalKey("id")
            .apply(spark.range(0, 10, 1, 1).selectExpr("id % 3 AS id")).collectAsList())
        .hasStackTraceContaining("has two input rows with id = 0");
  }
}
