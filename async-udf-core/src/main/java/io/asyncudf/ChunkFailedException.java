package io.asyncudf;

/**
 * A chunk that still failed after its retries, failing the Spark task because the UDF records no
 * errors (no {@code errorColumn}) or because the failure's type must always fail ({@code failOn}).
 * The message names the partition, chunk, row range, attempts and cause; the cause is the last
 * attempt's failure.
 */
public final class ChunkFailedException extends RuntimeException {

  private final int partitionIndex;
  private final int chunkIndex;
  private final long firstRowIndex;
  private final long lastRowIndex;
  private final int size;
  private final int attempts;

  /** A chunk of {@code size} consecutive rows of the partition, from {@code firstRowIndex}. */
  public ChunkFailedException(int partitionIndex, int chunkIndex, long firstRowIndex, int size, int attempts, Throwable cause) {
    this(partitionIndex, chunkIndex, firstRowIndex, firstRowIndex + size - 1, size, attempts, cause);
  }

  /**
   * A chunk of {@code size} rows from {@code firstRowIndex} to {@code lastRowIndex}: more than {@code size} rows
   * apart where a journal answered rows of the partition in between.
   */
  public ChunkFailedException(int partitionIndex, int chunkIndex, long firstRowIndex, long lastRowIndex, int size,
      int attempts, Throwable cause) {
    super(chunk(partitionIndex, chunkIndex, firstRowIndex, lastRowIndex) + " failed after " + attempts
        + (attempts == 1 ? " attempt: " : " attempts: ") + describe(cause), cause);
    this.partitionIndex = partitionIndex;
    this.chunkIndex = chunkIndex;
    this.firstRowIndex = firstRowIndex;
    this.lastRowIndex = lastRowIndex;
    this.size = size;
    this.attempts = attempts;
  }

  public int partitionIndex() {
    return partitionIndex;
  }

  public int chunkIndex() {
    return chunkIndex;
  }

  public long firstRowIndex() {
    return firstRowIndex;
  }

  /** The partition's row of the chunk's last input. */
  public long lastRowIndex() {
    return lastRowIndex;
  }

  public int size() {
    return size;
  }

  public int attempts() {
    return attempts;
  }

  /** As the engine names chunks: {@code "chunk 2 of partition 0 (rows 200-299)"}. */
  private static String chunk(int partitionIndex, int chunkIndex, long firstRowIndex, long lastRowIndex) {
    String range = firstRowIndex == lastRowIndex ? "row " + firstRowIndex : "rows " + firstRowIndex + "-" + lastRowIndex;
    return "chunk " + chunkIndex + " of partition " + partitionIndex + " (" + range + ")";
  }

  static String describe(Throwable cause) {
    String message = cause.getMessage();
    return message == null ? cause.getClass().getName() : cause.getClass().getName() + ": " + message;
  }
}
