package io.asyncudf;

import java.time.Duration;
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
    return SparkAdapters.get().readJournal(spark, path);
  }

  /** The files {@link #compact(SparkSession, String)} leaves: those written in the last two minutes. */
  public static final Duration RECENT = Duration.ofMinutes(2);

  /**
   * {@link #compact(SparkSession, String, Duration)} of the files not written in the last {@link #RECENT two
   * minutes} (a task may append to its file for up to a minute).
   *
   * @throws java.io.UncheckedIOException if a file cannot be listed, moved or deleted
   */
  public static long compact(SparkSession spark, String path) {
    return compact(spark, path, RECENT);
  }

  /**
   * Rewrites the journal files at {@code path} last written more than {@code olderThan} ago as a few files
   * holding the latest valid entry per key and deletes them; younger files, and files written while it
   * runs, are kept as they are. Queries may read the journal meanwhile: they see an entry twice at worst
   * (and take one per key), and skip a file deleted after they were planned. Returns the entries the
   * journal holds afterwards.
   *
   * @throws java.io.UncheckedIOException if a file cannot be listed, moved or deleted
   */
  public static long compact(SparkSession spark, String path, Duration olderThan) {
    return SparkAdapters.get().compactJournal(spark, path, olderThan);
  }
}
