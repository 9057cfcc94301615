package io.asyncudf.opensearch;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.asyncudf.internal.connector.TransportLogging;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.client5.http.ssl.DefaultHostnameVerifier;
import org.apache.hc.client5.http.ssl.HostnameVerificationPolicy;
import org.apache.hc.client5.http.ssl.NoopHostnameVerifier;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.message.BasicHeader;
import org.apache.hc.core5.http.nio.ssl.TlsStrategy;
import org.apache.hc.core5.util.Timeout;
import org.opensearch.client.json.jackson.JacksonJsonpMapper;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5Transport;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds opensearch-java's Apache HttpClient 5 async transport from an {@link OpenSearchConfig}:
 * connection pool sizes, timeouts, TLS trust (host names verified unless insecure) and preemptive
 * basic auth.
 */
final class TransportFactory {

  private static final Logger LOG = LoggerFactory.getLogger(TransportFactory.class);

  private TransportFactory() {}

  static ApacheHttpClient5Transport create(OpenSearchConfig config, ObjectMapper mapper) {
    HttpHost[] hosts = config.hosts().stream().map(TransportFactory::host).toArray(HttpHost[]::new);
    String name = "OpenSearch client " + Arrays.toString(hosts);
    String httpClientLoggers = HttpRoute.class.getPackageName();
    TransportLogging.warnIfDebug(name, httpClientLoggers + ".headers", "request headers (Authorization included)");
    TransportLogging.warnIfDebug(name, httpClientLoggers + ".wire", "every byte sent (Authorization included)");
    if (config.tls().isInsecure()) {
      LOG.warn("TLS certificate and host name verification is DISABLED for {} "
          + "(TlsSettings.insecureTrustAllCertificates); never use this in production", name);
    }
    ApacheHttpClient5TransportBuilder builder = ApacheHttpClient5TransportBuilder.builder(hosts)
        .setMapper(new JacksonJsonpMapper(mapper))
        .setHttpClientConfigCallback(client -> client.setConnectionManager(
            PoolingAsyncClientConnectionManagerBuilder.create()
                .setMaxConnTotal(config.maxConnections())
                .setMaxConnPerRoute(config.maxConnectionsPerHost())
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                    .setConnectTimeout(Timeout.of(config.connectTimeout()))
                    .setSocketTimeout(Timeout.of(config.responseTimeout()))
                    .build())
                .setTlsStrategy(tls(config))
                .build()))
        .setRequestConfigCallback(request -> request.setResponseTimeout(Timeout.of(config.responseTimeout())));
    if (config.username() != null) {
      String pair = config.username() + ":" + config.password().reveal();
      builder.setDefaultHeaders(new Header[] {
          new BasicHeader("Authorization", "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)), true)
      });
    }
    return builder.build();
  }

  private static TlsStrategy tls(OpenSearchConfig config) {
    ClientTlsStrategyBuilder tls = ClientTlsStrategyBuilder.create().setSslContext(config.tls().sslContext());
    if (config.tls().isInsecure()) {
      tls.setHostnameVerifier(NoopHostnameVerifier.INSTANCE);
    } else {
      // HttpClient's default left a trusted certificate for another host name unchallenged
      tls.setHostVerificationPolicy(HostnameVerificationPolicy.BOTH).setHostnameVerifier(new DefaultHostnameVerifier());
    }
    return tls.buildAsync();
  }

  private static HttpHost host(String url) {
    try {
      return HttpHost.create(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not an OpenSearch host URL: " + url, e);
    }
  }
}
