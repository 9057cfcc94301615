package io.asyncudf.internal.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalWriterTest {

  @TempDir
  Path dir;

  private List<Path> journalFiles() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(file -> file.getFileName().toString().endsWith(Journal.SUFFIX)).sorted().toList();
    }
  }

  @Test
  void aFileOpenForTheRollIntervalIsClosedByTheTimerWhenNoAppendComes() throws IOException {
    AtomicLong clock = new AtomicLong(1_000_000);
    try (JournalWriter writer = new JournalWriter(dir.toString(), new Configuration(), "run-0-1", clock::get)) {
      writer.append("k1", "{\"v\":1}");
      writer.flushIfDue();
      assertThat(writer.hasOpenFile()).as("flushed, still open for appends").isTrue();

      clock.addAndGet(JournalWriter.ROLL_INTERVAL_MILLIS);
      writer.flushIfDue(); // an idle task: no append would ever roll its file

      assertThat(writer.hasOpenFile()).isFalse();
      assertThat(journalFiles()).hasSize(1);
      assertThat(Files.readAllLines(journalFiles().get(0))).hasSize(1).allSatisfy(line -> assertThat(line).contains("k1"));

      writer.append("k2", "{\"v\":2}");
      assertThat(journalFiles()).as("the next append starts a new file").hasSize(2);
    }
  }

  @Test
  void onALocalDiskAFlushedLineIsInTheFileWhileItIsStillOpen() throws IOException {
    AtomicLong clock = new AtomicLong(1_000_000);
    try (JournalWriter writer = new JournalWriter(dir.toString(), new Configuration(), "run-0-1", clock::get)) {
      writer.append("k1", "{\"v\":1}");
      writer.flushIfDue();

      assertThat(writer.hasOpenFile()).isTrue();
      // a process killed now keeps the line: Hadoop's checksummed local stream held back lines under 512 bytes
      assertThat(Files.readAllLines(journalFiles().get(0))).hasSize(1).allSatisfy(line -> assertThat(line).contains("k1"));
    }
  }

  @Test
  void aRollThatFailsOnTheTimerIsReportedByTheNextAppend() {
    Configuration hadoop = new Configuration();
    hadoop.set("fs.failclose.impl", FailingCloseFileSystem.class.getName());
    hadoop.setBoolean("fs.failclose.impl.disable.cache", true);
    AtomicLong clock = new AtomicLong(1_000_000);
    JournalWriter writer = new JournalWriter("failclose://" + dir.toAbsolutePath(), hadoop, "run-0-1", clock::get);
    writer.append("k1", "{\"v\":1}");
    clock.addAndGet(JournalWriter.ROLL_INTERVAL_MILLIS);
    writer.flushIfDue();

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> writer.append("k2", "{\"v\":2}"))
        .isInstanceOf(java.io.UncheckedIOException.class)
        .hasMessageContaining("cannot append to the journal at failclose:")
        .hasMessageContaining("refused");
    writer.close();
  }
}
