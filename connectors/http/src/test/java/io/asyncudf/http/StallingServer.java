package io.asyncudf.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on loopback that reads requests and never answers, and counts the connections
 * the client still holds open: a connection counts until the client closes it (the server reads EOF
 * or a reset). It is how a test sees, at the server, that a cancelled request really ended.
 */
final class StallingServer implements AutoCloseable {

  private final ServerSocket socket;
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger accepted = new AtomicInteger();
  private final Thread acceptor;

  StallingServer() throws IOException {
    socket = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
    acceptor = new Thread(this::accept, "stalling-server");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  String url(String path) {
    return "http://127.0.0.1:" + socket.getLocalPort() + path;
  }

  int openConnections() {
    return open.get();
  }

  int acceptedConnections() {
    return accepted.get();
  }

  /** Waits until {@code count} connections are open, or fails after {@code limit}. */
  void awaitOpen(int count, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (open.get() < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("only " + open.get() + " of " + count + " connections opened within " + limit);
      }
      Thread.sleep(10);
    }
  }

  /** How long until no connection is open, or null if some still are after {@code limit}. */
  Duration timeUntilAllClosed(Duration limit) throws InterruptedException {
    long start = System.nanoTime();
    while (open.get() > 0) {
      if (System.nanoTime() - start > limit.toNanos()) {
        return null;
      }
      Thread.sleep(5);
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  private void accept() {
    while (!socket.isClosed()) {
      try {
        Socket connection = socket.accept();
        accepted.incrementAndGet();
        open.incrementAndGet();
        Thread reader = new Thread(() -> drainUntilClosed(connection), "stalling-connection");
        reader.setDaemon(true);
        reader.start();
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void drainUntilClosed(Socket connection) {
    try (connection; InputStream in = connection.getInputStream()) {
      byte[] buffer = new byte[4096];
      while (in.read(buffer) != -1) {
        // requests are read and never answered
      }
    } catch (IOException reset) {
      // the client reset the connection: it is closed too
    } finally {
      open.decrementAndGet();
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
