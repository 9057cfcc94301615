package io.asyncudf.http;

import io.asyncudf.connector.Secret;
import io.asyncudf.connector.TlsSettings;
import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything that defines one shared HTTP client. Immutable and serializable, so it travels to the
 * executors inside UDF parameters; equal configurations share one client per executor JVM
 * ({@link HttpConnector#shared}). {@code toString()} shows no secrets.
 *
 * @param baseUrl prefix for relative request URLs, or null when every request is absolute
 * @param maxConnections open connections per executor JVM, across hosts
 * @param maxConnectionsPerHost open connections per executor JVM to one host
 * @param maxInFlight requests in flight per executor JVM, at most both connection limits (the
 *     default is their minimum); further requests wait in a queue, without holding a thread, for up
 *     to {@code maxQueueWait}
 * @param requestsPerSecond requests started per second per executor JVM, 0 for no limit; a
 *     cluster-wide rate is this times the number of executors
 * @param maxQueueWait how long a request may wait for the rate limit or an in-flight slot
 * @param connectTimeout TCP (and TLS) connect timeout
 * @param requestTimeout whole-request timeout, from sending to the last body byte
 * @param readTimeout longest silence while reading a response
 * @param maxResponseBytes responses with a larger body fail with {@link ResponseTooLargeException}
 * @param defaultHeaders headers on every request; not for secrets
 * @param secretHeaders headers whose values are secrets (API keys); sent on every request, never shown
 * @param auth how requests authenticate
 * @param tls which server certificates to trust
 * @param retry request-level retries
 * @param ioThreads Netty event-loop threads of the client
 * @param userAgent the {@code User-Agent} header
 * @param credentialOrigins origins ({@code scheme://host:port}) besides the {@code baseUrl}'s that may
 *     receive the credentials ({@code auth} and {@code secretHeaders}); a request to any other origin
 *     fails with {@link CredentialScopeException} instead of carrying them
 * @param clusterRequestsPerSecond requests started per second by the whole job, across its executors, 0
 *     for no job-wide budget: the driver leases shares of it to the executors by demand, and a 429 or
 *     503 with {@code Retry-After} seen by any executor holds back every executor's new requests until
 *     then. {@code requestsPerSecond} and {@code maxInFlight} still apply per JVM. Configurations with the
 *     same {@code baseUrl} origin and budget share one budget.
 * @param adaptiveInFlight how an adaptive in-flight limit starts, or null for a fixed one: with it,
 *     {@code maxInFlight} is the ceiling the adaptive limit never exceeds
 * @param idleConnectionTimeout how long a pooled connection may sit idle before the client closes it,
 *     ahead of the server: servers close idle keep-alive connections without a word (Node.js and Apache
 *     httpd after 5 s), and a request sent on one just as it closes must be sent again. A server's
 *     {@code Keep-Alive: timeout=N} shortens it for that connection.
 */
public record HttpClientConfig(
    String baseUrl,
    int maxConnections,
    int maxConnectionsPerHost,
    int maxInFlight,
    double requestsPerSecond,
    Duration maxQueueWait,
    Duration connectTimeout,
    Duration requestTimeout,
    Duration readTimeout,
    long maxResponseBytes,
    Map<String, String> defaultHeaders,
    Map<String, Secret> secretHeaders,
    HttpAuth auth,
    TlsSettings tls,
    HttpRetrySettings retry,
    int ioThreads,
    String userAgent,
    List<String> credentialOrigins,
    double clusterRequestsPerSecond,
    AdaptiveInFlight adaptiveInFlight,
    Duration idleConnectionTimeout)
    implements Serializable {

  public HttpClientConfig {
    if (baseUrl != null) {
      URI uri;
      try {
        uri = new URI(baseUrl);
      } catch (URISyntaxException e) { // its message holds the URL as it was, secrets and all
        throw new IllegalArgumentException("baseUrl is not a URL (" + e.getReason() + " at index " + e.getIndex()
            + "): " + Redaction.url(baseUrl));
      }
      if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
        throw new IllegalArgumentException("baseUrl must be an http or https URL, was " + Redaction.url(baseUrl));
      }
    }
    requireAtLeastOne("maxConnections", maxConnections);
    requireAtLeastOne("maxConnectionsPerHost", maxConnectionsPerHost);
    requireAtLeastOne("maxInFlight", maxInFlight);
    requireAtLeastOne("ioThreads", ioThreads);
    if (maxInFlight > Math.min(maxConnections, maxConnectionsPerHost)) {
      throw new IllegalArgumentException("maxInFlight (" + maxInFlight + ") must not exceed maxConnections ("
          + maxConnections + ") or maxConnectionsPerHost (" + maxConnectionsPerHost + ")");
    }
    if (requestsPerSecond < 0 || Double.isNaN(requestsPerSecond)) {
      throw new IllegalArgumentException("requestsPerSecond must be 0 (no limit) or positive, was " + requestsPerSecond);
    }
    if (clusterRequestsPerSecond < 0 || Double.isNaN(clusterRequestsPerSecond) || Double.isInfinite(clusterRequestsPerSecond)) {
      throw new IllegalArgumentException("clusterRequestsPerSecond must be 0 (no job-wide budget) or positive, was "
          + clusterRequestsPerSecond);
    }
    if (maxResponseBytes < 1 || maxResponseBytes > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("maxResponseBytes must be between 1 and 2 GiB, was " + maxResponseBytes);
    }
    HttpRetrySettings.requirePositive("maxQueueWait", maxQueueWait);
    HttpRetrySettings.requirePositive("connectTimeout", connectTimeout);
    HttpRetrySettings.requirePositive("requestTimeout", requestTimeout);
    HttpRetrySettings.requirePositive("readTimeout", readTimeout);
    HttpRetrySettings.requirePositive("idleConnectionTimeout", idleConnectionTimeout);
    defaultHeaders = Map.copyOf(defaultHeaders);
    secretHeaders = Map.copyOf(secretHeaders);
    Objects.requireNonNull(auth, "auth");
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(retry, "retry");
    Objects.requireNonNull(userAgent, "userAgent");
    credentialOrigins = credentialOrigins.stream().map(Origins::of).distinct().toList();
  }

  /** A configuration whose credentials go to the {@code baseUrl}'s origin only (the form before {@code credentialOrigins}). */
  public HttpClientConfig(String baseUrl, int maxConnections, int maxConnectionsPerHost, int maxInFlight,
      double requestsPerSecond, Duration maxQueueWait, Duration connectTimeout, Duration requestTimeout,
      Duration readTimeout, long maxResponseBytes, Map<String, String> defaultHeaders, Map<String, Secret> secretHeaders,
      HttpAuth auth, TlsSettings tls, HttpRetrySettings retry, int ioThreads, String userAgent) {
    this(baseUrl, maxConnections, maxConnectionsPerHost, maxInFlight, requestsPerSecond, maxQueueWait, connectTimeout,
        requestTimeout, readTimeout, maxResponseBytes, defaultHeaders, secretHeaders, auth, tls, retry, ioThreads,
        userAgent, List.of());
  }

  /** A configuration without a job-wide budget (the form before {@code clusterRequestsPerSecond}). */
  public HttpClientConfig(String baseUrl, int maxConnections, int maxConnectionsPerHost, int maxInFlight,
      double requestsPerSecond, Duration maxQueueWait, Duration connectTimeout, Duration requestTimeout,
      Duration readTimeout, long maxResponseBytes, Map<String, String> defaultHeaders, Map<String, Secret> secretHeaders,
      HttpAuth auth, TlsSettings tls, HttpRetrySettings retry, int ioThreads, String userAgent,
      List<String> credentialOrigins) {
    this(baseUrl, maxConnections, maxConnectionsPerHost, maxInFlight, requestsPerSecond, maxQueueWait, connectTimeout,
        requestTimeout, readTimeout, maxResponseBytes, defaultHeaders, secretHeaders, auth, tls, retry, ioThreads,
        userAgent, credentialOrigins, 0);
  }

  /** A configuration with the default idle timeout (the form before {@code idleConnectionTimeout}). */
  public HttpClientConfig(String baseUrl, int maxConnections, int maxConnectionsPerHost, int maxInFlight,
      double requestsPerSecond, Duration maxQueueWait, Duration connectTimeout, Duration requestTimeout,
      Duration readTimeout, long maxResponseBytes, Map<String, String> defaultHeaders, Map<String, Secret> secretHeaders,
      HttpAuth auth, TlsSettings tls, HttpRetrySettings retry, int ioThreads, String userAgent,
      List<String> credentialOrigins, double clusterRequestsPerSecond, AdaptiveInFlight adaptiveInFlight) {
    this(baseUrl, maxConnections, maxConnectionsPerHost, maxInFlight, requestsPerSecond, maxQueueWait, connectTimeout,
        requestTimeout, readTimeout, maxResponseBytes, defaultHeaders, secretHeaders, auth, tls, retry, ioThreads,
        userAgent, credentialOrigins, clusterRequestsPerSecond, adaptiveInFlight, DEFAULT_IDLE_CONNECTION_TIMEOUT);
  }

  /** A configuration with a fixed in-flight limit (the form before {@code adaptiveInFlight}). */
  public HttpClientConfig(String baseUrl, int maxConnections, int maxConnectionsPerHost, int maxInFlight,
      double requestsPerSecond, Duration maxQueueWait, Duration connectTimeout, Duration requestTimeout,
      Duration readTimeout, long maxResponseBytes, Map<String, String> defaultHeaders, Map<String, Secret> secretHeaders,
      HttpAuth auth, TlsSettings tls, HttpRetrySettings retry, int ioThreads, String userAgent,
      List<String> credentialOrigins, double clusterRequestsPerSecond) {
    this(baseUrl, maxConnections, maxConnectionsPerHost, maxInFlight, requestsPerSecond, maxQueueWait, connectTimeout,
        requestTimeout, readTimeout, maxResponseBytes, defaultHeaders, secretHeaders, auth, tls, retry, ioThreads,
        userAgent, credentialOrigins, clusterRequestsPerSecond, null);
  }

  /** The name of this configuration's job-wide budget: its base URL's origin and the budget. */
  String clusterBudgetName() {
    return (baseUrl == null ? "(absolute URLs)" : Origins.of(baseUrl)) + " at " + clusterRequestsPerSecond + "/s";
  }

  /** Whether requests carry credentials at all: an {@code auth} or a secret header. */
  public boolean hasCredentials() {
    return !(auth instanceof HttpAuth.None) || !secretHeaders.isEmpty();
  }

  /** How long a pooled connection may be idle unless set: below the 5 s after which Node.js and httpd close theirs. */
  public static final Duration DEFAULT_IDLE_CONNECTION_TIMEOUT = Duration.ofSeconds(4);

  /** Connections, and requests in flight, per executor JVM unless set. */
  public static final int DEFAULT_CONNECTIONS = 1024;

  /**
   * Every setting, with secrets left out: the URLs redacted (user info, secret-looking query values), header
   * values not shown (only {@code secretHeaders} are meant for secrets, but a default header may carry one too).
   */
  @Override
  public String toString() {
    return "HttpClientConfig[baseUrl=" + (baseUrl == null ? null : Redaction.url(baseUrl))
        + ", maxConnections=" + maxConnections + ", maxConnectionsPerHost=" + maxConnectionsPerHost
        + ", maxInFlight=" + maxInFlight + ", requestsPerSecond=" + requestsPerSecond + ", maxQueueWait=" + maxQueueWait
        + ", connectTimeout=" + connectTimeout + ", requestTimeout=" + requestTimeout + ", readTimeout=" + readTimeout
        + ", maxResponseBytes=" + maxResponseBytes + ", defaultHeaders=" + new java.util.TreeSet<>(defaultHeaders.keySet())
        + ", secretHeaders=" + new java.util.TreeSet<>(secretHeaders.keySet()) + ", auth=" + auth + ", tls=" + tls
        + ", retry=" + retry + ", ioThreads=" + ioThreads + ", userAgent=" + userAgent
        + ", credentialOrigins=" + credentialOrigins + ", clusterRequestsPerSecond=" + clusterRequestsPerSecond
        + ", adaptiveInFlight=" + adaptiveInFlight + ", idleConnectionTimeout=" + idleConnectionTimeout + "]";
  }

  /**
   * A builder with the defaults: 1,024 connections, 1,024 in flight (per executor JVM: the tasks' windows,
   * not the pool, bound what is in flight; a pool of 128 capped 2 tasks of 16 x 16 at a third of their
   * speed), no rate limit, 16 MiB bodies, 4 attempts.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this configuration. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  private static void requireAtLeastOne(String option, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(option + " must be at least 1, was " + value);
    }
  }

  /** Builds {@link HttpClientConfig}; validation happens in {@link #build()}. */
  public static final class Builder {
    private String baseUrl;
    private int maxConnections = DEFAULT_CONNECTIONS;
    private int maxConnectionsPerHost = DEFAULT_CONNECTIONS;
    private Integer maxInFlight;
    private double requestsPerSecond;
    private Duration maxQueueWait = Duration.ofMinutes(10);
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration requestTimeout = Duration.ofSeconds(60);
    private Duration readTimeout = Duration.ofSeconds(30);
    private long maxResponseBytes = 16L << 20;
    private final Map<String, String> defaultHeaders = new LinkedHashMap<>();
    private final Map<String, Secret> secretHeaders = new LinkedHashMap<>();
    private HttpAuth auth = HttpAuth.none();
    private TlsSettings tls = TlsSettings.systemDefault();
    private HttpRetrySettings retry = HttpRetrySettings.defaults();
    private int ioThreads = Math.min(4, Math.max(1, Runtime.getRuntime().availableProcessors()));
    private String userAgent = "spark-async-udf";
    private final List<String> credentialOrigins = new ArrayList<>();
    private double clusterRequestsPerSecond;
    private AdaptiveInFlight adaptiveInFlight;
    private Duration idleConnectionTimeout = DEFAULT_IDLE_CONNECTION_TIMEOUT;

    private Builder() {}

    private Builder(HttpClientConfig config) {
      baseUrl = config.baseUrl;
      maxConnections = config.maxConnections;
      maxConnectionsPerHost = config.maxConnectionsPerHost;
      maxInFlight = config.maxInFlight;
      requestsPerSecond = config.requestsPerSecond;
      maxQueueWait = config.maxQueueWait;
      connectTimeout = config.connectTimeout;
      requestTimeout = config.requestTimeout;
      readTimeout = config.readTimeout;
      maxResponseBytes = config.maxResponseBytes;
      defaultHeaders.putAll(config.defaultHeaders);
      secretHeaders.putAll(config.secretHeaders);
      auth = config.auth;
      tls = config.tls;
      retry = config.retry;
      ioThreads = config.ioThreads;
      userAgent = config.userAgent;
      credentialOrigins.addAll(config.credentialOrigins);
      clusterRequestsPerSecond = config.clusterRequestsPerSecond;
      adaptiveInFlight = config.adaptiveInFlight;
      idleConnectionTimeout = config.idleConnectionTimeout;
    }

    public Builder baseUrl(String url) {
      this.baseUrl = url;
      return this;
    }

    /** Open connections per executor JVM; with the per-host limit, the default for {@link #maxInFlight}. */
    public Builder maxConnections(int connections) {
      this.maxConnections = connections;
      return this;
    }

    public Builder maxConnectionsPerHost(int connections) {
      this.maxConnectionsPerHost = connections;
      return this;
    }

    /** Requests in flight per executor JVM; with {@link #adaptiveInFlight()}, the ceiling of the adaptive limit. */
    public Builder maxInFlight(int requests) {
      this.maxInFlight = requests;
      return this;
    }

    /**
     * An adaptive in-flight limit ({@link AdaptiveInFlight#defaults()}): it finds the service's capacity from
     * round trips and 429/503 answers, up to {@code maxInFlight}.
     */
    public Builder adaptiveInFlight() {
      return adaptiveInFlight(AdaptiveInFlight.defaults());
    }

    /** An adaptive in-flight limit as {@code adaptive} says, or null for a fixed {@code maxInFlight}. */
    public Builder adaptiveInFlight(AdaptiveInFlight adaptive) {
      this.adaptiveInFlight = adaptive;
      return this;
    }

    public Builder requestsPerSecond(double rate) {
      this.requestsPerSecond = rate;
      return this;
    }

    /**
     * Requests started per second by the whole job across its executors (default 0: none): the driver
     * leases each executor a share by demand, and a 429/503 with {@code Retry-After} on any executor
     * pauses new requests on all of them. Per-JVM limits still apply. Needs the job's driver to run the
     * async-udf driver channel (applying an async UDF starts it).
     */
    public Builder clusterRequestsPerSecond(double rate) {
      this.clusterRequestsPerSecond = rate;
      return this;
    }

    /**
     * How long a pooled connection may be idle before the client closes it (default 4 s): set it below the
     * server's (or its load balancer's) keep-alive idle timeout.
     */
    public Builder idleConnectionTimeout(Duration timeout) {
      this.idleConnectionTimeout = timeout;
      return this;
    }

    public Builder maxQueueWait(Duration wait) {
      this.maxQueueWait = wait;
      return this;
    }

    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = timeout;
      return this;
    }

    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = timeout;
      return this;
    }

    public Builder readTimeout(Duration timeout) {
      this.readTimeout = timeout;
      return this;
    }

    public Builder maxResponseBytes(long bytes) {
      this.maxResponseBytes = bytes;
      return this;
    }

    public Builder header(String name, String value) {
      defaultHeaders.put(name, value);
      return this;
    }

    public Builder secretHeader(String name, Secret value) {
      secretHeaders.put(name, value);
      return this;
    }

    public Builder auth(HttpAuth auth) {
      this.auth = auth;
      return this;
    }

    public Builder tls(TlsSettings tls) {
      this.tls = tls;
      return this;
    }

    public Builder retry(HttpRetrySettings retry) {
      this.retry = retry;
      return this;
    }

    public Builder ioThreads(int threads) {
      this.ioThreads = threads;
      return this;
    }

    public Builder userAgent(String userAgent) {
      this.userAgent = userAgent;
      return this;
    }

    /**
     * Lets {@code origin} (a URL; only its scheme, host and port count) receive the credentials too,
     * besides the {@code baseUrl}'s origin: for a FHIR server whose paging links point at another host,
     * say. Origins are checked in {@link #build()}.
     */
    public Builder credentialOrigin(String origin) {
      credentialOrigins.add(origin);
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @throws IllegalArgumentException if a value is out of range or a URL is not http(s)
     * @throws NullPointerException if a required value is null
     */
    public HttpClientConfig build() {
      int inFlight = maxInFlight == null ? Math.min(maxConnections, maxConnectionsPerHost) : maxInFlight;
      return new HttpClientConfig(baseUrl, maxConnections, maxConnectionsPerHost, inFlight, requestsPerSecond,
          maxQueueWait, connectTimeout, requestTimeout, readTimeout, maxResponseBytes, defaultHeaders,
          secretHeaders, auth, tls, retry, ioThreads, userAgent, credentialOrigins, clusterRequestsPerSecond,
          adaptiveInFlight, idleConnectionTimeout);
    }
  }
}
