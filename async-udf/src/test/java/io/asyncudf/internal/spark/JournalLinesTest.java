package io.asyncudf.internal.spark;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Journal lines as a retried task reads them back: checked, and never a wrong answer from a damaged line. */
class JournalLinesTest {

  @Test
  void aLineGivesBackItsKeyAndAnswer() {
    String line = Journal.line(1_700_000_000_000L, "k1", "{\"v\":{\"a\":\"x\\ty\"}}");
    assertThat(Journal.entry(line.substring(0, line.length() - 1))).containsExactly("k1", "{\"v\":{\"a\":\"x\\ty\"}}");
  }

  @Test
  void aCutOrGarbledLineIsNoAnswer() {
    String line = Journal.line(1_700_000_000_000L, "k1", "{\"v\":42}");
    String whole = line.substring(0, line.length() - 1);
    assertThat(Journal.entry(whole.substring(0, whole.length() - 2))).as("cut short").isNull();
    assertThat(Journal.entry(whole.replace("42", "43"))).as("a changed answer").isNull();
    assertThat(Journal.entry("no tabs at all")).isNull();
    assertThat(Journal.entry("")).isNull();
  }
}
