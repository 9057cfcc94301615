package io.asyncudf;

import io.asyncudf.partition.SparkPartitionInformation;
import java.io.Serializable;

/**
 * Something that happened while an async UDF ran: to a partition, to a chunk, or to a request a chunk made.
 * Immutable and serializable (a failure that does not serialize travels to the driver as a
 * {@code RuntimeException} with its class name, message and stack trace). {@link AsyncUdfListener#onEvent}
 * receives every event; its named methods receive one kind each.
 */
public sealed interface AsyncUdfEvent extends Serializable
    permits PartitionEvent, ChunkEvent, RequestRetryEvent, RequestWaitEvent, RequestResendEvent {

  /** The task and executor, and the chunk for chunk and request events. */
  SparkPartitionInformation partition();

  /** The failure the event reports, or null. */
  Throwable failure();
}
