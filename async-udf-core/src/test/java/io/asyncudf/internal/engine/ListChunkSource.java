package io.asyncudf.internal.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** A chunk source over an in-memory list that counts open chunks, for engine tests. */
final class ListChunkSource implements ChunkSource<ListChunkSource.Chunk> {

  final AtomicInteger open = new AtomicInteger();
  private final List<Integer> rows;
  private final int chunkSize;
  private int position;
  private int chunks;

  ListChunkSource(int rows, int chunkSize) {
    this.rows = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      this.rows.add(i);
    }
    this.chunkSize = chunkSize;
  }

  final class Chunk implements StagedChunk {
    final List<Integer> values;
    final int index;
    final long first;
    boolean closed;

    Chunk(List<Integer> values, int index, long first) {
      this.values = values;
      this.index = index;
      this.first = first;
      open.incrementAndGet();
    }

    @Override
    public int chunkIndex() {
      return index;
    }

    @Override
    public long firstRowIndex() {
      return first;
    }

    @Override
    public int size() {
      return values.size();
    }

    @Override
    public void close() {
      if (closed) {
        throw new IllegalStateException("chunk " + index + " closed twice");
      }
      closed = true;
      open.decrementAndGet();
    }
  }

  @Override
  public List<Chunk> next(int maxChunks, boolean mayDefer) {
    List<Chunk> out = new ArrayList<>();
    while (out.size() < maxChunks && position < rows.size()) {
      int end = Math.min(rows.size(), position + chunkSize);
      out.add(new Chunk(List.copyOf(rows.subList(position, end)), chunks++, position));
      position = end;
    }
    return out;
  }

  @Override
  public boolean exhausted() {
    return position >= rows.size();
  }

  @Override
  public long rowsStaged() {
    return position;
  }

  @Override
  public void close() {}
}
