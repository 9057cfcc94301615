package io.asyncudf.http;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsServerAddressStreamProvider;
import java.util.concurrent.ThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The network transport of one client: an event loop and the channel types that belong to it, which
 * the DNS resolver must use too. Netty's native epoll transport where its classes are present and
 * its native library loads (Linux x86-64 and ARM64: Spark ships it for unshaded class paths, and the
 * shaded jar carries its own, renamed for its relocated classes), NIO otherwise. Epoll costs the
 * network threads less CPU per request than NIO's selector (33 to 42 against 40 to 45 µs per row in
 * {@code ./bench}'s connector rounds).
 *
 * @param name "epoll" or "nio", for logs and tests
 */
record Transport(String name, EventLoopGroup eventLoop, Class<? extends DatagramChannel> datagramChannel,
    Class<? extends SocketChannel> socketChannel) {

  private static final Logger LOG = LoggerFactory.getLogger(Transport.class);

  /**
   * The best transport available, with {@code threads} event-loop threads from {@code threadFactory}: NIO
   * when epoll's classes are missing, its native library does not load (another architecture, a temporary
   * directory mounted {@code noexec}) or its event loop cannot be made.
   */
  static Transport create(int threads, ThreadFactory threadFactory) {
    try {
      if (Native.available()) {
        return Native.create(threads, threadFactory);
      }
    } catch (LinkageError | RuntimeException unusable) {
      // epoll's classes missing, mismatched Netty jars on an unshaded class path, or no file descriptor left
      LOG.debug("epoll unusable, NIO instead: {}", unusable.toString());
    }
    return nio(threads, threadFactory);
  }

  /**
   * Netty's non-blocking DNS resolver on this transport's channels, asking {@code nameServers}: a resolver
   * on another transport's channels fails to register on this event loop, and then host names do not
   * resolve while IP literals and hosts-file names still do.
   */
  DnsAddressResolverGroup dnsResolver(DnsServerAddressStreamProvider nameServers) {
    return new DnsAddressResolverGroup(new DnsNameResolverBuilder()
        .datagramChannelType(datagramChannel)
        .socketChannelType(socketChannel)
        .nameServerProvider(nameServers));
  }

  @SuppressWarnings("deprecation") // the group AHC recognises; MultiThreadIoEventLoopGroup is not
  static Transport nio(int threads, ThreadFactory threadFactory) {
    return new Transport("nio", new NioEventLoopGroup(threads, threadFactory), NioDatagramChannel.class,
        NioSocketChannel.class);
  }

  /**
   * Epoll's side, in a class of its own: it names epoll's classes, so it fails to load, inside
   * {@link #create}'s catch, where they are missing.
   */
  private static final class Native {

    static boolean available() {
      return io.netty.channel.epoll.Epoll.isAvailable();
    }

    @SuppressWarnings("deprecation")
    static Transport create(int threads, ThreadFactory threadFactory) {
      return new Transport("epoll", new io.netty.channel.epoll.EpollEventLoopGroup(threads, threadFactory),
          io.netty.channel.epoll.EpollDatagramChannel.class, io.netty.channel.epoll.EpollSocketChannel.class);
    }
  }
}
