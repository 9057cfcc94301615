package io.asyncudf.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Where a run's CPU went, by group of threads of this JVM (names with their numbers dropped: the
 * Spark task threads, the connector's network threads, the JIT compiler, the garbage collector...),
 * read from {@code /proc/self/task} (Linux only). Threads that ended during the run are not counted.
 */
final class ThreadCpu {

  /** CPU clock ticks (1/100 s) and context switches of a group of threads. */
  record Usage(long ticks, long switches) {
    Usage plus(Usage other) {
      return new Usage(ticks + other.ticks, switches + other.switches);
    }
  }

  private ThreadCpu() {}

  static Map<String, Usage> snapshot() {
    Map<String, Usage> groups = new HashMap<>();
    try (Stream<Path> threads = Files.list(Path.of("/proc/self/task"))) {
      threads.forEach(thread -> {
        try {
          String name = Files.readString(thread.resolve("comm")).trim().replaceAll("\\d+", "N");
          String stat = Files.readString(thread.resolve("stat"));
          String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          long switches = 0;
          for (String line : Files.readAllLines(thread.resolve("status"))) {
            if (line.contains("ctxt_switches")) {
              switches += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
          }
          // utime and stime, fields 14 and 15 of stat
          groups.merge(name, new Usage(Long.parseLong(fields[11]) + Long.parseLong(fields[12]), switches), Usage::plus);
        } catch (IOException | RuntimeException ended) {
          // the thread ended while being read
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return groups;
  }

  /** CPU the JIT compiler's threads used between two snapshots, in nanoseconds (10 ms resolution). */
  static long jitNanos(Map<String, Usage> before, Map<String, Usage> after) {
    long ticks = 0;
    for (Map.Entry<String, Usage> group : after.entrySet()) {
      if (group.getKey().contains("CompilerThre")) { // HotSpot's "C1 CompilerThread0", "C2 CompilerThread1"...
        // a compiler thread that ended takes its ticks along: then this undercounts, never below 0
        ticks += Math.max(0, group.getValue().ticks() - before.getOrDefault(group.getKey(), new Usage(0, 0)).ticks());
      }
    }
    return ticks * 10_000_000L;
  }

  /** One line per group of threads that used CPU between two snapshots: µs and context switches per row. */
  static String since(Map<String, Usage> before, Map<String, Usage> after, long rows) {
    StringBuilder lines = new StringBuilder();
    new TreeMap<>(after).forEach((name, now) -> {
      Usage then = before.getOrDefault(name, new Usage(0, 0));
      long ticks = now.ticks() - then.ticks();
      if (ticks > 0) {
        lines.append(String.format("   %-16s %7.1f µs/row %6.2f switches/row%n", name, ticks * 10_000.0 / rows,
            (now.switches() - then.switches()) / (double) rows));
      }
    });
    return lines.toString();
  }
}
