package io.asyncudf.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
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
 * A keep-alive HTTP server that counts the connections it accepts and answers every request with the
 * headers {@code Keep-Alive} and {@code Connection} set as the test says (null: not sent).
 */
final class KeepAliveServer implements AutoCloseable {

  private final EventLoopGroup group = new NioEventLoopGroup(1);
  private final Channel server;
  private final AtomicInteger connections = new AtomicInteger();
  private volatile String keepAlive;
  private volatile String connection;

  KeepAliveServer() throws InterruptedException {
    server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel channel) {
            connections.incrementAndGet();
            channel.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 16),
                new SimpleChannelInboundHandler<FullHttpRequest>() {
                  @Override
                  protected void channelRead0(ChannelHandlerContext context, FullHttpRequest request) {
                    DefaultFullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                        HttpResponseStatus.OK, Unpooled.EMPTY_BUFFER);
                    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
                    String keepAliveNow = keepAlive;
                    String connectionNow = connection;
                    if (keepAliveNow != null) {
                      response.headers().set("Keep-Alive", keepAliveNow);
                    }
                    if (connectionNow != null) {
                      response.headers().set(HttpHeaderNames.CONNECTION, connectionNow);
                    }
                    var write = context.writeAndFlush(response);
                    if ("close".equalsIgnoreCase(connectionNow)) {
                      write.addListener(ChannelFutureListener.CLOSE);
                    }
                  }
                });
          }
        })
        .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
  }

  KeepAliveServer answering(String keepAliveHeader, String connectionHeader) {
    this.keepAlive = keepAliveHeader;
    this.connection = connectionHeader;
    return this;
  }

  String url() {
    return "http://127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort() + "/";
  }

  int connections() {
    return connections.get();
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).syncUninterruptibly();
  }
}
