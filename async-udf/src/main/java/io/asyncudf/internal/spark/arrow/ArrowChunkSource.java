package io.asyncudf.internal.spark.arrow;

import io.asyncudf.internal.engine.ChunkDescription;
import io.asyncudf.internal.engine.ChunkSource;
import io.asyncudf.internal.spark.catalyst.SparkInternals;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.OutOfMemoryException;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * Stages a partition's internal rows into Arrow record batches allocated from the task's
 * byte-limited allocator and cuts each batch into chunks as zero-copy slices. A batch always
 * holds whole chunks, so every chunk but the partition's last has exactly {@code chunkSize} rows
 * however the rows arrive.
 *
 * <p>Memory: once the allocator holds more than half its limit, batches stop at the next chunk
 * boundary and, when other chunks are outstanding, staging is deferred until they are emitted. A
 * row that cannot be staged within the limit fails with a {@link StagingLimitException} naming
 * the limit.
 */
public final class ArrowChunkSource implements ChunkSource<ArrowChunk> {

  private final Iterator<InternalRow> rows;
  private final Schema schema;
  private final BufferAllocator allocator;
  private final int chunkSize;
  private final int chunksPerBatch;
  private final int partitionIndex;
  private long rowsStaged;
  private int chunksStaged;

  public ArrowChunkSource(Iterator<InternalRow> rows, Schema schema, BufferAllocator allocator, int chunkSize,
      StagingSettings settings, int partitionIndex) {
    this.rows = rows;
    this.schema = schema;
    this.allocator = allocator;
    this.chunkSize = chunkSize;
    this.chunksPerBatch = Math.max(1, settings.targetBatchRows() / chunkSize);
    this.partitionIndex = partitionIndex;
  }

  @Override
  public List<ArrowChunk> next(int maxChunks, boolean mayDefer) {
    if (!rows.hasNext() || (mayDefer && memoryHigh())) {
      return List.of();
    }
    int batchRows = Math.min(maxChunks, chunksPerBatch) * chunkSize;
    long heldByOthers = allocator.getAllocatedMemory();
    VectorSchemaRoot batch = null;
    int written = 0;
    try {
      batch = VectorSchemaRoot.create(schema, allocator);
      SparkInternals.BatchWriter writer = SparkInternals.batchWriter(batch);
      while (written < batchRows && rows.hasNext()) {
        writer.write(rows.next());
        written++;
        if (written % chunkSize == 0 && memoryHigh()) {
          break;
        }
      }
      writer.finish();
      return slice(batch, written);
    } catch (OutOfMemoryException e) {
      throw limitExceeded(written, heldByOthers, e);
    } finally {
      if (batch != null) {
        batch.close();
      }
    }
  }

  private List<ArrowChunk> slice(VectorSchemaRoot batch, int rowCount) {
    List<ArrowChunk> chunks = new ArrayList<>((rowCount + chunkSize - 1) / chunkSize);
    try {
      for (int start = 0; start < rowCount; start += chunkSize) {
        int size = Math.min(chunkSize, rowCount - start);
        chunks.add(new ArrowChunk(batch.slice(start, size), chunksStaged, rowsStaged));
        chunksStaged++;
        rowsStaged += size;
      }
    } catch (RuntimeException e) {
      chunks.forEach(ArrowChunk::close);
      throw e;
    }
    return chunks;
  }

  private boolean memoryHigh() {
    return allocator.getAllocatedMemory() > allocator.getLimit() / 2;
  }

  private StagingLimitException limitExceeded(int writtenInBatch, long heldByOthers, OutOfMemoryException cause) {
    long row = rowsStaged + writtenInBatch;
    String limit = "the staging memory limit of " + allocator.getLimit() + " bytes (stagingMemoryLimit)";
    if (writtenInBatch == 0 && heldByOthers == 0) {
      return new StagingLimitException("row " + row + " of partition " + partitionIndex
          + " alone does not fit in " + limit + "; raise stagingMemoryLimit", cause);
    }
    return new StagingLimitException("staging " + ChunkDescription.of(partitionIndex, (int) (row / chunkSize), row, 1)
        + " exceeded " + limit + " with " + heldByOthers
        + " bytes held by outstanding chunks; lower maxChunkSize or maxConcurrentChunks, or raise stagingMemoryLimit", cause);
  }

  @Override
  public boolean exhausted() {
    return !rows.hasNext();
  }

  @Override
  public long rowsStaged() {
    return rowsStaged;
  }
}
