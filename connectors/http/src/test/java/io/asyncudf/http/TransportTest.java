package io.asyncudf.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.SingletonDnsServerAddressStreamProvider;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The client's transport: native epoll where it loads, with the DNS resolver's channels on the same transport. */
class TransportTest {

  @Test
  void epollWhereItsNativeLibraryLoadsWithChannelsOfTheSameTransport() {
    Transport transport = Transport.create(1, new DefaultThreadFactory("transport-test", true));
    try {
      if (Epoll.isAvailable()) { // Linux with netty-transport-native-epoll, as on Spark's class path
        assertThat(transport.name()).isEqualTo("epoll");
        assertThat(transport.datagramChannel()).isEqualTo(EpollDatagramChannel.class);
        assertThat(transport.socketChannel()).isEqualTo(EpollSocketChannel.class);
      } else {
        assertThat(transport.name()).isEqualTo("nio");
      }
    } finally {
      transport.eventLoop().shutdownGracefully();
    }
  }

  @Test
  void nioHasNioChannels() {
    Transport transport = Transport.nio(1, new DefaultThreadFactory("transport-test", true));
    try {
      assertThat(transport.datagramChannel()).isEqualTo(NioDatagramChannel.class);
      assertThat(transport.socketChannel()).isEqualTo(NioSocketChannel.class);
    } finally {
      transport.eventLoop().shutdownGracefully();
    }
  }

  /**
   * A host name only a name server knows (not an IP literal, not in the hosts file) resolves on the
   * client's own transport and event loop, as the client resolves it: a resolver on the wrong transport's
   * channels fails here.
   */
  @Test
  void aHostNameResolvesThroughANameServerOnTheClientsTransport() throws Exception {
    EventLoopGroup serverLoop = new NioEventLoopGroup(1, new DefaultThreadFactory("dns-server", true));
    Transport transport = Transport.create(1, new DefaultThreadFactory("transport-test", true));
    try {
      Channel nameServer = new Bootstrap().group(serverLoop).channel(NioDatagramChannel.class)
          .handler(new ChannelInitializer<DatagramChannel>() {
            @Override
            protected void initChannel(DatagramChannel channel) {
              channel.pipeline().addLast(new DatagramDnsQueryDecoder(), new DatagramDnsResponseEncoder(), new ScoreZone());
            }
          })
          .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
      try (DnsAddressResolverGroup dns = transport.dnsResolver(
          new SingletonDnsServerAddressStreamProvider((InetSocketAddress) nameServer.localAddress()))) {
        InetSocketAddress resolved = dns.getResolver(transport.eventLoop().next())
            .resolve(InetSocketAddress.createUnresolved("scores.asyncudf.test", 8080)).get(10, TimeUnit.SECONDS);

        assertThat(resolved.getAddress().getHostAddress()).isEqualTo("127.0.0.7");
        assertThat(resolved.getPort()).isEqualTo(8080);
      } finally {
        nameServer.close().sync();
      }
    } finally {
      transport.eventLoop().shutdownGracefully();
      serverLoop.shutdownGracefully();
    }
  }

  /** Answers {@code scores.asyncudf.test} with 127.0.0.7 (an A record) and every other question with no record. */
  private static final class ScoreZone extends SimpleChannelInboundHandler<DatagramDnsQuery> {
    @Override
    protected void channelRead0(ChannelHandlerContext context, DatagramDnsQuery query) {
      DnsQuestion question = query.recordAt(DnsSection.QUESTION);
      DatagramDnsResponse response = new DatagramDnsResponse(query.recipient(), query.sender(), query.id());
      response.addRecord(DnsSection.QUESTION, question);
      if (question.type().equals(DnsRecordType.A) && question.name().equals("scores.asyncudf.test.")) {
        response.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(question.name(), DnsRecordType.A, 60,
            Unpooled.wrappedBuffer(new byte[] {127, 0, 0, 7})));
      }
      context.writeAndFlush(response);
    }
  }
}
