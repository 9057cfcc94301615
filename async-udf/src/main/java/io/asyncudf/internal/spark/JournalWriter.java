package io.asyncudf.internal.spark;

import io.asyncudf.internal.connector.AsyncUdfThreads;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Appends one task's answers to journal files of its own. Lines reach the file system within about
 * {@link #FLUSH_INTERVAL_MILLIS} of being appended, whether or not more follow ({@code hflush}, from a
 * timer: durable on HDFS and local disks), and a file is closed within about {@link #ROLL_INTERVAL_MILLIS} of
 * being opened, by the next append or by the timer when no append comes, and a new one started at the next append:
 * object stores such as S3 show a file only once it is closed, and on HDFS Spark lists an open file by its
 * completed blocks only. A task that is killed keeps what was flushed; a line left half-written fails its
 * checksum when read. Thread-safe: the task thread appends while the timer flushes and rolls.
 */
final class JournalWriter implements AutoCloseable {

  static final long FLUSH_INTERVAL_MILLIS = 1_000;
  static final long ROLL_INTERVAL_MILLIS = 60_000;
  /** How long closing waits for a file the timer is closing (uploading, on S3). */
  static final long ROLL_WAIT_SECONDS = 60;
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(JournalWriter.class);

  private final Path directory;
  private final Configuration hadoop;
  private final String task;
  private final LongSupplier clock;
  private FSDataOutputStream out;
  private long openedAt;
  private boolean dirty;
  private int files;
  private boolean closed;
  /** A failure of the timer's roll, reported by the next append or close. */
  private IOException rollFailure;
  /** The timer's roll still closing its file (uploading it, on S3), if any: {@link #close} waits for it. */
  private CompletableFuture<Void> rolling;
  private final ScheduledFuture<?> flusher;

  /**
   * @param task names the task in file names, e.g. {@code 1a2b3c4d-3-1042} (the operator's run, partition and
   *     task attempt)
   * @param clock milliseconds, for the flush and roll intervals and the entries' times
   */
  JournalWriter(String directory, Configuration hadoop, String task, LongSupplier clock) {
    this.directory = new Path(directory);
    this.hadoop = hadoop;
    this.task = task;
    this.clock = clock;
    this.flusher = AsyncUdfThreads.files().scheduleWithFixedDelay(this::flushIfDue, FLUSH_INTERVAL_MILLIS, FLUSH_INTERVAL_MILLIS,
        TimeUnit.MILLISECONDS);
  }

  /**
   * Flushes lines appended since the last flush, or closes the file once it has been open for the roll
   * interval, also when no append has come since; a failure shows at the next append or close. The close
   * runs outside the writer's lock (on S3 it uploads the file), so the task's appends go on meanwhile.
   */
  void flushIfDue() {
    FSDataOutputStream rolled;
    synchronized (this) {
      if (out == null || closed) { // a closed writer closes its file itself
        return;
      }
      if (clock.getAsLong() - openedAt < ROLL_INTERVAL_MILLIS) {
        if (dirty) {
          try {
            out.hflush();
            dirty = false;
          } catch (IOException | RuntimeException e) {
            // the next append or close reports the broken stream with the journal's location; the timer goes on
          }
        }
        return;
      }
      rolled = detach();
      rolling = new CompletableFuture<>();
    }
    IOException failure = null;
    try {
      rolled.close();
    } catch (IOException e) {
      failure = e;
    } catch (Throwable e) { // an Error too (a class missing at an upload's start): the task's close must not wait for ever
      failure = new IOException(e.toString(), e);
    } finally {
      rolled(failure);
    }
  }

  private synchronized void rolled(IOException failure) {
    if (failure != null) {
      rollFailure = failure; // the stream is gone: nothing else would report it
    }
    rolling.complete(null);
    rolling = null;
  }

  /** Whether a file is open for appends. */
  synchronized boolean hasOpenFile() {
    return out != null;
  }

  /**
   * Appends the answer for {@code key}.
   *
   * @throws UncheckedIOException if the journal cannot be written, naming its location
   */
  synchronized void append(String key, String json) {
    if (closed) {
      throw new IllegalStateException("the journal writer for " + directory + " is closed");
    }
    long now = clock.getAsLong();
    try {
      reportRollFailure();
      if (out != null && now - openedAt >= ROLL_INTERVAL_MILLIS) {
        closeFile();
      }
      if (out == null) {
        open(now);
      }
      out.write(Journal.line(now, key, json).getBytes(StandardCharsets.UTF_8));
      dirty = true; // the timer flushes it
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to the journal at " + directory + ": " + e.getMessage(), e);
    }
  }

  private void reportRollFailure() throws IOException {
    IOException failure = rollFailure;
    rollFailure = null;
    if (failure != null) {
      throw failure;
    }
  }

  private void open(long now) throws IOException {
    FileSystem fs = directory.getFileSystem(hadoop);
    if (fs instanceof LocalFileSystem local) {
      // its checksummed stream keeps a partial chunk of 512 bytes back from hflush; the raw one's reaches the disk
      fs = local.getRawFileSystem();
    }
    fs.mkdirs(directory);
    String name = "part-" + task + "-" + UUID.randomUUID().toString().substring(0, 8) + "-" + files++ + Journal.SUFFIX;
    out = fs.create(new Path(directory, name), false);
    openedAt = now;
  }

  private void closeFile() throws IOException {
    detach().close();
  }

  /** The open file, no longer this writer's: the next append opens a new one. */
  private FSDataOutputStream detach() {
    FSDataOutputStream file = out;
    out = null;
    dirty = false;
    return file;
  }

  /**
   * Flushes and closes the current file, if any, and waits for a file the timer is closing.
   *
   * @throws UncheckedIOException naming the journal's location if a file could not be written or closed
   */
  @Override
  public void close() {
    CompletableFuture<Void> roll;
    synchronized (this) {
      closed = true;
      flusher.cancel(false);
      roll = rolling;
    }
    if (roll != null) { // outside the lock: the roll takes it to finish
      try {
        roll.get(ROLL_WAIT_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        LOG.warn("the journal file the timer is closing at {} did not close within {} s; the task ends without "
            + "waiting for it", directory, ROLL_WAIT_SECONDS);
      }
    }
    synchronized (this) {
      IOException failure = null;
      if (out != null) {
        try {
          closeFile();
        } catch (IOException e) {
          failure = e;
        }
      }
      try {
        reportRollFailure();
      } catch (IOException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
      if (failure != null) {
        throw new UncheckedIOException("cannot close the journal file at " + directory + ": " + failure.getMessage(),
            failure);
      }
    }
  }
}
