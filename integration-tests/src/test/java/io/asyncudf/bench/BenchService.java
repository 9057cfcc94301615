package io.asyncudf.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.asyncudf.example.LatencyService;
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
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The benchmark's score service, run in its own JVM by {@link BenchServer}: a Netty HTTP/1.1
 * server that answers after a fixed latency scheduled on the event loop (no thread waits), keeps
 * connections alive and counts requests, the peak number in flight, and the connections that
 * carried scoring requests: the most open at once and how many there were.
 *
 * <ul>
 *   <li>{@code GET /score?id=N}: {@code {"id":N,"score":S}}
 *   <li>{@code POST /batch} with a JSON array of ids: a JSON array of scores, one latency for all
 *   <li>{@code GET /reset?latency_ms=L[&churn=1]}: zeroes the counters and sets the latency; with
 *       {@code churn=1} each scoring connection is closed right after its 1st to 8th answer (random),
 *       without a {@code Connection: close} header, as servers with short keep-alive limits do; with
 *       {@code capacity=N} it serves N scoring requests at a time: beyond N in flight each answer takes
 *       the latency times (in flight / N), and beyond 2N it answers 429 at once; with {@code slow=M}, M
 *       scoring requests in a thousand (at random) are answered after ten times the latency
 *   <li>{@code GET /stats}: {@code {"requests":N,"peak_in_flight":P,"peak_open_connections":C,"connections":A,
 *       "too_many":T,"busy_nanos":B}} ({@code T}: 429 answers; {@code B}: the time scoring requests spent
 *       in the service, summed, which over the run's time is the mean number in flight)
 * </ul>
 *
 * <p>Prints {@code LISTENING <port>} once it accepts connections.
 */
public final class BenchService {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final AtomicLong requests = new AtomicLong();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger peakInFlight = new AtomicInteger();
  private final AtomicInteger openConnections = new AtomicInteger();
  private final AtomicInteger peakOpenConnections = new AtomicInteger();
  private final AtomicLong acceptedConnections = new AtomicLong();
  private volatile long latencyMillis = 20;
  /** Whether scoring connections are closed after 1 to 8 answers, without a {@code Connection: close} header. */
  private volatile boolean churn;
  /** Scoring requests served at a time, 0 for no limit. */
  private volatile int capacity;
  private final AtomicLong tooMany = new AtomicLong();
  /** Scoring requests per thousand answered after ten times the latency: a service's slow tail. */
  private volatile int slowPerMille;
  /** Nanoseconds scoring requests spent in the service, summed: over the run's time, the mean number in flight. */
  private final AtomicLong busyNanos = new AtomicLong();

  public static void main(String[] args) throws Exception {
    int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
    EventLoopGroup loops = new NioEventLoopGroup(threads);
    BenchService service = new BenchService();
    Channel server = new ServerBootstrap().group(loops).channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 4096)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel channel) {
            channel.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20), service.new Handler());
          }
        })
        .bind("127.0.0.1", 0).sync().channel();
    System.out.println("LISTENING " + ((InetSocketAddress) server.localAddress()).getPort());
    System.out.flush();
    server.closeFuture().sync();
  }

  private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    /** Whether this connection has carried a scoring request: control calls do not count as load. */
    private boolean scoring;
    /** Answers this connection gives before it is closed, when churning. */
    private int answersLeft = 1 + java.util.concurrent.ThreadLocalRandom.current().nextInt(8);

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      if (scoring) {
        openConnections.decrementAndGet();
      }
      super.channelInactive(ctx);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) throws IOException {
      QueryStringDecoder uri = new QueryStringDecoder(request.uri());
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      switch (uri.path()) {
        case "/score" -> {
          long id = Long.parseLong(uri.parameters().get("id").get(0));
          delayed(ctx, keepAlive, "{\"id\":" + id + ",\"score\":" + LatencyService.scoreOf(id) + "}");
        }
        case "/batch" -> {
          ArrayNode scores = JSON.createArrayNode();
          for (JsonNode id : JSON.readTree(request.content().toString(StandardCharsets.UTF_8))) {
            scores.add(LatencyService.scoreOf(id.asLong()));
          }
          delayed(ctx, keepAlive, scores.toString());
        }
        case "/reset" -> {
          latencyMillis = Long.parseLong(uri.parameters().get("latency_ms").get(0));
          churn = uri.parameters().containsKey("churn");
          slowPerMille = uri.parameters().containsKey("slow")
              ? Integer.parseInt(uri.parameters().get("slow").get(0)) : 0;
          capacity = uri.parameters().containsKey("capacity")
              ? Integer.parseInt(uri.parameters().get("capacity").get(0)) : 0;
          tooMany.set(0);
          requests.set(0);
          busyNanos.set(0);
          peakInFlight.set(0);
          peakOpenConnections.set(openConnections.get());
          acceptedConnections.set(0);
          respond(ctx, keepAlive, "{}");
        }
        case "/stats" -> respond(ctx, keepAlive,
            "{\"requests\":" + requests.get() + ",\"peak_in_flight\":" + peakInFlight.get()
                + ",\"peak_open_connections\":" + peakOpenConnections.get()
                + ",\"connections\":" + acceptedConnections.get() + ",\"too_many\":" + tooMany.get() + ",\"busy_nanos\":" + busyNanos.get() + "}");
        default -> respond(ctx, false, HttpResponseStatus.NOT_FOUND, "{}");
      }
    }

    private void delayed(ChannelHandlerContext ctx, boolean keepAlive, String body) {
      if (!scoring) {
        scoring = true;
        acceptedConnections.incrementAndGet();
        peakOpenConnections.accumulateAndGet(openConnections.incrementAndGet(), Math::max);
      }
      requests.incrementAndGet();
      int now = inFlight.incrementAndGet();
      peakInFlight.accumulateAndGet(now, Math::max);
      int served = capacity;
      if (served > 0 && now > 2 * served) {
        inFlight.decrementAndGet();
        tooMany.incrementAndGet();
        respond(ctx, keepAlive, HttpResponseStatus.TOO_MANY_REQUESTS, "{}");
        return;
      }
      long arrived = System.nanoTime();
      Runnable answer = () -> {
        inFlight.decrementAndGet();
        busyNanos.addAndGet(System.nanoTime() - arrived);
        boolean close = churn && --answersLeft <= 0;
        var write = respond(ctx, keepAlive, HttpResponseStatus.OK, body);
        if (close && keepAlive) {
          write.addListener(ChannelFutureListener.CLOSE);
        }
      };
      long latency = served > 0 && now > served ? latencyMillis * now / served : latencyMillis;
      if (slowPerMille > 0 && java.util.concurrent.ThreadLocalRandom.current().nextInt(1000) < slowPerMille) {
        latency *= 10;
      }
      if (latency == 0) {
        answer.run();
      } else {
        ctx.executor().schedule(answer, latency, TimeUnit.MILLISECONDS);
      }
    }

    private void respond(ChannelHandlerContext ctx, boolean keepAlive, String body) {
      respond(ctx, keepAlive, HttpResponseStatus.OK, body);
    }

    private io.netty.channel.ChannelFuture respond(ChannelHandlerContext ctx, boolean keepAlive,
        HttpResponseStatus status, String body) {
      FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
          Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
      HttpUtil.setContentLength(response, response.content().readableBytes());
      HttpUtil.setKeepAlive(response, keepAlive);
      var write = ctx.writeAndFlush(response);
      if (!keepAlive) {
        write.addListener(ChannelFutureListener.CLOSE);
      }
      return write;
    }
  }
}
