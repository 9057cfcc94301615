package io.asyncudf.opensearch;

import io.asyncudf.connector.Secret;
import io.asyncudf.connector.TlsSettings;
import java.io.Serializable;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything that defines one shared OpenSearch client. Immutable and serializable, so it travels
 * to the executors inside UDF parameters; equal configurations share one client per executor JVM
 * ({@link OpenSearchConnector#shared}). {@code toString()} shows no password.
 *
 * @param hosts node URLs, e.g. {@code https://search-1:9200}
 * @param username basic-auth user, or null for none
 * @param password basic-auth password, or null
 * @param tls which server certificates to trust (verification on by default)
 * @param connectTimeout TCP (and TLS) connect timeout
 * @param responseTimeout longest wait for a response
 * @param maxConnections open connections per executor JVM
 * @param maxConnectionsPerHost open connections per executor JVM to one node
 * @param maxBulkBytes largest bulk request body; a chunk whose body would be larger is split
 * @param maxAttempts attempts per request (whole-request retries) and per bulk item (429 items)
 * @param initialBackoff backoff cap of the first retry (full jitter, doubling)
 * @param maxBackoff largest backoff cap
 * @param refresh the bulk {@code refresh} parameter: {@code false} (default, for bulk loads), {@code true} or {@code wait_for}
 */
public record OpenSearchConfig(
    List<String> hosts,
    String username,
    Secret password,
    TlsSettings tls,
    Duration connectTimeout,
    Duration responseTimeout,
    int maxConnections,
    int maxConnectionsPerHost,
    long maxBulkBytes,
    int maxAttempts,
    Duration initialBackoff,
    Duration maxBackoff,
    String refresh)
    implements Serializable {

  public OpenSearchConfig {
    hosts = List.copyOf(hosts);
    if (hosts.isEmpty()) {
      throw new IllegalArgumentException("hosts must name at least one OpenSearch node");
    }
    for (String host : hosts) {
      URI uri = URI.create(host);
      if (uri.getScheme() == null || uri.getHost() == null
          || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
        throw new IllegalArgumentException("hosts must be http(s) URLs like https://node:9200, was " + host);
      }
    }
    if ((username == null) != (password == null)) {
      throw new IllegalArgumentException("username and password must be given together");
    }
    Objects.requireNonNull(tls, "tls");
    requirePositive("connectTimeout", connectTimeout);
    requirePositive("responseTimeout", responseTimeout);
    requirePositive("initialBackoff", initialBackoff);
    requirePositive("maxBackoff", maxBackoff);
    if (maxConnections < 1 || maxConnectionsPerHost < 1) {
      throw new IllegalArgumentException("maxConnections and maxConnectionsPerHost must be at least 1");
    }
    if (maxBulkBytes < 1024) {
      throw new IllegalArgumentException("maxBulkBytes must be at least 1024, was " + maxBulkBytes);
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
    }
    if (!List.of("false", "true", "wait_for").contains(refresh)) {
      throw new IllegalArgumentException("refresh must be false, true or wait_for, was " + refresh);
    }
  }

  /** A builder for these hosts with the defaults: 64 connections, 5 MiB bulks, 4 attempts, refresh off. */
  public static Builder builder(String... hosts) {
    return new Builder(List.of(hosts));
  }

  public Builder toBuilder() {
    Builder builder = new Builder(hosts);
    builder.username = username;
    builder.password = password;
    builder.tls = tls;
    builder.connectTimeout = connectTimeout;
    builder.responseTimeout = responseTimeout;
    builder.maxConnections = maxConnections;
    builder.maxConnectionsPerHost = maxConnectionsPerHost;
    builder.maxBulkBytes = maxBulkBytes;
    builder.maxAttempts = maxAttempts;
    builder.initialBackoff = initialBackoff;
    builder.maxBackoff = maxBackoff;
    builder.refresh = refresh;
    return builder;
  }

  private static void requirePositive(String option, Duration value) {
    if (value == null || value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(option + " must be positive, was " + value);
    }
  }

  /** Builds {@link OpenSearchConfig}; validation happens in {@link #build()}. */
  public static final class Builder {
    private final List<String> hosts;
    private String username;
    private Secret password;
    private TlsSettings tls = TlsSettings.systemDefault();
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration responseTimeout = Duration.ofSeconds(60);
    private int maxConnections = 64;
    private int maxConnectionsPerHost = 64;
    private long maxBulkBytes = 5L << 20;
    private int maxAttempts = 4;
    private Duration initialBackoff = Duration.ofMillis(100);
    private Duration maxBackoff = Duration.ofSeconds(5);
    private String refresh = "false";

    private Builder(List<String> hosts) {
      this.hosts = hosts;
    }

    public Builder basicAuth(String username, Secret password) {
      this.username = username;
      this.password = password;
      return this;
    }

    public Builder tls(TlsSettings tls) {
      this.tls = tls;
      return this;
    }

    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = timeout;
      return this;
    }

    public Builder responseTimeout(Duration timeout) {
      this.responseTimeout = timeout;
      return this;
    }

    public Builder maxConnections(int total, int perHost) {
      this.maxConnections = total;
      this.maxConnectionsPerHost = perHost;
      return this;
    }

    public Builder maxBulkBytes(long bytes) {
      this.maxBulkBytes = bytes;
      return this;
    }

    public Builder retries(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
      this.maxAttempts = maxAttempts;
      this.initialBackoff = initialBackoff;
      this.maxBackoff = maxBackoff;
      return this;
    }

    public Builder refresh(String refresh) {
      this.refresh = refresh;
      return this;
    }

    public OpenSearchConfig build() {
      return new OpenSearchConfig(hosts, username, password, tls, connectTimeout, responseTimeout, maxConnections,
          maxConnectionsPerHost, maxBulkBytes, maxAttempts, initialBackoff, maxBackoff, refresh);
    }
  }
}
