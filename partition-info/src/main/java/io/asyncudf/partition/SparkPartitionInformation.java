package io.asyncudf.partition;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.Serializable;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Where a piece of work runs: the Spark partition, stage and task attempt, the executor, host,
 * process and thread, and optionally the chunk of the partition being processed.
 *
 * <p>An immutable value, safe to share between threads and to serialize. {@link #toString()} is
 * one line meant for logs; {@link #toJson()} and {@link #fromJson(String)} round-trip every
 * field; {@link #schema()} describes the same fields as a Spark struct; {@link #putInMdc()} puts
 * them into the SLF4J MDC of the calling thread until the returned scope is closed.
 *
 * @param partitionIndex the partition this task computes, or -1 outside a task
 * @param stageId the stage id, or -1 outside a task
 * @param stageAttemptNumber the stage attempt, or -1 outside a task
 * @param taskAttemptId the task attempt id, unique within the application, or -1 outside a task
 * @param attemptNumber how many times this task was attempted before (0 on the first attempt)
 * @param cpus cpus reserved for the task ({@code spark.task.cpus}), or the JVM's processors
 *     outside a task
 * @param executorId the executor id ({@code "driver"} on the driver), or null without a SparkEnv
 * @param hostName the host name of this JVM
 * @param processId the operating-system process id of this JVM
 * @param threadName the name of the thread that captured this information
 * @param driver whether this runs on the driver rather than in an executor task
 * @param chunkIndex the 0-based chunk index within the partition, or null when not about a chunk
 * @param chunkFirstRow the 0-based row offset, within the partition, of the chunk's first row, or
 *     null
 * @param chunkSize the number of rows in the chunk, or null
 */
public record SparkPartitionInformation(
    int partitionIndex,
    int stageId,
    int stageAttemptNumber,
    long taskAttemptId,
    int attemptNumber,
    int cpus,
    String executorId,
    String hostName,
    long processId,
    String threadName,
    boolean driver,
    Integer chunkIndex,
    Long chunkFirstRow,
    Integer chunkSize)
    implements Serializable {

  private static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final String HOST_NAME = localHostName();

  /**
   * Captures the current thread's Spark task. Outside a task (on the driver, or in a thread that
   * is not a task thread) the task fields are -1 and {@link #driver()} tells whether this JVM is
   * the driver.
   */
  public static SparkPartitionInformation fromCurrentTaskContext() {
    TaskContext task = TaskContext.get();
    SparkEnv env = SparkEnv.get();
    String executorId = env == null ? null : env.executorId();
    boolean driver = task == null && (env == null || "driver".equals(executorId));
    Thread thread = Thread.currentThread();
    if (task == null) {
      return new SparkPartitionInformation(
          -1, -1, -1, -1L, 0, Runtime.getRuntime().availableProcessors(), executorId, HOST_NAME,
          ProcessHandle.current().pid(), thread.getName(), driver, null, null, null);
    }
    return new SparkPartitionInformation(
        task.partitionId(),
        task.stageId(),
        task.stageAttemptNumber(),
        task.taskAttemptId(),
        task.attemptNumber(),
        task.cpus(),
        executorId,
        HOST_NAME,
        ProcessHandle.current().pid(),
        thread.getName(),
        false,
        null,
        null,
        null);
  }

  /**
   * The same information for partition {@code index} of the data the caller computes, which differs from the
   * task's own partition where one task computes several partitions of it (after {@code coalesce}) or a
   * {@code union} numbers the branches' partitions on.
   */
  public SparkPartitionInformation withPartitionIndex(int index) {
    return new SparkPartitionInformation(
        index, stageId, stageAttemptNumber, taskAttemptId, attemptNumber, cpus,
        executorId, hostName, processId, threadName, driver, chunkIndex, chunkFirstRow, chunkSize);
  }

  /** The same information about one chunk of the partition. */
  public SparkPartitionInformation withChunk(int index, long firstRow, int size) {
    return new SparkPartitionInformation(
        partitionIndex, stageId, stageAttemptNumber, taskAttemptId, attemptNumber, cpus,
        executorId, hostName, processId, threadName, driver, index, firstRow, size);
  }

  /** Whether this describes one chunk rather than a whole partition. */
  public boolean hasChunk() {
    return chunkIndex != null;
  }

  /** The JSON object with one property per record component; {@link #fromJson} reads it back. */
  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write partition information as JSON", e);
    }
  }

  /** Reads what {@link #toJson()} wrote. */
  public static SparkPartitionInformation fromJson(String json) {
    Objects.requireNonNull(json, "json");
    try {
      return JSON.readValue(json, SparkPartitionInformation.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not partition information JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** A Spark struct with one field per record component, in declaration order. */
  public static StructType schema() {
    return new StructType()
        .add("partition_index", DataTypes.IntegerType, false)
        .add("stage_id", DataTypes.IntegerType, false)
        .add("stage_attempt_number", DataTypes.IntegerType, false)
        .add("task_attempt_id", DataTypes.LongType, false)
        .add("attempt_number", DataTypes.IntegerType, false)
        .add("cpus", DataTypes.IntegerType, false)
        .add("executor_id", DataTypes.StringType, true)
        .add("host_name", DataTypes.StringType, true)
        .add("process_id", DataTypes.LongType, false)
        .add("thread_name", DataTypes.StringType, true)
        .add("is_driver", DataTypes.BooleanType, false)
        .add("chunk_index", DataTypes.IntegerType, true)
        .add("chunk_first_row", DataTypes.LongType, true)
        .add("chunk_size", DataTypes.IntegerType, true);
  }

  /** The field values in {@link #schema()} order, for building a Spark {@code Row}. */
  public Object[] toValues() {
    return new Object[] {
      partitionIndex, stageId, stageAttemptNumber, taskAttemptId, attemptNumber, cpus, executorId,
      hostName, processId, threadName, driver, chunkIndex, chunkFirstRow, chunkSize
    };
  }

  /**
   * Puts this information into the calling thread's SLF4J MDC under the {@link MdcScope} keys and
   * returns a scope whose {@code close()} restores what the MDC held before.
   */
  public MdcScope putInMdc() {
    return MdcScope.open(this);
  }

  /** One line for logs, e.g. {@code partition=3 stage=1.0 task=42 attempt=0 executor=1 host=h pid=7 chunk=5 rows=500+100}. */
  @Override
  public String toString() {
    StringBuilder line = new StringBuilder(160);
    line.append("partition=").append(partitionIndex)
        .append(" stage=").append(stageId).append('.').append(stageAttemptNumber)
        .append(" task=").append(taskAttemptId)
        .append(" attempt=").append(attemptNumber)
        .append(" executor=").append(executorId)
        .append(" host=").append(hostName)
        .append(" pid=").append(processId)
        .append(" thread=").append(threadName);
    if (driver) {
      line.append(" driver");
    }
    if (hasChunk()) {
      line.append(" chunk=").append(chunkIndex)
          .append(" rows=").append(chunkFirstRow).append('+').append(chunkSize);
    }
    return line.toString();
  }

  private static String localHostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown";
    }
  }
}
