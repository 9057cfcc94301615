package io.asyncudf;

import java.io.Serializable;

/**
 * A function on the driver that chunks call while the job runs ({@link ChunkContext#callDriver}): to
 * report and get back a decision (stop, slow down), a fresh token, or a lookup only the driver holds.
 * Set with {@code .callback(DriverCallback)} on a {@link ColumnUdf} or {@link DataFrameUdf}.
 *
 * <p>It runs on the driver and is never serialized, so it may capture driver state. It is called
 * from a small pool of driver threads (four), possibly concurrently: implementations must be
 * thread-safe. Requests and responses travel over Spark's own RPC (so {@code spark.authenticate} and
 * {@code spark.network.crypto.enabled} apply) and must be serializable.
 *
 * @param <Q> the request a chunk sends
 * @param <R> the response it gets back
 */
@FunctionalInterface
public interface DriverCallback<Q extends Serializable, R extends Serializable> {

  /**
   * Answers one request of a chunk. An exception thrown here comes back to the chunk as a failed
   * stage ({@link DriverCallbackException}) naming this handler and carrying the message.
   */
  R handle(Q request) throws Exception;
}
