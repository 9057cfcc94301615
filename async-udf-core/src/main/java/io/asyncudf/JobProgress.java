package io.asyncudf;

import java.time.Duration;
import java.util.Locale;

/**
 * A snapshot of one run of an async UDF with progress on ({@code .progress(true)} or
 * {@code spark.asyncudf.progress=true}), as the driver sees it: the numbers of the progress line.
 * Read them with {@link AsyncUdf#progress()}.
 *
 * @param name the UDF's name (or SQL function's)
 * @param running whether the run still has partitions going (a run ends when its last partition ends)
 * @param rowsDone input rows whose chunk finished, successfully or not; a partition attempt that fails, or a
 *     task attempt Spark reports failed or lost, takes its rows off again (its retry does them), so this
 *     can go down
 * @param totalRows the run's input rows when known (every partition has ended), else an estimate from
 *     the partitions that ended, else -1
 * @param totalKnown whether {@code totalRows} is exact
 * @param partitionsDone partitions that ended
 * @param partitions partitions of the input (tasks of the stage)
 * @param rowsPerSecond {@code rowsDone} over {@code elapsed}
 * @param inFlightChunks chunk attempts running now
 * @param retries chunk retries plus connector request retries
 * @param failedRows rows that failed for good (recorded in the error column or failing the task)
 * @param elapsed since the run's first partition started
 * @param eta the estimated time left, or null when there is no estimate yet
 * @param requestWaits connector requests that waited for a free in-flight slot (a connection) of their
 *     client: the client's limit, not the service, held them back
 * @param inFlightLimit the in-flight limit of the client the last waiting request saw (an adaptive limit's
 *     current value), or -1 when no request waited
 */
public record JobProgress(
    String name,
    boolean running,
    long rowsDone,
    long totalRows,
    boolean totalKnown,
    int partitionsDone,
    int partitions,
    double rowsPerSecond,
    int inFlightChunks,
    long retries,
    long failedRows,
    Duration elapsed,
    Duration eta,
    long requestWaits,
    int inFlightLimit) {

  /** Progress without connector waits (the form before {@code requestWaits}). */
  public JobProgress(String name, boolean running, long rowsDone, long totalRows, boolean totalKnown, int partitionsDone,
      int partitions, double rowsPerSecond, int inFlightChunks, long retries, long failedRows, Duration elapsed,
      Duration eta) {
    this(name, running, rowsDone, totalRows, totalKnown, partitionsDone, partitions, rowsPerSecond, inFlightChunks,
        retries, failedRows, elapsed, eta, 0, -1);
  }

  /**
   * The progress line: {@code name: rows (of total), rows/s, in flight, retries, failed, elapsed, ETA}, and
   * the requests that waited for a connection with the client's in-flight limit when any did.
   */
  @Override
  public String toString() {
    String total = totalRows < 0 ? "" : String.format(Locale.ROOT, " of %s%,d", totalKnown ? "" : "~", totalRows);
    return String.format(Locale.ROOT,
        "%s: %,d%s rows | %,.0f rows/s | %d in flight | %,d retries | %,d failed | partitions %d/%d | %s elapsed | ETA %s",
        name, rowsDone, total, rowsPerSecond, inFlightChunks, retries, failedRows, partitionsDone, partitions,
        clock(elapsed), eta == null ? "?" : clock(eta))
        + (requestWaits == 0 ? "" : String.format(Locale.ROOT, " | %,d waited for a connection (in-flight limit %d)",
            requestWaits, inFlightLimit));
  }

  private static String clock(Duration duration) {
    long seconds = Math.max(0, duration.toSeconds());
    return seconds >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
        : String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
  }
}
