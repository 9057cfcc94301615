package io.asyncudf.it.opensearch;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * Stops a process together with every process it started: SIGTERM to all of them, then SIGKILL
 * to whatever outlives the grace period. Returns only once every one has exited.
 */
final class ProcessTree {

  private static final Duration AFTER_KILL = Duration.ofSeconds(10);

  private ProcessTree() {}

  static void terminate(ProcessHandle root, Duration grace) {
    List<ProcessHandle> tree = Stream.concat(root.descendants(), Stream.of(root)).toList();
    tree.forEach(ProcessHandle::destroy);
    if (!awaitExit(tree, grace)) {
      tree.forEach(ProcessHandle::destroyForcibly);
      if (!awaitExit(tree, AFTER_KILL)) {
        throw new IllegalStateException("processes still alive after SIGKILL: "
            + tree.stream().filter(ProcessHandle::isAlive).map(ProcessHandle::pid).toList());
      }
    }
  }

  private static boolean awaitExit(List<ProcessHandle> processes, Duration timeout) {
    CompletableFuture<?>[] exits = processes.stream().map(ProcessHandle::onExit).toArray(CompletableFuture[]::new);
    try {
      CompletableFuture.allOf(exits).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stopping process " + processes.get(processes.size() - 1).pid(), e);
    }
  }
}
