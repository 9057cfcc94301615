package io.asyncudf.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A 2,000,000-row single partition through scalarToScalar completes in a JVM limited to
 * {@code -Xmx512m}: the partition is streamed, never held whole.
 */
class StreamingMemoryTest {

  @Test
  void twoMillionRowPartitionCompletesWithHalfAGigabyteHeap() throws Exception {
    long rows = 2_000_000;
    String output = StreamingMemoryProbe.runInNewJvm("-Xmx512m", rows, 100, 256);

    assertThat(output).contains("ROWS=" + rows + " SUM=" + (rows * (rows - 1)));
  }
}
