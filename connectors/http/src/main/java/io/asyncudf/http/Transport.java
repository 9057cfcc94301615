package io.asyncudf.http;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.concurrent.ThreadFactory;

/**
 * The network transport of one client: an event loop and the channel types that belong to it, which
 * the DNS resolver must use too. Netty's native epoll transport where its classes are present and
 * its native library loads (Linux, with the unshaded jars: Spark ships it), NIO otherwise (the
 * shaded jar leaves native transports out). Epoll costs the network threads about a fifth less CPU
 * per request than NIO's selector.
 *
 * @param name "epoll" or "nio", for logs and tests
 */
record Transport(String name, EventLoopGroup eventLoop, Class<? extends DatagramChannel> datagramChannel,
    Class<? extends SocketChannel> socketChannel) {

  /** The best transport available, with {@code threads} event-loop threads from {@code threadFactory}. */
  static Transport create(int threads, ThreadFactory threadFactory) {
    if (Native.available()) {
      return Native.create(threads, threadFactory);
    }
    return nio(threads, threadFactory);
  }

  @SuppressWarnings("deprecation") // the group AHC recognises; MultiThreadIoEventLoopGroup is not
  static Transport nio(int threads, ThreadFactory threadFactory) {
    return new Transport("nio", new NioEventLoopGroup(threads, threadFactory), NioDatagramChannel.class,
        NioSocketChannel.class);
  }

  /** Loaded only when the epoll classes are on the class path. */
  private static final class Native {

    /** Whether epoll's classes are present and its native library loads; any failure to load them means no. */
    static boolean available() {
      try {
        Class.forName("io.netty.channel.epoll.Epoll", false, Transport.class.getClassLoader());
        return Epoll.isAvailable();
      } catch (ClassNotFoundException | LinkageError absentOrMismatched) {
        return false;
      }
    }

    @SuppressWarnings("deprecation")
    static Transport create(int threads, ThreadFactory threadFactory) {
      return new Transport("epoll", new io.netty.channel.epoll.EpollEventLoopGroup(threads, threadFactory),
          io.netty.channel.epoll.EpollDatagramChannel.class, io.netty.channel.epoll.EpollSocketChannel.class);
    }
  }

  /** Kept apart so that {@link Native#available()} can test for the class before touching it. */
  private static final class Epoll {
    static boolean isAvailable() {
      return io.netty.channel.epoll.Epoll.isAvailable();
    }
  }
}
