package io.asyncudf.internal.spark.arrow;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncudf.internal.spark.catalyst.SparkInternals;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.LongStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Staging a window of chunks per batch: exact chunks, handed out as asked, every buffer released. */
class ArrowChunkSourceTest {

  private static final StructType SCHEMA = new StructType().add("input", DataTypes.LongType);

  private final BufferAllocator allocator = SparkInternals.taskAllocator("chunk-source-test", 1 << 20);

  @AfterEach
  void closeAllocator() {
    allocator.close(); // throws if a buffer leaked
  }

  private ArrowChunkSource source(long rows, int chunkSize, int lookahead) {
    Iterator<InternalRow> input = LongStream.range(0, rows)
        .mapToObj(i -> (InternalRow) new GenericInternalRow(new Object[] {i})).iterator();
    return new ArrowChunkSource(input, SparkInternals.arrowSchema(SCHEMA, "UTC"), allocator, chunkSize, lookahead,
        new StagingSettings(1 << 20, 4096), 0);
  }

  private static List<Long> values(ArrowChunk chunk) {
    List<Long> values = new ArrayList<>();
    for (int i = 0; i < chunk.size(); i++) {
      values.add(chunk.row(i).getLong(0));
    }
    return values;
  }

  @Test
  void aChunkAskedForAloneComesFromABatchStagedForTheWindow() {
    ArrowChunkSource source = source(23, 4, 3);

    List<ArrowChunk> first = source.next(1, false);
    long heldForThree = allocator.getAllocatedMemory();
    List<ArrowChunk> second = source.next(1, false);
    List<ArrowChunk> third = source.next(5, false);

    assertThat(first).hasSize(1);
    assertThat(second).hasSize(1);
    assertThat(third).as("what is left of the batch, not more").hasSize(1);
    assertThat(allocator.getAllocatedMemory()).as("no batch made for the second and third").isEqualTo(heldForThree);
    assertThat(values(first.get(0))).containsExactly(0L, 1L, 2L, 3L);
    assertThat(values(third.get(0))).containsExactly(8L, 9L, 10L, 11L);
    assertThat(third.get(0).chunkIndex()).isEqualTo(2);
    assertThat(third.get(0).firstRowIndex()).isEqualTo(8);

    List<ArrowChunk> rest = source.next(5, false); // the 5 asked for outnumber the lookahead of 3
    assertThat(rest).extracting(ArrowChunk::size).containsExactly(4, 4, 3);
    assertThat(values(rest.get(2))).containsExactly(20L, 21L, 22L);
    assertThat(source.exhausted()).isTrue();
    assertThat(source.rowsStaged()).isEqualTo(23);

    List.of(first, second, third, rest).forEach(chunks -> chunks.forEach(ArrowChunk::close));
    assertThat(allocator.getAllocatedMemory()).isZero();
  }

  @Test
  void sparseRowsKeepTheirPlaceInThePartitionAndStagingStopsWhileTheReadAheadIsFull() {
    java.util.concurrent.atomic.AtomicBoolean full = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.atomic.AtomicLong read = new java.util.concurrent.atomic.AtomicLong();
    Iterator<InternalRow> input = LongStream.range(0, 40).mapToObj(i -> {
      read.incrementAndGet();
      if (i == 7) {
        full.set(true); // in the middle of the second chunk
      }
      return i % 3 == 0 ? (InternalRow) new GenericInternalRow(new Object[] {i}) : null; // null: not staged
    }).iterator();
    ArrowChunkSource source = new ArrowChunkSource(input, full::get, SparkInternals.arrowSchema(SCHEMA, "UTC"),
        allocator, 2, 8, new StagingSettings(1 << 20, 4096), 0);

    List<ArrowChunk> first = source.next(8, false);
    assertThat(first).extracting(ArrowChunk::size).as("the chunk being staged when the read-ahead filled ends short")
        .containsExactly(2, 1);
    assertThat(values(first.get(1))).containsExactly(6L);
    assertThat(first.get(0).rowIndex(1)).as("the row's place in the partition").isEqualTo(3);
    assertThat(read.get()).as("no row read once the read-ahead is full").isEqualTo(8);
    assertThat(source.next(8, false)).as("nothing while the read-ahead is full").isEmpty();
    assertThat(read.get()).isEqualTo(8);
    assertThat(source.exhausted()).isFalse();

    full.set(false);
    List<ArrowChunk> rest = source.next(8, false);
    assertThat(rest).extracting(ArrowChunk::size).containsExactly(2, 2, 2, 2, 2, 1);
    assertThat(values(rest.get(0))).containsExactly(9L, 12L);
    assertThat(rest.get(0).firstRowIndex()).isEqualTo(9);
    assertThat(rest.get(5).chunkIndex()).isEqualTo(7);
    assertThat(rest.get(5).rowIndex(0)).isEqualTo(39);
    assertThat(source.exhausted()).isTrue();
    assertThat(source.rowsStaged()).isEqualTo(14);

    List.of(first, rest).forEach(chunks -> chunks.forEach(ArrowChunk::close));
  }

  @Test
  void aBatchIsFreedOnlyWhenItsLastChunkIsClosedWhateverTheOrder() {
    ArrowChunkSource source = source(12, 4, 3);
    List<ArrowChunk> chunks = source.next(3, false);

    chunks.get(2).close();
    chunks.get(0).close();
    assertThat(values(chunks.get(1))).as("still readable").containsExactly(4L, 5L, 6L, 7L);
    assertThat(allocator.getAllocatedMemory()).isPositive();
    chunks.get(1).close();
    chunks.get(1).close(); // a second close does nothing

    assertThat(allocator.getAllocatedMemory()).isZero();
  }

  @Test
  void stagingAheadStopsWhileFarBelowTheMemoryLimit() {
    StructType text = new StructType().add("input", DataTypes.StringType);
    String tenKib = "x".repeat(10 * 1024);
    Iterator<InternalRow> input = LongStream.range(0, 200)
        .mapToObj(i -> (InternalRow) new GenericInternalRow(new Object[] {UTF8String.fromString(tenKib)})).iterator();
    ArrowChunkSource source = new ArrowChunkSource(input, SparkInternals.arrowSchema(text, "UTC"), allocator, 4, 50,
        new StagingSettings(1 << 20, 4096), 0);

    List<ArrowChunk> asked = source.next(1, false); // a window of 50 chunks of 40 KiB would be 2 MiB, twice the limit

    assertThat(asked).hasSize(1);
    assertThat(source.rowsStaged()).as("some staged ahead, not the window").isBetween(8L, 40L);
    assertThat(allocator.getAllocatedMemory()).isLessThanOrEqualTo(allocator.getLimit() / 2);
    asked.forEach(ArrowChunk::close);
    source.close();
  }

  @Test
  void closingTheSourceReleasesChunksStagedAheadAndNotHandedOut() {
    ArrowChunkSource source = source(100, 4, 8);
    ArrowChunk handedOut = source.next(1, false).get(0);

    assertThat(source.exhausted()).as("seven chunks wait, staged").isFalse();
    source.close();
    assertThat(allocator.getAllocatedMemory()).as("the handed-out chunk keeps its batch").isPositive();
    handedOut.close();

    assertThat(allocator.getAllocatedMemory()).isZero();
  }
}
