package io.asyncudf;

import io.asyncudf.partition.SparkPartitionInformation;
import java.time.Duration;

/**
 * A request that a chunk function made through a connector waited for a free in-flight slot of the
 * connector's client (a connection) before it was sent: the client's limit, fixed or adaptive, was
 * reached by the requests of the executor's tasks.
 *
 * @param partition the task, executor and chunk the request belongs to
 * @param chunkAttempt the attempt at the chunk during which the request was made
 * @param request what was requested, e.g. {@code "GET http://host/fhir/Patient/1"}; never contains secrets
 * @param waited how long it waited for its slot
 * @param inFlightLimit the client's in-flight limit when the request got its slot (an adaptive limit moves)
 */
public record RequestWaitEvent(
    SparkPartitionInformation partition,
    int chunkAttempt,
    String request,
    Duration waited,
    int inFlightLimit) implements AsyncUdfEvent {

  /** None: a wait is not a failure. */
  @Override
  public Throwable failure() {
    return null;
  }
}
