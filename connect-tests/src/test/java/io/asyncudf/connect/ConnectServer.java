package io.asyncudf.connect;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A Spark Connect server in a JVM of its own: Spark Connect's jars, the shaded library jar and the
 * example jar on its class path, Spark conf as system properties, bound to loopback. Stopped (with
 * its process tree) on {@link #close()}.
 */
final class ConnectServer implements AutoCloseable {

  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(180);

  private final Process process;
  private final int port;
  private final Path log;

  private ConnectServer(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  static ConnectServer start(Map<String, String> conf) throws IOException, InterruptedException {
    int port = freePort();
    String classpath = String.join(java.io.File.pathSeparator,
        Files.readString(Path.of(System.getProperty("asyncudf.connect.classpath"))).trim(),
        System.getProperty("asyncudf.shadedJar"), System.getProperty("asyncudf.examplesJar"));
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx1g");
    command.addAll(Arrays.asList(System.getProperty("asyncudf.sparkJavaOptions", "").trim().split("\\s+")));
    command.add("-cp");
    command.add(classpath);
    command.add("-Dspark.master=local[2]");
    command.add("-Dspark.app.name=connect-tests-server");
    command.add("-Dspark.ui.enabled=false");
    command.add("-Dspark.driver.host=127.0.0.1");
    command.add("-Dspark.driver.bindAddress=127.0.0.1");
    command.add("-Dspark.connect.grpc.binding.address=127.0.0.1");
    command.add("-Dspark.connect.grpc.binding.port=" + port);
    conf.forEach((key, value) -> command.add("-D" + key + "=" + value));
    command.add("org.apache.spark.sql.connect.service.SparkConnectServer");
    Path log = Files.createTempFile(Path.of("target"), "connect-server-", ".log");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    ConnectServer server = new ConnectServer(process, port, log);
    server.awaitListening();
    return server;
  }

  String url() {
    return "sc://127.0.0.1:" + port;
  }

  /** The server's output so far, for failure messages. */
  String log() throws IOException {
    return Files.readString(log);
  }

  private void awaitListening() throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(STARTUP_TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the Connect server exited with " + process.exitValue() + ":\n" + log());
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
        return;
      } catch (IOException notYet) {
        Thread.sleep(200);
      }
    }
    close();
    throw new IllegalStateException("the Connect server did not listen on " + port + " within " + STARTUP_TIMEOUT
        + ":\n" + log());
  }

  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
