package io.asyncudf.internal.spark.arrow;

import io.asyncudf.internal.engine.ChunkDescription;
import io.asyncudf.internal.engine.ChunkSource;
import io.asyncudf.internal.spark.catalyst.SparkInternals;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.OutOfMemoryException;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * Stages a partition's internal rows into Arrow record batches allocated from the task's
 * byte-limited allocator and cuts each batch into chunks, zero-copy ranges of it. A batch always
 * holds whole chunks, so every chunk but the partition's last has exactly {@code chunkSize} rows (sparse rows aside)
 * however the rows arrive.
 *
 * <p>A batch is made for a window of chunks at a time ({@code lookaheadChunks}, at most the target
 * batch size), even when fewer are asked for, while memory is low: the rest wait, staged, for the next
 * calls. Making a
 * batch (vectors, writer, column readers) costs far more than writing a row into it, and a window
 * that frees one chunk at a time would otherwise pay it per chunk.
 *
 * <p>Memory: once the allocator holds more than half its limit, batches stop at the next chunk
 * boundary and, when other chunks are outstanding, staging is deferred until they are emitted. A
 * row that cannot be staged within the limit fails with a {@link StagingLimitException} naming
 * the limit.
 *
 * <p>Sparse rows (a journal answered the others): a null row stands for a row of the partition that is
 * not staged, and each chunk row knows its position in the partition. Staging stops while the rows read
 * and not yet emitted are at their bound ({@code readAheadFull}), so a partition whose rows were nearly
 * all answered is not read whole before its first output row: a chunk being staged then ends short.
 */
public final class ArrowChunkSource implements ChunkSource<ArrowChunk> {

  private final Iterator<InternalRow> rows;
  private final Schema schema;
  private final BufferAllocator allocator;
  private final int chunkSize;
  private final int chunksPerBatch;
  private final int lookaheadChunks;
  private final int partitionIndex;
  private final BooleanSupplier readAheadFull;
  private final ArrayDeque<ArrowChunk> ahead = new ArrayDeque<>();
  /** Rows of the partition read so far, staged or not. */
  private long rowsRead;
  private long rowsStaged;
  private int chunksStaged;

  /** A source that stages every row of {@code rows}. */
  public ArrowChunkSource(Iterator<InternalRow> rows, Schema schema, BufferAllocator allocator, int chunkSize,
      int lookaheadChunks, StagingSettings settings, int partitionIndex) {
    this(rows, null, schema, allocator, chunkSize, lookaheadChunks, settings, partitionIndex);
  }

  /**
   * @param rows the partition's rows, null for each one not to be staged
   * @param readAheadFull whether the rows read and not yet emitted are at their bound: staging stops, and the
   *     chunk being staged ends short; null when every row of {@code rows} is staged (none is null)
   */
  public ArrowChunkSource(Iterator<InternalRow> rows, BooleanSupplier readAheadFull, Schema schema,
      BufferAllocator allocator, int chunkSize, int lookaheadChunks, StagingSettings settings, int partitionIndex) {
    this.rows = rows;
    this.readAheadFull = readAheadFull;
    this.schema = schema;
    this.allocator = allocator;
    this.chunkSize = chunkSize;
    this.chunksPerBatch = Math.max(1, settings.targetBatchRows() / chunkSize);
    this.lookaheadChunks = lookaheadChunks;
    this.partitionIndex = partitionIndex;
  }

  @Override
  public List<ArrowChunk> next(int maxChunks, boolean mayDefer) {
    if (ahead.isEmpty()) {
      if ((readAheadFull != null && readAheadFull.getAsBoolean()) || !rows.hasNext() || (mayDefer && memoryHigh())) {
        return List.of();
      }
      stage(Math.min(chunksPerBatch, maxChunks), Math.min(chunksPerBatch, Math.max(maxChunks, lookaheadChunks)));
    }
    List<ArrowChunk> chunks = new ArrayList<>(Math.min(maxChunks, ahead.size()));
    while (chunks.size() < maxChunks && !ahead.isEmpty()) {
      chunks.add(ahead.pollFirst());
    }
    return chunks;
  }

  /**
   * Stages up to {@code maxChunks} chunks into one new batch, adding them to {@link #ahead}: those asked
   * for, then more only while the allocator holds less than a quarter of its limit (a growing vector
   * briefly needs about three times its size, so staging ahead must not bring a batch near the limit).
   */
  private void stage(int askedChunks, int maxChunks) {
    int batchRows = maxChunks * chunkSize;
    int askedRows = askedChunks * chunkSize;
    long heldByOthers = allocator.getAllocatedMemory();
    VectorSchemaRoot batch = null;
    int written = 0;
    long[] at = readAheadFull == null ? null : new long[batchRows];
    long position = rowsRead; // of the row being written, in the partition
    try {
      batch = VectorSchemaRoot.create(schema, allocator);
      SparkInternals.BatchWriter writer = SparkInternals.batchWriter(batch);
      while (written < batchRows) {
        InternalRow row = nextToStage();
        if (row == null) {
          break;
        }
        position = rowsRead - 1;
        if (at != null) {
          at[written] = position;
        }
        writer.write(row);
        written++;
        if (written % chunkSize == 0
            && (memoryHigh() || (written >= askedRows && allocator.getAllocatedMemory() > allocator.getLimit() / 4))) {
          break;
        }
      }
      writer.finish();
    } catch (OutOfMemoryException e) {
      if (batch != null) {
        batch.close();
      }
      throw limitExceeded(position, chunksStaged + written / chunkSize, written, heldByOthers, e);
    } catch (RuntimeException | Error e) {
      if (batch != null) {
        batch.close();
      }
      throw e;
    }
    if (written == 0) {
      batch.close();
      return;
    }
    StagedBatch staged = new StagedBatch(batch, (written + chunkSize - 1) / chunkSize);
    for (int start = 0; start < written; start += chunkSize) {
      int size = Math.min(chunkSize, written - start);
      ahead.addLast(new ArrowChunk(staged, start, size, chunksStaged, at == null ? rowsStaged : at[start], at));
      chunksStaged++;
      rowsStaged += size;
    }
  }

  /**
   * The next row to stage, skipping those not to be staged; null at the end of the partition or when the rows
   * read ahead are at their bound.
   */
  private InternalRow nextToStage() {
    while (true) {
      if (readAheadFull != null && readAheadFull.getAsBoolean()) {
        return null;
      }
      if (!rows.hasNext()) {
        return null;
      }
      InternalRow row = rows.next();
      rowsRead++;
      if (row != null) {
        return row;
      }
    }
  }

  private boolean memoryHigh() {
    return allocator.getAllocatedMemory() > allocator.getLimit() / 2;
  }

  private StagingLimitException limitExceeded(long row, int chunk, int writtenInBatch, long heldByOthers,
      OutOfMemoryException cause) {
    String limit = "the staging memory limit of " + allocator.getLimit() + " bytes (stagingMemoryLimit)";
    if (writtenInBatch == 0 && heldByOthers == 0) {
      return new StagingLimitException("row " + row + " of partition " + partitionIndex
          + " alone does not fit in " + limit + "; raise stagingMemoryLimit", cause);
    }
    return new StagingLimitException("staging " + ChunkDescription.row(partitionIndex, chunk, row)
        + " exceeded " + limit + " with " + heldByOthers
        + " bytes held by outstanding chunks; lower maxChunkSize or maxConcurrentChunks, or raise stagingMemoryLimit", cause);
  }

  @Override
  public boolean exhausted() {
    return ahead.isEmpty() && !rows.hasNext();
  }

  /** Releases the chunks staged ahead and not yet handed out. */
  @Override
  public void close() {
    while (!ahead.isEmpty()) {
      ahead.pollFirst().close();
    }
  }

  @Override
  public long rowsStaged() {
    return rowsStaged;
  }
}
