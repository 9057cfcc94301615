package io.asyncudf.partition;

import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.MDC;

/**
 * The span during which a {@link SparkPartitionInformation} sits in the SLF4J MDC of one thread.
 * Closing it restores the MDC values that the keys had before, so scopes nest. Close it on the
 * thread that opened it.
 */
public final class MdcScope implements AutoCloseable {

  /** MDC key of the partition index. */
  public static final String PARTITION = "spark.partition";
  /** MDC key of the stage id and attempt, {@code stage.attempt}. */
  public static final String STAGE = "spark.stage";
  /** MDC key of the task attempt id. */
  public static final String TASK = "spark.task";
  /** MDC key of the executor id. */
  public static final String EXECUTOR = "spark.executor";
  /** MDC key of the chunk index (absent when not about a chunk). */
  public static final String CHUNK = "spark.chunk";
  /** MDC key of the chunk's row range within the partition, {@code first-last} inclusive. */
  public static final String ROWS = "spark.rows";

  private final Map<String, String> previous;

  private MdcScope(Map<String, String> previous) {
    this.previous = previous;
  }

  static MdcScope open(SparkPartitionInformation info) {
    Map<String, String> values = new LinkedHashMap<>();
    values.put(PARTITION, Integer.toString(info.partitionIndex()));
    values.put(STAGE, info.stageId() + "." + info.stageAttemptNumber());
    values.put(TASK, Long.toString(info.taskAttemptId()));
    values.put(EXECUTOR, info.executorId());
    if (info.hasChunk()) {
      values.put(CHUNK, Integer.toString(info.chunkIndex()));
      long last = info.chunkFirstRow() + info.chunkSize() - 1;
      values.put(ROWS, info.chunkFirstRow() + "-" + last);
    }
    Map<String, String> previous = new LinkedHashMap<>();
    values.forEach((key, value) -> {
      previous.put(key, MDC.get(key));
      put(key, value);
    });
    return new MdcScope(previous);
  }

  @Override
  public void close() {
    previous.forEach(MdcScope::put);
  }

  private static void put(String key, String value) {
    if (value == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, value);
    }
  }
}
