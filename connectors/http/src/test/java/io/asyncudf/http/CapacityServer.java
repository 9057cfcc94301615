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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A keep-alive HTTP server with a capacity: it serves {@code capacity} requests at a time in
 * {@code latencyMillis}; beyond that each answer takes the latency times (in flight / capacity), and beyond
 * twice that it answers 429 at once. Counts answers and 429s.
 */
final class CapacityServer implements AutoCloseable {

  private final EventLoopGroup group = new NioEventLoopGroup(1);
  private final Channel server;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger answered = new AtomicInteger();
  private final AtomicInteger tooMany = new AtomicInteger();

  CapacityServer(int capacity, long latencyMillis) throws InterruptedException {
    server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel channel) {
            channel.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 16),
                new SimpleChannelInboundHandler<FullHttpRequest>() {
                  @Override
                  protected void channelRead0(ChannelHandlerContext context, FullHttpRequest request) {
                    int now = inFlight.incrementAndGet();
                    if (now > 2 * capacity) {
                      inFlight.decrementAndGet();
                      tooMany.incrementAndGet();
                      respond(context, HttpResponseStatus.TOO_MANY_REQUESTS);
                      return;
                    }
                    long millis = now > capacity ? latencyMillis * now / capacity : latencyMillis;
                    context.executor().schedule(() -> {
                      inFlight.decrementAndGet();
                      answered.incrementAndGet();
                      respond(context, HttpResponseStatus.OK);
                    }, millis, TimeUnit.MILLISECONDS);
                  }
                });
          }
        })
        .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
  }

  private static void respond(ChannelHandlerContext context, HttpResponseStatus status) {
    DefaultFullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
    context.writeAndFlush(response);
  }

  String url() {
    return "http://127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort() + "/";
  }

  int answered() {
    return answered.get();
  }

  int tooMany() {
    return tooMany.get();
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).syncUninterruptibly();
  }
}
