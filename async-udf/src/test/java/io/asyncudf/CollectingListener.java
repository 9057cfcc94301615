package io.asyncudf;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A listener for local-mode Spark tests: its serialized copies on the executor threads all record
 * into one static list per instance id, which the test reads on the driver.
 */
final class CollectingListener implements AsyncUdfListener {

  private static final Map<String, List<Object>> EVENTS = new ConcurrentHashMap<>();
  private final String id = UUID.randomUUID().toString();

  List<ChunkEvent> chunkEvents(String kind) {
    return events().stream()
        .filter(e -> e instanceof Tagged t && t.kind.equals(kind))
        .map(e -> ((Tagged) e).event)
        .toList();
  }

  List<PartitionEvent> partitionEnds() {
    return events().stream().filter(PartitionEvent.class::isInstance).map(PartitionEvent.class::cast)
        .filter(e -> e.duration().toNanos() > 0 || e.chunks() > 0).toList();
  }

  private List<Object> events() {
    return EVENTS.getOrDefault(id, List.of());
  }

  private void add(Object event) {
    EVENTS.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(event);
  }

  private record Tagged(String kind, ChunkEvent event) {}

  @Override
  public void onPartitionEnd(PartitionEvent event) {
    add(event);
  }

  @Override
  public void onChunkStart(ChunkEvent event) {
    add(new Tagged("start", event));
  }

  @Override
  public void onChunkSuccess(ChunkEvent event) {
    add(new Tagged("success", event));
  }

  @Override
  public void onChunkFailure(ChunkEvent event) {
    add(new Tagged("failure", event));
  }

  @Override
  public void onChunkRetry(ChunkEvent event) {
    add(new Tagged("retry", event));
  }
}
