package io.asyncudf.it.opensearch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node OpenSearch server (the integ-test distribution: plain HTTP, no security
 * plugin) on free ports of 127.0.0.1, for tests.
 *
 * <p>{@link #start()} returns once the cluster is at least yellow, or throws with the tail of the
 * server's console. Every server has its own copy of the distribution, data and logs in a fresh
 * run directory, so servers never share state and may run side by side. A JVM running as root
 * runs the server as an unprivileged system user, since OpenSearch refuses root. {@link #close()}
 * stops the server's whole process tree and deletes its run directory; a JVM shutdown hook does
 * the same for a server that was never closed.
 *
 * <p>The distribution comes from the system property {@value #HOME_PROPERTY}, which Maven sets
 * after unpacking it. The server runs on this JVM's Java with a 512 MB heap.
 */
public final class OpenSearchTestServer implements AutoCloseable {

  public static final String HOME_PROPERTY = "asyncudf.opensearch.home";
  public static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);

  private static final String HEAP = "512m";
  private static final Duration STOP_GRACE = Duration.ofSeconds(30);
  private static final Duration POLL_INTERVAL = Duration.ofMillis(250);
  private static final int CONSOLE_TAIL_LINES = 60;
  private static final Logger LOG = LoggerFactory.getLogger(OpenSearchTestServer.class);

  private final Process process;
  private final RunDirectory run;
  private final int port;
  private final Duration startupTime;
  private final Thread shutdownHook;
  private final AtomicBoolean closed = new AtomicBoolean();

  private OpenSearchTestServer(Process process, RunDirectory run, int port, Duration startupTime, Thread shutdownHook) {
    this.process = process;
    this.run = run;
    this.port = port;
    this.startupTime = startupTime;
    this.shutdownHook = shutdownHook;
  }

  /** Starts a server and waits, at most {@link #STARTUP_TIMEOUT}, until it is healthy. */
  public static OpenSearchTestServer start() {
    long started = System.nanoTime();
    Path distribution = distribution();
    ProcessOwner owner = ProcessOwner.forThisJvm();
    RunDirectory run = RunDirectory.create(distribution, owner.reachableDirectory(distribution.resolveSibling("runs")));
    Process process;
    int[] ports;
    try {
      owner.takeOwnership(run.root());
      ports = freeLoopbackPorts(2);
      process = launch(owner, run, ports[0], ports[1]);
    } catch (RuntimeException e) {
      run.delete();
      throw e;
    }
    Thread shutdownHook = new Thread(() -> stop(process, run), "opensearch-test-server-" + process.pid() + "-stop");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    OpenSearchTestServer server;
    try {
      awaitHealthy(process, ports[0], run.console());
      server = new OpenSearchTestServer(process, run, ports[0], Duration.ofNanos(System.nanoTime() - started), shutdownHook);
    } catch (RuntimeException e) {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
      stop(process, run);
      throw e;
    }
    LOG.info("OpenSearch (pid {}) healthy on {} after {} ms", process.pid(), server.baseUrl(),
        server.startupTime.toMillis());
    return server;
  }

  /** {@code http://127.0.0.1:PORT}, without a trailing slash. */
  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  /** The HTTP port on 127.0.0.1. */
  public int port() {
    return port;
  }

  /** From {@link #start()} being called until the cluster was healthy. */
  public Duration startupTime() {
    return startupTime;
  }

  ProcessHandle process() {
    return process.toHandle();
  }

  Path runDirectory() {
    return run.root();
  }

  /** Stops the server's process tree, waits until it has exited and deletes its run directory. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException shuttingDown) {
        return;
      }
      stop(process, run);
    }
  }

  private static Path distribution() {
    String home = System.getProperty(HOME_PROPERTY);
    if (home == null || !Files.isExecutable(Path.of(home, "bin", "opensearch"))) {
      throw new IllegalStateException("system property " + HOME_PROPERTY + " must name an unpacked OpenSearch"
          + " distribution, got " + home + "; Maven's process-test-resources phase of integration-tests sets it");
    }
    return Path.of(home).toAbsolutePath();
  }

  private static Process launch(ProcessOwner owner, RunDirectory run, int httpPort, int transportPort) {
    List<String> command = owner.runAs(List.of(
        run.home().resolve("bin").resolve("opensearch").toString(),
        "-Ecluster.name=asyncudf-test",
        "-Enode.name=asyncudf-test-node",
        "-Ediscovery.type=single-node",
        "-Enetwork.host=127.0.0.1",
        "-Ehttp.port=" + httpPort,
        "-Etransport.port=" + transportPort,
        "-Epath.data=" + run.data(),
        "-Epath.logs=" + run.logs(),
        "-Ecluster.routing.allocation.disk.threshold_enabled=false"));
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(run.home().toFile())
        .redirectErrorStream(true)
        .redirectOutput(run.console().toFile());
    builder.environment().put("OPENSEARCH_JAVA_HOME", System.getProperty("java.home"));
    builder.environment().put("OPENSEARCH_JAVA_OPTS",
        "-Xms" + HEAP + " -Xmx" + HEAP + " " + System.getProperty("asyncudf.testJvmArgs", ""));
    builder.environment().put("OPENSEARCH_TMPDIR", run.tmp().toString());
    builder.environment().remove("OPENSEARCH_PATH_CONF");
    try {
      return builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not launch " + command, e);
    }
  }

  private static void awaitHealthy(Process process, int port, Path console) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest health = HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/_cluster/health?wait_for_status=yellow&timeout=1s"))
        .timeout(Duration.ofSeconds(10))
        .build();
    long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw startFailure("exited with code " + process.exitValue(), console);
      }
      try {
        if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notListeningYet) {
        // polled again below
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for OpenSearch to start", e);
      }
      sleep(POLL_INTERVAL);
    }
    throw startFailure("was not healthy within " + STARTUP_TIMEOUT.toSeconds() + " s", console);
  }

  private static IllegalStateException startFailure(String what, Path console) {
    return new IllegalStateException("OpenSearch " + what + "; last lines of its console:\n" + tail(console));
  }

  private static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - CONSOLE_TAIL_LINES), lines.size()));
    } catch (IOException e) {
      return "(could not read " + file + ": " + e + ")";
    }
  }

  private static void stop(Process process, RunDirectory run) {
    ProcessTree.terminate(process.toHandle(), STOP_GRACE);
    run.delete();
  }

  private static int[] freeLoopbackPorts(int count) {
    ServerSocket[] sockets = new ServerSocket[count];
    try {
      for (int i = 0; i < count; i++) {
        sockets[i] = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
      }
      int[] ports = new int[count];
      for (int i = 0; i < count; i++) {
        ports[i] = sockets[i].getLocalPort();
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    } finally {
      for (ServerSocket socket : sockets) {
        closeQuietly(socket);
      }
    }
  }

  private static void closeQuietly(ServerSocket socket) {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // the port is released either way
      }
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for OpenSearch to start", e);
    }
  }
}
