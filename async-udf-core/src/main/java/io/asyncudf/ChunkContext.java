package io.asyncudf;

import io.asyncudf.connector.RequestScope;
import io.asyncudf.partition.SparkPartitionInformation;
import java.io.Serializable;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What a chunk function knows about the chunk it is processing. One context describes one
 * attempt at one chunk; it is immutable.
 *
 * <p>It is also the attempt's {@link RequestScope}: pass it to every connector call. Connectors
 * report their request retries to it (they reach {@link AsyncUdfListener#onRequestRetry}) and
 * register the requests they start, and when the attempt ends (it completes, fails, passes its
 * {@code timeout}, or its task is killed) the engine cancels the registered requests that are still
 * open, whatever the function chained on them.
 *
 * @param <P> the user parameters
 */
public interface ChunkContext<P> extends RequestScope {

  /** The Spark partition the chunk belongs to. */
  int partitionIndex();

  /** 0-based index of the chunk within its partition. */
  int chunkIndex();

  /**
   * 0-based row offset, within the partition, of the chunk's first input. With a journal, the rows it
   * answered are not called, so a chunk's inputs need not be rows that follow one another: use
   * {@link #rowIndex(int)} for input {@code i}'s row.
   */
  long firstRowIndex();

  /**
   * 0-based row offset, within the partition, of input {@code index} of this chunk: {@code firstRowIndex() + index},
   * unless a journal answered rows in between (which are not called).
   *
   * @throws IndexOutOfBoundsException unless {@code 0 <= index < size()}
   */
  default long rowIndex(int index) {
    Objects.checkIndex(index, size());
    return firstRowIndex() + index;
  }

  /** Rows in this chunk. */
  int size();

  /** 1 on the first try, 2 on the first retry, and so on. */
  int attempt();

  /** The parameters given with {@code parameters(P)}, or null when none were given. */
  P parameters();

  /** The task, executor and chunk this attempt runs in; its fields are in the SLF4J MDC while the function runs. */
  SparkPartitionInformation partitionInformation();

  /**
   * Sends {@code request} to the UDF's {@link DriverCallback} on the driver and completes with its
   * answer, without blocking the calling thread. The call belongs to this attempt: it is abandoned
   * when the attempt ends. The stage fails with a {@link DriverCallbackException} when the handler
   * throws (naming it and carrying its message), when the UDF has no callback, or when there is no
   * answer within the chunk timeout.
   */
  default <Q extends Serializable, R extends Serializable> CompletionStage<R> callDriver(Q request) {
    return CompletableFuture.failedFuture(new DriverCallbackException("(none)",
        "this ChunkContext (" + getClass().getName() + ") has no driver channel"));
  }
}
