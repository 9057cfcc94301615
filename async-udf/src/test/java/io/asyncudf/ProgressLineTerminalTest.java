package io.asyncudf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The progress line in a real terminal: {@link ProgressDemo} runs in a tmux session, and the pane
 * is read while it runs and after it ends. The line must be rewritten in place (never more than one
 * on screen while the job runs), show growing numbers, and end with the job's own counts.
 */
class ProgressLineTerminalTest {

  private static final Pattern LINE = Pattern.compile("progress_demo: ([\\d,]+)(?: of ~?([\\d,]+))? rows \\| [\\d,]+ rows/s"
      + " \\| (\\d+) in flight \\| ([\\d,]+) retries \\| ([\\d,]+) failed \\| partitions (\\d+)/4 \\| [\\d:]+ elapsed"
      + " \\| ETA ([\\d:?]+)( \\(done\\))?");

  @TempDir
  Path work;

  @Test
  void theLineUpdatesInPlaceAndEndsWithTheJobsNumbers() throws Exception {
    assumeTrue(tmuxInstalled(), "tmux is installed (.ci/run installs it)");
    String socket = "asyncudf-progress-" + ProcessHandle.current().pid();
    Path result = work.resolve("result.txt");
    Path script = work.resolve("run.sh");
    Files.writeString(script, "#!/bin/sh\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java") + "' "
        + System.getProperty("asyncudf.sparkJavaOptions", "") + " -cp '" + System.getProperty("java.class.path") + "' "
        + ProgressDemo.class.getName() + " '" + result + "'\n");
    script.toFile().setExecutable(true);

    assertThat(run("tmux", "-L", socket, "new-session", "-d", "-s", "demo", "-x", "220", "-y", "40").exitValue()).isZero();
    try {
      run("tmux", "-L", socket, "set-option", "-t", "demo", "remain-on-exit", "on");
      run("tmux", "-L", socket, "respawn-pane", "-k", "-t", "demo", "sh " + script);
      Set<String> seenWhileRunning = new LinkedHashSet<>();
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
      String screen = "";
      while (System.nanoTime() < deadline && !Files.exists(result)) {
        screen = pane(socket);
        List<String> lines = progressLines(screen);
        assertThat(lines.stream().filter(line -> !line.endsWith("(done)")))
            .as("one progress line at a time while running:%n%s", screen).hasSizeLessThanOrEqualTo(1);
        lines.stream().filter(line -> !line.endsWith("(done)")).forEach(seenWhileRunning::add);
        Thread.sleep(300); // polling a terminal: there is nothing to wait on
      }
      assertThat(result).as("the demo finished:%n%s", screen).exists();
      screen = awaitDone(socket);

      System.out.println("progress lines seen in the terminal:");
      seenWhileRunning.forEach(line -> System.out.println("  " + line));
      progressLines(screen).forEach(line -> System.out.println("  " + line));
      assertThat(seenWhileRunning).as("the line changed while the job ran").hasSizeGreaterThanOrEqualTo(3);
      long previous = -1;
      for (String line : seenWhileRunning) {
        Matcher running = LINE.matcher(line);
        assertThat(running.matches()).as(line).isTrue();
        long rows = number(running.group(1));
        assertThat(rows).as("rows only grow").isGreaterThanOrEqualTo(previous).isLessThan(ProgressDemo.ROWS);
        previous = rows;
      }

      String finalScreen = screen;
      Matcher done = LINE.matcher(progressLines(screen).stream().filter(line -> line.endsWith("(done)")).findFirst()
          .orElseThrow(() -> new AssertionError("no final line:\n" + finalScreen)));
      assertThat(done.matches()).isTrue();
      String counted = Files.readString(result).trim();
      assertThat(counted).startsWith("rows=" + ProgressDemo.ROWS);
      assertThat("rows=" + number(done.group(1)) + " failed=" + number(done.group(5)) + " retries=" + number(done.group(4)))
          .as("the final line against the job's own counts").isEqualTo(counted);
      assertThat(number(done.group(2))).isEqualTo(ProgressDemo.ROWS);
      assertThat(done.group(3)).isEqualTo("0");
      assertThat(done.group(6)).isEqualTo("4");
    } finally {
      run("tmux", "-L", socket, "kill-server");
    }
  }

  private static boolean tmuxInstalled() {
    try {
      return run("tmux", "-V").exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private static String awaitDone(String socket) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    String screen = pane(socket);
    while (System.nanoTime() < deadline && progressLines(screen).stream().noneMatch(line -> line.endsWith("(done)"))) {
      Thread.sleep(200);
      screen = pane(socket);
    }
    return screen;
  }

  private static List<String> progressLines(String screen) {
    List<String> lines = new ArrayList<>();
    for (String line : screen.split("\n")) {
      int start = line.indexOf("progress_demo:");
      if (start >= 0) {
        lines.add(line.substring(start).strip());
      }
    }
    return lines;
  }

  private static long number(String digits) {
    return Long.parseLong(digits.replace(",", ""));
  }

  private static String pane(String socket) throws Exception {
    Process capture = new ProcessBuilder("tmux", "-L", socket, "capture-pane", "-p", "-t", "demo").start();
    String text = new String(capture.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    capture.waitFor();
    return text;
  }

  private static Process run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getInputStream().readAllBytes();
    process.waitFor();
    return process;
  }
}
