package io.asyncudf.it;

import io.asyncudf.AsyncUdfListener;
import io.asyncudf.ChunkEvent;
import io.asyncudf.PartitionEvent;
import org.apache.spark.util.CollectionAccumulator;

/** Ships events from executor JVMs back to the driver through a Spark accumulator. */
final class AccumulatingListener implements AsyncUdfListener {

  private final CollectionAccumulator<String> events;

  AccumulatingListener(CollectionAccumulator<String> events) {
    this.events = events;
  }

  @Override
  public void onPartitionEnd(PartitionEvent event) {
    events.add("partition-end:" + event.partition().partitionIndex() + ":" + event.partition().processId()
        + ":" + event.inputRows());
  }

  @Override
  public void onChunkSuccess(ChunkEvent event) {
    events.add("chunk-success:" + event.partition().partitionIndex() + ":" + event.partition().chunkIndex());
  }
}
