package io.asyncudf;

import io.asyncudf.spark.Journal;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Housekeeping of the answer journals that {@code journal(path)} (and the SQL option {@code journal})
 * keep: read one for audit, compact its files. Entries older than the session key
 * {@code spark.asyncudf.journal.maxAge} (a duration such as {@code 30d}) are not used as answers: their
 * inputs are called again and journaled anew. See {@code docs/journal.md}.
 */
public final class Journals {

  private Journals() {}

  /**
   * The journal at {@code path} as a DataFrame, the latest valid entry per key: {@code key} (SHA-256 of the
   * call's input as JSON), {@code written_at} (timestamp) and {@code answer} (JSON {@code {"v": ...}}).
   * Lines that fail their checksum (cut by a crash) are left out. Empty when there is no journal.
   *
   * @throws java.io.UncheckedIOException if the location cannot be listed
   */
  public static Dataset<Row> read(SparkSession spark, String path) {
    return Journal.latest(spark, path);
  }

  /**
   * Rewrites the journal files at {@code path} as a few files holding the latest valid entry per key and
   * deletes the old ones; files written while it runs are kept as they are. Safe while queries read the
   * journal. Returns the entries the journal holds afterwards.
   *
   * @throws java.io.UncheckedIOException if a file cannot be listed, moved or deleted
   */
  public static long compact(SparkSession spark, String path) {
    return Journal.compact(spark, path);
  }
}
