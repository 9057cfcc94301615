package io.asyncudf.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A keep-alive HTTP server that churns its connections the way real services do, without saying
 * so: connection {@code n} answers {@code 1 + n % 8} requests, then closes on the next one without
 * answering it (no {@code Connection: close} header ever), as a server closing an idle or much-used
 * connection just as the client reuses it. Answers {@code GET /echo/<x>} with {@code <x>}.
 */
final class ChurningServer implements AutoCloseable {

  private final EventLoopGroup group = new NioEventLoopGroup(1);
  private final Channel server;
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger answered = new AtomicInteger();
  private final AtomicInteger dropped = new AtomicInteger();

  ChurningServer() throws InterruptedException {
    this(Duration.ZERO);
  }

  /** @param cutAfter how long after reading a request it drops its connection on that request */
  ChurningServer(Duration cutAfter) throws InterruptedException {
    server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel channel) {
            int answers = 1 + connections.getAndIncrement() % 8;
            channel.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 16),
                new SimpleChannelInboundHandler<FullHttpRequest>() {
                  private int served;

                  @Override
                  protected void channelRead0(ChannelHandlerContext context, FullHttpRequest request) {
                    if (served++ == answers) {
                      dropped.incrementAndGet();
                      context.executor().schedule(() -> context.close(), cutAfter.toNanos(), TimeUnit.NANOSECONDS);
                      return;
                    }
                    byte[] body = request.uri().substring(request.uri().lastIndexOf('/') + 1)
                        .getBytes(StandardCharsets.UTF_8);
                    DefaultFullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                        HttpResponseStatus.OK, Unpooled.wrappedBuffer(body));
                    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
                    answered.incrementAndGet();
                    context.writeAndFlush(response);
                  }
                });
          }
        })
        .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
  }

  String url() {
    return "http://127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort() + "/";
  }

  int connections() {
    return connections.get();
  }

  int answered() {
    return answered.get();
  }

  /** Requests the server read and closed its connection on without answering. */
  int dropped() {
    return dropped.get();
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.MILLISECONDS).syncUninterruptibly();
  }
}
