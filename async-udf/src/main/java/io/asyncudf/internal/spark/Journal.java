package io.asyncudf.internal.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.max_by;

import io.asyncudf.internal.spark.catalyst.Plans;
import io.asyncudf.internal.spark.catalyst.SparkInternals;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.BoundReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.RuntimeReplaceable;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A journal of one call's answers: a directory of text files, any Hadoop {@code FileSystem} location.
 * Each line is one answer: the CRC-32 of the rest of the line, the time it was written (epoch
 * milliseconds), the key (SHA-256 of the call's input, or of the key the helper names, as JSON) and the
 * answer as JSON ({@code {"v": answer, "t": type}}, {@code t} a fingerprint of the answer's type), separated by
 * tabs. An answer written for another type (the call's output changed) is not found, so its row is called
 * again; lines written before types were kept (no {@code t}) count for any type.
 * Tasks append to files of their own ({@link JournalWriter}); a line cut short by a crash, or garbled,
 * fails its checksum and is skipped, so a half-written file never yields a wrong answer. Reading takes,
 * per key, the latest answer. Not meant to be used directly: see {@code io.asyncudf.Journals}.
 */
public final class Journal {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Journal.class);

  /** The suffix of journal files; other files in the directory are ignored. */
  static final String SUFFIX = ".journal";
  /** Entries older than this session key (a duration such as {@code 30d}) are not answers: they are called again. */
  static final String MAX_AGE = "spark.asyncudf.journal.maxAge";
  private static final StructType LINES = new StructType().add("at", DataTypes.LongType).add("key", DataTypes.StringType)
      .add("answer", DataTypes.StringType);

  private Journal() {}

  /** The journal line of one answer. */
  static String line(long writtenAtMillis, String key, String json) {
    String payload = writtenAtMillis + "\t" + key + "\t" + json;
    CRC32 crc = new CRC32();
    crc.update(payload.getBytes(StandardCharsets.UTF_8));
    return crc.getValue() + "\t" + payload + "\n";
  }

  /**
   * The key and the answer's JSON of a journal line (without its line end), or null when its checksum
   * fails: a line cut short or garbled.
   */
  static String[] entry(String line) {
    int tab = line.indexOf('\t');
    if (tab < 0) {
      return null;
    }
    String payload = line.substring(tab + 1);
    CRC32 crc = new CRC32();
    crc.update(payload.getBytes(StandardCharsets.UTF_8));
    if (!line.substring(0, tab).equals(String.valueOf(crc.getValue()))) {
      return null;
    }
    String[] fields = payload.split("\t", 3);
    return fields.length == 3 ? new String[] {fields[1], fields[2]} : null;
  }

  /**
   * Hands {@code answers} the key and answer JSON of each valid line of the journal files at {@code path} whose
   * names start with {@code prefix}, at most {@code maxBytes} of lines. A file that cannot be read is skipped,
   * with a warning (its rows are called again).
   */
  static void readLines(String path, org.apache.hadoop.conf.Configuration hadoop, String prefix, long maxBytes,
      java.util.function.BiConsumer<String, String> answers) {
    Path directory = new Path(path);
    FileStatus[] files;
    FileSystem fs;
    try {
      fs = directory.getFileSystem(hadoop);
      if (!fs.exists(directory)) {
        return;
      }
      files = fs.listStatus(directory);
    } catch (IOException e) {
      LOG.warn("cannot list the journal at {}; calling the rows its files {}* answered again: {}", path, prefix,
          e.toString());
      return;
    }
    long read = 0;
    for (FileStatus file : files) {
      String name = file.getPath().getName();
      if (!name.startsWith(prefix) || !name.endsWith(SUFFIX)) {
        continue;
      }
      try (java.io.BufferedReader lines = new java.io.BufferedReader(new java.io.InputStreamReader(
          fs.open(file.getPath()), StandardCharsets.UTF_8))) {
        for (String line = lines.readLine(); line != null && read < maxBytes; line = lines.readLine()) {
          read += line.length() + 1;
          String[] entry = entry(line);
          if (entry != null) {
            answers.accept(entry[0], entry[1]);
          }
        }
      } catch (IOException e) { // e.g. a file a dead executor left open on HDFS
        LOG.warn("cannot read the journal file {}; calling its rows again: {}", file.getPath(), e.toString());
      }
    }
  }

  /**
   * The answer of {@code type} in a journal line's JSON, given as column 0 (a string) of a row; null when
   * the line was written for another type.
   */
  static Expression answerOf(SparkSession spark, DataType type) {
    return over(spark, new BoundReference(0, DataTypes.StringType, true), x -> {
      org.apache.spark.sql.Column parsed = from_json(x, wrapper(type), READ_OPTIONS);
      return functions.when(ofType(x, parsed.getField("t"), type), parsed.getField("v"));
    });
  }

  /**
   * Whether a line's answer, {@code json} read back with its type fingerprint {@code t}, is of {@code type}: its
   * fingerprint is {@code type}'s, or the line has none (written before they were kept). A line that has one
   * but could not be read back (its {@code t} null) is not: its row is called again, never answered null.
   */
  private static org.apache.spark.sql.Column ofType(org.apache.spark.sql.Column json, org.apache.spark.sql.Column t,
      DataType type) {
    return t.equalTo(functions.lit(fingerprint(type))).or(functions.not(json.rlike(FINGERPRINTED)));
  }

  /** The end of an answer's JSON that has a type fingerprint: {@code "t":"<16 hex digits>"}} (it comes last). */
  private static final String FINGERPRINTED = "\"t\":\"[0-9a-f]{16}\"}$";

  /** A short fingerprint of {@code type}: what its answers' JSON reads back as. */
  static String fingerprint(DataType type) {
    try {
      byte[] hash = java.security.MessageDigest.getInstance("SHA-256")
          .digest(type.catalogString().getBytes(StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(hash, 0, 8);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is a required JVM algorithm", e);
    }
  }

  /**
   * The answers journaled at {@code path}, one row per key, as columns {@code k} (the key) and {@code v}
   * (the answer, of {@code type}); empty when there is no journal yet. Lists the files now; reading them
   * happens when the query runs, in parallel, like any file source. Plans join the optimized form
   * ({@link #optimizedAnswers}).
   *
   * @throws UncheckedIOException if the location cannot be listed
   */
  static Dataset<Row> answers(SparkSession spark, String path, DataType type) {
    Dataset<Row> latest = latest(spark, path);
    Duration maxAge = maxAge(spark);
    if (maxAge != null) {
      latest = latest.where(col("written_at").geq(functions.lit(java.sql.Timestamp.from(
          java.time.Instant.now().minus(maxAge)))));
    }
    org.apache.spark.sql.Column parsed = from_json(col("answer"), wrapper(type), READ_OPTIONS);
    return latest.where(ofType(col("answer"), parsed.getField("t"), type)).select(col("key").as("k"), parsed.getField("v").as("v"));
  }

  /**
   * The valid entries of the journal at {@code path}, the latest per key: {@code key}, {@code written_at}
   * (timestamp) and {@code answer} (the JSON the line keeps, {@code {"v": ...}}). Empty when there is none.
   *
   * @throws UncheckedIOException if the location cannot be listed
   */
  public static Dataset<Row> latest(SparkSession spark, String path) {
    return latest(entries(spark, path));
  }

  private static Dataset<Row> latest(Dataset<Row> entries) {
    return entries
        .groupBy("key").agg(max_by(col("answer"), col("at")).as("answer"), functions.max(col("at")).as("at"))
        .select(col("key"), functions.timestamp_millis(col("at")).as("written_at"), col("answer"));
  }

  /** Every line of the journal whose checksum holds: {@code at} (epoch ms), {@code key}, {@code answer}. */
  private static Dataset<Row> entries(SparkSession spark, String path) {
    List<Path> files = files(spark, path);
    return files.isEmpty() ? spark.createDataFrame(List.of(), LINES) : entries(spark, files);
  }

  private static Dataset<Row> entries(SparkSession spark, List<Path> files) {
    // a file compaction deletes after this query was planned is skipped, not an error
    return spark.read().option("ignoreMissingFiles", "true").text(files.stream().map(Path::toString).toArray(String[]::new))
        .select(expr("substring_index(value, '\\t', 1)").as("crc"),
            expr("substr(value, instr(value, '\\t') + 1)").as("payload"))
        .where("crc = cast(crc32(cast(payload AS BINARY)) AS STRING)")
        .select(expr("split(payload, '\\t', 3)").as("entry"))
        .select(expr("cast(entry[0] AS BIGINT)").as("at"), expr("entry[1]").as("key"), expr("entry[2]").as("answer"));
  }

  /** The session's {@value #MAX_AGE}, or null when entries never expire. */
  private static Duration maxAge(SparkSession spark) {
    String value = spark.conf().get(MAX_AGE, "");
    if (value.isBlank()) {
      return null;
    }
    try {
      return Duration.ofMillis(org.apache.spark.network.util.JavaUtils.timeStringAsMs(value.trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(MAX_AGE + " must be a duration like 30d or 12h, was '" + value + "'");
    }
  }

  /** Journal locations this JVM (the driver) has written a probe file to. */
  private static final java.util.Set<String> WRITABLE = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * Checks, once per location and driver JVM, that a file can be written and closed at {@code path}, so that a
   * journal the job may not write fails the query before any call. On an object store such as S3 a refused
   * write shows only when its file is closed: without the probe each task would call its rows, then fail.
   *
   * @throws UncheckedIOException naming the location if the probe file cannot be written or closed
   */
  static void requireWritable(SparkSession spark, String path) {
    if (WRITABLE.contains(path)) {
      return;
    }
    Path directory = new Path(path);
    Path probe = new Path(directory, "_probe-" + java.util.UUID.randomUUID() + ".tmp");
    FileSystem fs;
    try {
      fs = directory.getFileSystem(SparkInternals.hadoopConf(spark));
      fs.mkdirs(directory);
      try (org.apache.hadoop.fs.FSDataOutputStream out = fs.create(probe, false)) {
        out.write('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write to the journal at " + path + ": a probe file failed ("
          + e.getMessage() + "), so no row was called", e);
    }
    WRITABLE.add(path);
    try {
      fs.delete(probe, false);
    } catch (IOException e) { // writers never delete: a store that allows writes only is fine
      LOG.warn("cannot delete the probe file {} of the journal: {}", probe, e.toString());
    }
  }

  /** {@link #answers} as an optimized logical plan, ready to join a plan the optimizer is working on. */
  static org.apache.spark.sql.catalyst.plans.logical.LogicalPlan optimizedAnswers(SparkSession spark, String path,
      DataType type) {
    return answers(spark, path, type).queryExecution().optimizedPlan();
  }

  private static StructType wrapper(DataType type) {
    return new StructType().add("v", type, true).add("t", DataTypes.StringType, true);
  }

  /** The journal files at {@code path} now; none when there is no such directory. */
  private static List<Path> files(SparkSession spark, String path) {
    Path directory = new Path(path);
    try {
      FileSystem fs = directory.getFileSystem(SparkInternals.hadoopConf(spark));
      if (!fs.exists(directory)) {
        return List.of();
      }
      List<Path> files = new java.util.ArrayList<>();
      for (FileStatus file : fs.listStatus(directory)) {
        if (file.isFile() && file.getPath().getName().endsWith(SUFFIX)) {
          files.add(file.getPath());
        }
      }
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the journal at " + path + ": " + e.getMessage(), e);
    }
  }

  /**
   * Rewrites the journal files at {@code path} last written more than {@code olderThan} ago as a few files
   * holding the latest valid entry per key, then deletes them; younger files (a running task may still
   * append to its file for up to a minute), files still open on HDFS (a dead executor's, until the NameNode
   * recovers them) and files written meanwhile are left as they are. Readers may see an entry twice while it
   * runs (they take one per key), never none; a query planned before it ends skips the files it deleted.
   * Returns the entries the journal holds afterwards.
   *
   * @throws UncheckedIOException if a file cannot be moved or deleted
   */
  public static long compact(SparkSession spark, String path, Duration olderThan) {
    long cutoff = System.currentTimeMillis() - olderThan.toMillis();
    List<Path> files = new java.util.ArrayList<>();
    try {
      FileSystem fs = new Path(path).getFileSystem(SparkInternals.hadoopConf(spark));
      for (Path file : files(spark, path)) {
        // on HDFS a file a dead executor left open keeps its first time, and reads only to its completed blocks:
        // its flushed lines are there once the NameNode recovers it, so it is never compacted before
        if (fs.getFileStatus(file).getModificationTime() <= cutoff
            && !(fs instanceof org.apache.hadoop.fs.LeaseRecoverable leases && !leases.isFileClosed(file))) {
          files.add(file);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the journal at " + path + ": " + e.getMessage(), e);
    }
    if (files.isEmpty()) {
      return latest(spark, path).count();
    }
    Path directory = new Path(path);
    String run = java.util.UUID.randomUUID().toString().substring(0, 8);
    Path staging = new Path(directory, "_compacting-" + run);
    Dataset<Row> lines = latest(entries(spark, files))
        .select(functions.concat_ws("\t", expr("cast(unix_millis(written_at) AS STRING)"), col("key"), col("answer"))
            .as("payload"))
        .select(functions.concat_ws("\t", expr("cast(crc32(cast(payload AS BINARY)) AS STRING)"), col("payload")));
    lines.write().option("compression", "none").text(staging.toString());
    try {
      FileSystem fs = directory.getFileSystem(SparkInternals.hadoopConf(spark));
      int part = 0;
      for (FileStatus written : fs.listStatus(staging)) {
        if (written.getPath().getName().startsWith("part-")) {
          Path target = new Path(directory, "compacted-" + run + "-" + part++ + SUFFIX);
          if (!fs.rename(written.getPath(), target)) {
            throw new IOException("cannot move " + written.getPath() + " to " + target);
          }
        }
      }
      fs.delete(staging, true);
      for (Path file : files) {
        fs.delete(file, false);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot compact the journal at " + path + ": " + e.getMessage(), e);
    }
    return latest(spark, path).count();
  }

  /**
   * How values become JSON, for keys and answers alike: timestamps to the microsecond and in UTC (Spark's
   * default writes milliseconds in the session's zone, so inputs a microsecond apart shared a key).
   */
  private static final Map<String, String> JSON_OPTIONS = Map.of(
      "timestampFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSSSSxxx",
      "timestampNTZFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSSSS",
      "timeZone", "UTC");
  /**
   * How answers are read back: as {@link #JSON_OPTIONS}, and without the reader's default limits on the length of
   * a string or number and on nesting, which {@code to_json} does not have: an answer journaled must read back.
   */
  private static final Map<String, String> READ_OPTIONS = withoutReadLimits();

  private static Map<String, String> withoutReadLimits() {
    Map<String, String> options = new java.util.HashMap<>(JSON_OPTIONS);
    for (String limit : List.of("maxStringLen", "maxNumLen", "maxNestingDepth")) {
      options.put(limit, String.valueOf(Integer.MAX_VALUE));
    }
    return Map.copyOf(options);
  }

  private static final String JSON_OPTIONS_SQL = "map('timestampFormat', \"yyyy-MM-dd'T'HH:mm:ss.SSSSSSxxx\", "
      + "'timestampNTZFormat', \"yyyy-MM-dd'T'HH:mm:ss.SSSSSS\", 'timeZone', 'UTC')";

  /** The key of a call's input: SHA-256 of its value as JSON, hex. */
  static Expression key(SparkSession spark, Expression input) {
    return over(spark, input, "sha2(to_json(named_struct('v', `x`), " + JSON_OPTIONS_SQL + "), 256)");
  }

  /** An answer as the JSON a journal line keeps, with its type's fingerprint. */
  static Expression json(SparkSession spark, Expression answer) {
    return over(spark, answer, "to_json(named_struct('v', `x`, 't', '" + fingerprint(answer.dataType()) + "'), "
        + JSON_OPTIONS_SQL + ")");
  }

  /**
   * {@code sql} over column {@code x}, resolved by Spark's analyser against a placeholder of
   * {@code value}'s type, then with {@code value} in the placeholder's place.
   */
  private static Expression over(SparkSession spark, Expression value, String sql) {
    return over(spark, value, x -> expr(sql));
  }

  /** The same for the column {@code column} makes of column {@code x}. */
  private static Expression over(SparkSession spark, Expression value,
      java.util.function.Function<org.apache.spark.sql.Column, org.apache.spark.sql.Column> column) {
    Dataset<Row> placeholder = spark.createDataFrame(List.of(), new StructType().add("x", value.dataType(), true));
    Attribute x = (Attribute) Plans.list(SparkInternals.logicalPlan(placeholder).output()).get(0);
    Project resolved = (Project) SparkInternals.logicalPlan(placeholder.select(column.apply(col("x"))));
    Expression expression = replaced(((Alias) resolved.projectList().head()).child());
    return Plans.transformUp(expression, node -> node instanceof Attribute attribute && attribute.exprId().equals(x.exprId())
        ? value : node);
  }

  /**
   * {@code expression} with what the optimizer replaces before planning ({@code to_json} and friends are
   * {@link RuntimeReplaceable}) replaced: the journal's expressions join the plan after that step.
   */
  private static Expression replaced(Expression expression) {
    Expression current = expression;
    while (Plans.exists(current, RuntimeReplaceable.class::isInstance)) {
      current = Plans.transformUp(current, node -> node instanceof RuntimeReplaceable replaceable
          ? replaceable.replacement() : node);
    }
    return current;
  }
}
