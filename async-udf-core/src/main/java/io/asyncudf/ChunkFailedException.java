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
  private final int size;
  private final int attempts;

  public ChunkFailedException(int partitionIndex, int chunkIndex, long firstRowIndex, int size, int attempts, Throwable cause) {
    super(chunk(partitionIndex, chunkIndex, firstRowIndex, size) + " failed after " + attempts + (attempts == 1 ? " attempt: " : " attempts: ")
        + describe(cause), cause);
    this.partitionIndex = partitionIndex;
    this.chunkIndex = chunkIndex;
    this.firstRowIndex = firstRowIndex;
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

  public int size() {
    return size;
  }

  public int attempts() {
    return attempts;
  }

  /** As the engine names chunks: {@code "chunk 2 of partition 0 (rows 200-299)"}. */
  private static String chunk(int partitionIndex, int chunkIndex, long firstRowIndex, int size) {
    String range = size == 1 ? "row " + firstRowIndex : "rows " + firstRowIndex + "-" + (firstRowIndex + size - 1);
    return "chunk " + chunkIndex + " of partition " + partitionIndex + " (" + range + ")";
  }

  static String describe(Throwable cause) {
    String message = cause.getMessage();
    return message == null ? cause.getClass().getName() : cause.getClass().getName() + ": " + message;
  }
}
