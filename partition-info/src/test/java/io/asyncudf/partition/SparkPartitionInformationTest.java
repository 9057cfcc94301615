package io.asyncudf.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class SparkPartitionInformationTest {

  private static final SparkPartitionInformation TASK =
      new SparkPartitionInformation(3, 1, 0, 42L, 1, 2, "exec-7", "worker-1", 4242L, "Executor task launch worker", false,
          null, null, null);

  @Test
  void outsideATaskTheTaskFieldsAreUnset() {
    SparkPartitionInformation info = SparkPartitionInformation.fromCurrentTaskContext();
    assertThat(info.partitionIndex()).isEqualTo(-1);
    assertThat(info.taskAttemptId()).isEqualTo(-1L);
    assertThat(info.processId()).isEqualTo(ProcessHandle.current().pid());
    assertThat(info.threadName()).isEqualTo(Thread.currentThread().getName());
    assertThat(info.hasChunk()).isFalse();
  }

  @Test
  void withChunkAddsTheChunkAndKeepsTheTask() {
    SparkPartitionInformation chunk = TASK.withChunk(5, 500L, 100);
    assertThat(chunk.hasChunk()).isTrue();
    assertThat(chunk.chunkIndex()).isEqualTo(5);
    assertThat(chunk.chunkFirstRow()).isEqualTo(500L);
    assertThat(chunk.chunkSize()).isEqualTo(100);
    assertThat(chunk.taskAttemptId()).isEqualTo(42L);
    assertThat(chunk.toString()).isEqualTo(
        "partition=3 stage=1.0 task=42 attempt=1 executor=exec-7 host=worker-1 pid=4242"
            + " thread=Executor task launch worker chunk=5 rows=500+100");
  }

  @Test
  void jsonRoundTripsEveryField() {
    SparkPartitionInformation chunk = TASK.withChunk(5, 500L, 100);
    assertThat(SparkPartitionInformation.fromJson(chunk.toJson())).isEqualTo(chunk);
    assertThat(SparkPartitionInformation.fromJson(TASK.toJson())).isEqualTo(TASK);
    assertThatThrownBy(() -> SparkPartitionInformation.fromJson("{not json"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void javaSerializationRoundTrips() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(TASK.withChunk(1, 2L, 3));
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      assertThat(in.readObject()).isEqualTo(TASK.withChunk(1, 2L, 3));
    }
  }

  @Test
  void schemaDescribesTheValuesInOrder() {
    assertThat(SparkPartitionInformation.schema().size()).isEqualTo(TASK.toValues().length);
    assertThat(SparkPartitionInformation.schema().fieldNames()[3]).isEqualTo("task_attempt_id");
    assertThat(TASK.toValues()[3]).isEqualTo(42L);
  }

  @Test
  void mdcScopePutsFieldsAndRestoresWhatWasThere() {
    MDC.put(MdcScope.PARTITION, "outer");
    try (MdcScope scope = TASK.withChunk(5, 500L, 100).putInMdc()) {
      assertThat(MDC.get(MdcScope.PARTITION)).isEqualTo("3");
      assertThat(MDC.get(MdcScope.TASK)).isEqualTo("42");
      assertThat(MDC.get(MdcScope.CHUNK)).isEqualTo("5");
      assertThat(MDC.get(MdcScope.ROWS)).isEqualTo("500-599");
    }
    assertThat(MDC.get(MdcScope.PARTITION)).isEqualTo("outer");
    assertThat(MDC.get(MdcScope.CHUNK)).isNull();
    MDC.clear();
  }
}
