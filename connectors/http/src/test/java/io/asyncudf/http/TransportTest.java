package io.asyncudf.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
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
}
