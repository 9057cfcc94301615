package io.asyncudf.http;

import io.asyncudf.connector.TlsSettings;
import io.asyncudf.internal.connector.AsyncUdfThreads;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import io.netty.util.HashedWheelTimer;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLException;
import org.asynchttpclient.AsyncHttpClient;
import org.asynchttpclient.DefaultAsyncHttpClient;
import org.asynchttpclient.DefaultAsyncHttpClientConfig;
import org.asynchttpclient.channel.ChannelPool;
import org.asynchttpclient.netty.channel.ChannelManager;
import org.asynchttpclient.netty.channel.DefaultChannelPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the AsyncHttpClient behind one {@link HttpConnector}: its {@link Transport} (epoll where it
 * loads, NIO otherwise) on its own event loop, Netty's non-blocking DNS resolver on that same
 * transport (a resolver built on another transport than the one the client really uses, say NIO
 * datagrams beside an epoll client, fails to register, and then host names do not resolve while IP
 * literals still work: {@link Transport#dnsResolver}), AHC's own silent retries off, no cookie store,
 * no wire logging, the configured TLS trust, and a pool of idle connections that retires them after
 * {@code idleConnectionTimeout} or the server's {@code Keep-Alive: timeout} ({@link KeepAlivePool}).
 */
final class ClientBootstrap implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ClientBootstrap.class);

  final EventLoopGroup eventLoop;
  final DnsAddressResolverGroup dns;
  final AsyncHttpClient client;
  private final HashedWheelTimer timer;

  ClientBootstrap(HttpClientConfig config) {
    this(config, System::nanoTime);
  }

  /**
   * AHC's cap on open connections for a configured {@code limit}: a quarter more (at least 16), for
   * connections the server has closed that the client is still closing. Requests in flight never pass
   * {@code maxInFlight} (at most the configured limits), so busy and pooled connections stay within
   * {@code limit}; without the room, when the window fills the limit (keep-alive churn, in-flight equal to
   * maxConnections), a new request found no permit while closed connections still held theirs: in
   * {@code ./bench --only churn} three requests a run failed with "Too many connections" after 10 s.
   */
  static int withClosingRoom(int limit) {
    return limit > Integer.MAX_VALUE - Math.max(16, limit / 4) ? Integer.MAX_VALUE : limit + Math.max(16, limit / 4);
  }

  /** @param nanoClock the clock the pool reads connections' announced idle timeouts against */
  @SuppressWarnings("deprecation")
  ClientBootstrap(HttpClientConfig config, LongSupplier nanoClock) {
    timer = new HashedWheelTimer(AsyncUdfThreads.networkThreads(new DefaultThreadFactory("asyncudf-http-timer", true)));
    Transport transport = Transport.create(config.ioThreads(),
        AsyncUdfThreads.networkThreads(new DefaultThreadFactory("asyncudf-http", true)));
    LOG.debug("HTTP client on {}, {} network threads", transport.name(), config.ioThreads());
    eventLoop = transport.eventLoop();
    dns = transport.dnsResolver(DnsServerAddressStreamProviders.platformDefault());
    DefaultAsyncHttpClientConfig.Builder builder = new DefaultAsyncHttpClientConfig.Builder()
        .setEventLoopGroup(eventLoop)
        .setAddressResolverGroup(dns)
        .setMaxRequestRetry(0)
        .setFollowRedirect(false)
        .setCookieStore(null)
        .setKeepAlive(true)
        .setMaxConnections(withClosingRoom(config.maxConnections()))
        .setMaxConnectionsPerHost(withClosingRoom(config.maxConnectionsPerHost()))
        .setConnectTimeout(config.connectTimeout())
        .setRequestTimeout(config.requestTimeout())
        .setReadTimeout(config.readTimeout())
        .setPooledConnectionIdleTimeout(config.idleConnectionTimeout())
        .setNettyTimer(timer)
        .setUserAgent(config.userAgent())
        .setThreadPoolName("asyncudf-http")
        // AHC's timer thread would otherwise be non-daemon and keep a finished driver JVM alive
        .setThreadFactory(new DefaultThreadFactory("asyncudf-http-timer", true))
        .setHttpAdditionalChannelInitializer(ClientBootstrap::removeWireLogging);
    TlsSettings tls = config.tls();
    if (tls.isInsecure()) {
      builder.setUseInsecureTrustManager(true).setDisableHttpsEndpointIdentificationAlgorithm(true);
    } else if (tls.trustedCertificatesPem() != null) {
      builder.setSslContext(sslContext(tls.trustedCertificatesPem()));
    }
    DefaultAsyncHttpClientConfig settings = builder.build();
    ChannelPool pool = new KeepAlivePool(new DefaultChannelPool(settings, timer), nanoClock);
    client = new DefaultAsyncHttpClient(new DefaultAsyncHttpClientConfig.Builder(settings).setChannelPool(pool).build());
  }

  /** AHC dumps every byte (Authorization headers included) when its logger is at TRACE; never allow that. */
  private static void removeWireLogging(Channel channel) {
    if (channel.pipeline().get(ChannelManager.LOGGING_HANDLER) != null) {
      channel.pipeline().remove(ChannelManager.LOGGING_HANDLER);
    }
  }

  private static SslContext sslContext(String pem) {
    try {
      return SslContextBuilder.forClient()
          .trustManager(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
          .build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new IllegalArgumentException("cannot use the trusted certificates: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      client.close();
    } catch (Exception ignored) {
      // closing is best effort; the event loop below is shut down regardless
    }
    dns.close();
    timer.stop();
    eventLoop.shutdownGracefully(0, 2, TimeUnit.SECONDS);
  }
}
