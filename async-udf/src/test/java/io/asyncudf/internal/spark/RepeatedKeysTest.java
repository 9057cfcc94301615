package io.asyncudf.internal.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;

/** Which rows of a partition repeat a key and get its first answer, in the order rows are staged and emitted. */
class RepeatedKeysTest {

  private static UTF8String key(String name) {
    return UTF8String.fromString(name);
  }

  @Test
  void aRepeatGetsTheAnswerOfItsKeysFirstRow() {
    RepeatedKeys keys = new RepeatedKeys(10);
    assertThat(keys.stage(key("a"), 0)).isFalse();
    assertThat(keys.stage(key("b"), 1)).isFalse();
    assertThat(keys.stage(key("a"), 2)).as("staged while a's first row is in flight").isTrue();

    assertThat(keys.isRepeat(0)).isFalse();
    Object[] answerOfA = {"A"};
    keys.answered(key("a"), answerOfA);
    assertThat(keys.isRepeat(1)).isFalse();
    keys.answered(key("b"), new Object[] {"B"});
    assertThat(keys.isRepeat(2)).isTrue();
    assertThat(keys.answerOf(key("a"))).isSameAs(answerOfA);

    assertThat(keys.stage(key("a"), 3)).as("after its first row was emitted").isTrue();
    assertThat(keys.isRepeat(3)).isTrue();
    assertThat(keys.answerOf(key("a"))).isSameAs(answerOfA);
  }

  @Test
  void keysBeyondTheCapacityAreForgottenButNotWhileARepeatWaits() {
    RepeatedKeys keys = new RepeatedKeys(2);
    keys.stage(key("a"), 0);
    keys.stage(key("a"), 1); // waits for a
    keys.stage(key("b"), 2);
    keys.stage(key("c"), 3); // a is the oldest, but a repeat waits for it: b goes
    assertThat(keys.stage(key("a"), 4)).as("a is kept for its waiting repeat").isTrue();
    assertThat(keys.stage(key("b"), 5)).as("b was forgotten: called again").isFalse();

    keys.isRepeat(0);
    keys.answered(key("a"), new Object[] {"A"});
    assertThat(keys.isRepeat(1)).isTrue();
    assertThat(keys.answerOf(key("a"))).containsExactly("A");
  }

  @Test
  void aKeyThatKeepsRepeatingIsNotForgotten() {
    RepeatedKeys keys = new RepeatedKeys(2);
    keys.stage(key("a"), 0);
    keys.stage(key("b"), 1);
    keys.isRepeat(0);
    keys.answered(key("a"), new Object[] {"A"});
    keys.isRepeat(1);
    keys.answered(key("b"), new Object[] {"B"});
    assertThat(keys.stage(key("a"), 2)).isTrue();
    keys.isRepeat(2);
    keys.answerOf(key("a"));
    assertThat(keys.stage(key("c"), 3)).as("c is new: b, used least recently, goes").isFalse();
    assertThat(keys.stage(key("a"), 4)).as("a was used after b").isTrue();
    assertThat(keys.stage(key("b"), 5)).isFalse();
  }

  @Test
  void recoveredAnswersAreNotCalledEvenWithoutRemembering() {
    Object[] answerOfA = {"A"};
    RepeatedKeys keys = new RepeatedKeys(1, false, java.util.Map.of(key("a"), answerOfA));
    assertThat(keys.stage(key("b"), 0)).isFalse();
    assertThat(keys.stage(key("a"), 1)).as("what a failed attempt journaled").isTrue();
    assertThat(keys.stage(key("b"), 2)).as("not remembered: called again").isFalse();
    assertThat(keys.isRepeat(0)).isFalse();
    keys.answered(key("b"), new Object[] {"B"});
    assertThat(keys.isRepeat(1)).isTrue();
    assertThat(keys.answerOf(key("a"))).isSameAs(answerOfA);
    assertThat(keys.isRepeat(2)).isFalse();
  }

  @Test
  void aRepeatWithoutAnAnswerIsAnError() {
    RepeatedKeys keys = new RepeatedKeys(1);
    keys.stage(key("a"), 0);
    keys.stage(key("a"), 1);
    assertThatThrownBy(() -> keys.answerOf(key("a"))).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("has no answer from its first row");
    assertThatThrownBy(() -> new RepeatedKeys(0)).hasMessageContaining("at least 1");
  }
}
