package io.asyncudf.internal.engine;

import io.asyncudf.AsyncUdfListener;
import io.asyncudf.ChunkEvent;
import io.asyncudf.PartitionEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every event as "kind:chunk:attempt" for engine tests. */
final class RecordingListener implements AsyncUdfListener {

  final List<String> events = new CopyOnWriteArrayList<>();
  final List<PartitionEvent> partitions = new CopyOnWriteArrayList<>();
  /** The threads chunk-success events were delivered on. */
  final List<String> successThreads = new CopyOnWriteArrayList<>();

  @Override
  public void onPartitionStart(PartitionEvent event) {
    partitions.add(event);
  }

  @Override
  public void onPartitionEnd(PartitionEvent event) {
    partitions.add(event);
  }

  @Override
  public void onChunkStart(ChunkEvent event) {
    record("start", event);
  }

  @Override
  public void onChunkSuccess(ChunkEvent event) {
    successThreads.add(Thread.currentThread().getName());
    record("success", event);
  }

  @Override
  public void onChunkFailure(ChunkEvent event) {
    record("failure", event);
  }

  @Override
  public void onChunkRetry(ChunkEvent event) {
    record("retry", event);
  }

  @Override
  public void onChunkTimeout(ChunkEvent event) {
    record("timeout", event);
  }

  private void record(String kind, ChunkEvent event) {
    events.add(kind + ":" + event.partition().chunkIndex() + ":" + event.attempt());
  }

  List<String> forChunk(int chunk) {
    return events.stream().filter(e -> e.split(":")[1].equals(Integer.toString(chunk))).toList();
  }
}
