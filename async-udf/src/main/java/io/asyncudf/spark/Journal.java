package io.asyncudf.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.max_by;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.RuntimeReplaceable;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A journal of one call's answers: a directory of text files, any Hadoop {@code FileSystem} location.
 * Each line is one answer: the CRC-32 of the rest of the line, the time it was written (epoch
 * milliseconds), the key (SHA-256 of the call's input as JSON) and the answer as JSON, separated by tabs.
 * Tasks append to files of their own ({@link JournalWriter}); a line cut short by a crash, or garbled,
 * fails its checksum and is skipped, so a half-written file never yields a wrong answer. Reading takes,
 * per key, the latest answer.
 */
final class Journal {

  /** The suffix of journal files; other files in the directory are ignored. */
  static final String SUFFIX = ".journal";
  private static final StructType ENTRIES = new StructType().add("k", DataTypes.StringType).add("v", DataTypes.StringType);

  private Journal() {}

  /** The journal line of one answer. */
  static String line(long writtenAtMillis, String key, String json) {
    String payload = writtenAtMillis + "\t" + key + "\t" + json;
    CRC32 crc = new CRC32();
    crc.update(payload.getBytes(StandardCharsets.UTF_8));
    return crc.getValue() + "\t" + payload + "\n";
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
    if (!hasEntries(spark, path)) {
      return spark.createDataFrame(List.of(), ENTRIES)
          .select(col("k"), from_json(col("v"), wrapper(type)).getField("v").as("v"));
    }
    return spark.read().option("pathGlobFilter", "*" + SUFFIX).text(path)
        .select(expr("substring_index(value, '\\t', 1)").as("crc"),
            expr("substr(value, instr(value, '\\t') + 1)").as("payload"))
        .where("crc = cast(crc32(cast(payload AS BINARY)) AS STRING)")
        .select(expr("split(payload, '\\t', 3)").as("entry"))
        .select(expr("cast(entry[0] AS BIGINT)").as("at"), expr("entry[1]").as("k"), expr("entry[2]").as("json"))
        .groupBy("k").agg(max_by(col("json"), col("at")).as("json"))
        .select(col("k"), from_json(col("json"), wrapper(type)).getField("v").as("v"));
  }

  /** {@link #answers} as an optimized logical plan, ready to join a plan the optimizer is working on. */
  static org.apache.spark.sql.catalyst.plans.logical.LogicalPlan optimizedAnswers(SparkSession spark, String path,
      DataType type) {
    return answers(spark, path, type).queryExecution().optimizedPlan();
  }

  private static StructType wrapper(DataType type) {
    return new StructType().add("v", type, true);
  }

  private static boolean hasEntries(SparkSession spark, String path) {
    Path directory = new Path(path);
    try {
      FileSystem fs = directory.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(directory)) {
        return false;
      }
      for (FileStatus file : fs.listStatus(directory)) {
        if (file.isFile() && file.getPath().getName().endsWith(SUFFIX)) {
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the journal at " + path + ": " + e.getMessage(), e);
    }
  }

  /** The key of a call's input: SHA-256 of its value as JSON, hex. */
  static Expression key(SparkSession spark, Expression input) {
    return over(spark, input, "sha2(to_json(named_struct('v', `x`)), 256)");
  }

  /** An answer as the JSON a journal line keeps. */
  static Expression json(SparkSession spark, Expression answer) {
    return over(spark, answer, "to_json(named_struct('v', `x`))");
  }

  /**
   * {@code sql} over column {@code x}, resolved by Spark's analyser against a placeholder of
   * {@code value}'s type, then with {@code value} in the placeholder's place.
   */
  private static Expression over(SparkSession spark, Expression value, String sql) {
    Dataset<Row> placeholder = spark.createDataFrame(List.of(), new StructType().add("x", value.dataType(), true));
    Attribute x = (Attribute) Plans.list(SparkInternals.logicalPlan(placeholder).output()).get(0);
    Project resolved = (Project) SparkInternals.logicalPlan(placeholder.selectExpr(sql));
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
