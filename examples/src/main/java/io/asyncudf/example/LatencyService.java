package io.asyncudf.example;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * A small local "risk score" service for the example job: {@code GET /score?id=N} answers
 * {@code {"id":N,"score":S}} after a fixed latency. It is a Netty HTTP/1.1 server on two event-loop
 * threads that schedules each answer on its connection's event loop, so no thread waits and it is
 * not what limits the job. It binds to 127.0.0.1 on a free port and counts requests, the peak
 * number in flight and the faults it injected.
 *
 * <p>With {@link Faults} it misbehaves like a real service, deterministically: a seeded share of
 * requests answers 503 (the HTTP connector retries them), and a few fixed ids always answer 400 or
 * 500 (not retried: they end in the job's error column).
 *
 * <p>Spark puts Netty on the class path of every driver and executor; this class uses only Netty
 * API that Spark 4.0 (Netty 4.1) and Spark 4.1 and 4.2 (Netty 4.2) all have.
 */
public final class LatencyService implements AutoCloseable {

  /**
   * Faults the service injects. The k-th scoring request answers 503 when a hash of
   * {@code (seed, k)} falls below {@code unavailableRate}: the same run of answers every time,
   * whichever ids arrive in which order. Ids in {@code badRequestIds} always answer 400, ids in
   * {@code serverErrorIds} always 500.
   */
  public record Faults(long seed, double unavailableRate, Set<Long> badRequestIds, Set<Long> serverErrorIds) {

    public Faults {
      badRequestIds = Set.copyOf(badRequestIds);
      serverErrorIds = Set.copyOf(serverErrorIds);
    }

    /** A well-behaved service. */
    public static Faults none() {
      return new Faults(0, 0, Set.of(), Set.of());
    }

    /** The example job's faults: 2% of requests 503, five ids that always fail. */
    public static Faults example() {
      return new Faults(42, 0.02, Set.of(777L, 8_191L, 16_384L), Set.of(4_099L, 12_345L));
    }

    /** The ids below {@code rows} that always fail, in order. */
    public List<Long> failingIdsBelow(long rows) {
      return Stream.concat(badRequestIds.stream(), serverErrorIds.stream())
          .filter(id -> id >= 0 && id < rows).sorted().toList();
    }

    boolean unavailable(long request) {
      return unavailableRate > 0 && uniform(seed, request) < unavailableRate;
    }

    /** SplitMix64's finalizer over seed and request number, as a double in [0, 1). */
    private static double uniform(long seed, long request) {
      long z = seed + request * 0x9E3779B97F4A7C15L;
      z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
      z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
      z ^= z >>> 31;
      return (z >>> 11) * 0x1.0p-53;
    }
  }

  private final long latencyMillis;
  private final Faults faults;
  private final EventLoopGroup loops;
  private final Channel server;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong unavailableAnswers = new AtomicLong();
  private final AtomicLong errorAnswers = new AtomicLong();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger peakInFlight = new AtomicInteger();

  @SuppressWarnings("deprecation") // NioEventLoopGroup: deprecated in Netty 4.2, the only common API with 4.1
  private LatencyService(long latencyMillis, Faults faults) {
    this.latencyMillis = latencyMillis;
    this.faults = faults;
    this.loops = new NioEventLoopGroup(2, new DefaultThreadFactory("score-service", true));
    try {
      this.server = new ServerBootstrap().group(loops).channel(NioServerSocketChannel.class)
          .option(ChannelOption.SO_BACKLOG, 4096)
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel channel) {
              channel.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024), new Handler());
            }
          })
          .bind("127.0.0.1", 0).syncUninterruptibly().channel();
    } catch (Exception e) { // also a BindException, which Netty rethrows undeclared
      loops.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      throw e;
    }
  }

  /** Starts a well-behaved service on a free port of 127.0.0.1. */
  public static LatencyService start(long latencyMillis) {
    return start(latencyMillis, Faults.none());
  }

  /** Starts a service that injects {@code faults}, on a free port of 127.0.0.1. */
  public static LatencyService start(long latencyMillis, Faults faults) {
    return new LatencyService(latencyMillis, faults);
  }

  /** The base URL, using the host name {@code localhost} so that name resolution is exercised. */
  public URI baseUri() {
    return URI.create("http://localhost:" + ((InetSocketAddress) server.localAddress()).getPort());
  }

  public long latencyMillis() {
    return latencyMillis;
  }

  public Faults faults() {
    return faults;
  }

  /** Scoring requests received, whatever they were answered. */
  public long requests() {
    return requests.get();
  }

  /** Requests answered 503 by {@link Faults#unavailableRate()}. */
  public long unavailableAnswers() {
    return unavailableAnswers.get();
  }

  /** Requests answered 400 or 500 because of their id. */
  public long errorAnswers() {
    return errorAnswers.get();
  }

  public int peakInFlight() {
    return peakInFlight.get();
  }

  /** The score the service gives an id: deterministic, so tests can check every row. */
  public static double scoreOf(long id) {
    return (id * 7919 % 1000) / 1000.0;
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      QueryStringDecoder uri = new QueryStringDecoder(request.uri());
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      List<String> ids = uri.parameters().get("id");
      if (!uri.path().equals("/score") || ids == null) {
        respond(ctx, keepAlive, HttpResponseStatus.NOT_FOUND, "{\"error\":\"no such resource\"}");
        return;
      }
      long id;
      try {
        id = Long.parseLong(ids.get(0));
      } catch (NumberFormatException e) {
        respond(ctx, keepAlive, HttpResponseStatus.BAD_REQUEST, "{\"error\":\"id is not a number\"}");
        return;
      }
      long number = requests.incrementAndGet();
      peakInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      HttpResponseStatus status;
      String body;
      if (faults.badRequestIds().contains(id)) {
        errorAnswers.incrementAndGet();
        status = HttpResponseStatus.BAD_REQUEST;
        body = "{\"error\":\"no birth record for patient " + id + "\"}";
      } else if (faults.serverErrorIds().contains(id)) {
        errorAnswers.incrementAndGet();
        status = HttpResponseStatus.INTERNAL_SERVER_ERROR;
        body = "{\"error\":\"risk model failed for patient " + id + "\"}";
      } else if (faults.unavailable(number)) {
        unavailableAnswers.incrementAndGet();
        status = HttpResponseStatus.SERVICE_UNAVAILABLE;
        body = "{\"error\":\"overloaded, try again\"}";
      } else {
        status = HttpResponseStatus.OK;
        body = "{\"id\":" + id + ",\"score\":" + scoreOf(id) + "}";
      }
      ctx.executor().schedule(() -> {
        inFlight.decrementAndGet();
        respond(ctx, keepAlive, status, body);
      }, latencyMillis, TimeUnit.MILLISECONDS);
    }

    private void respond(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, String body) {
      FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
          Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
      HttpUtil.setContentLength(response, response.content().readableBytes());
      HttpUtil.setKeepAlive(response, keepAlive);
      var write = ctx.writeAndFlush(response);
      if (!keepAlive) {
        write.addListener(ChannelFutureListener.CLOSE);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
