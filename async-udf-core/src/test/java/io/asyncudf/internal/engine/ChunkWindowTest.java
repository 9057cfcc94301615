package io.asyncudf.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The window's slots, with completions in an order each test chooses, on the test's thread. */
class ChunkWindowTest {

  private final ListChunkSource source = new ListChunkSource(1_000, 1);
  private final List<CompletableFuture<ChunkOutcome<String>>> outcomes = new ArrayList<>();

  private void submit(ChunkWindow<ListChunkSource.Chunk, String> window, int chunks) {
    for (int i = 0; i < chunks; i++) {
      CompletableFuture<ChunkOutcome<String>> outcome = new CompletableFuture<>();
      outcomes.add(outcome);
      window.submit(source.next(1, false).get(0), outcome);
    }
  }

  private void complete(int... chunks) {
    for (int chunk : chunks) {
      outcomes.get(chunk).complete(new ChunkOutcome.Success<>(List.of("c" + chunk), 1, java.time.Duration.ZERO));
    }
  }

  private static List<Integer> pollAll(ChunkWindow<ListChunkSource.Chunk, String> window) {
    List<Integer> emitted = new ArrayList<>();
    for (var slot = window.poll(); slot != null; slot = window.poll()) {
      emitted.add(slot.chunk().chunkIndex());
    }
    return emitted;
  }

  @Test
  void chunksFinishedBehindASlowHeadFreeTheirSlotsUntilThreeWindowsOfThemAreHeld() {
    var window = new ChunkWindow<ListChunkSource.Chunk, String>(3, true);
    submit(window, 3);
    assertThat(window.free()).isZero();

    complete(1, 2); // the head (0) still runs: its neighbours' slots go to new chunks
    assertThat(window.poll()).isNull();
    assertThat(window.free()).isEqualTo(2);
    submit(window, 2);
    assertThat(window.free()).isZero();
    var extra = new ListChunkSource(1, 1).next(1, false).get(0);
    assertThatThrownBy(() -> window.submit(extra, new CompletableFuture<>())).isInstanceOf(IllegalStateException.class);

    for (int next = 3; next < 10; next++) { // chunks 3 to 9 finish one by one behind the head, each freeing its slot
      complete(next);
      assertThat(window.free()).isEqualTo(1);
      submit(window, 1);
    }
    assertThat(window.peakOutstanding()).isEqualTo(12);
    complete(10); // 10 held behind the head, 11 running: no new chunk once 3 windows' worth would be held
    assertThat(window.free()).as("held chunks at their bound: the task waits").isZero();

    complete(11, 0);
    assertThat(pollAll(window)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
    assertThat(window.free()).isEqualTo(3);
    assertThat(window.isEmpty()).isTrue();
  }

  @Test
  void unorderedChunksAreReadyAsTheyFinish() {
    var window = new ChunkWindow<ListChunkSource.Chunk, String>(2, false);
    submit(window, 2);
    complete(1);
    assertThat(pollAll(window)).containsExactly(1);
    assertThat(window.free()).isEqualTo(1);
    complete(0);
    assertThat(pollAll(window)).containsExactly(0);
  }

  @Test
  @Timeout(10)
  void waitingEndsAtOnceWhenASlotIsFreeAndTheCallerCanSubmit() throws InterruptedException {
    var window = new ChunkWindow<ListChunkSource.Chunk, String>(2, true);
    submit(window, 2);
    complete(1);
    window.awaitReady(() -> { }, true); // returns: chunk 1's slot is free, though the head is not ready
    assertThat(window.poll()).isNull();
    assertThat(window.free()).isEqualTo(1);
  }

  @Test
  void completionsAfterCancellingEveryChunkLeaveTheWindowEmpty() {
    var window = new ChunkWindow<ListChunkSource.Chunk, String>(2, true);
    submit(window, 2);
    complete(0);
    assertThat(window.cancelAll()).hasSize(2);
    complete(1);
    assertThat(window.isEmpty()).isTrue();
    assertThat(window.poll()).isNull();
    assertThat(window.free()).as("late completions do not free slots twice").isEqualTo(2);
  }
}
