package io.asyncudf.sql;

import io.asyncudf.connector.Secret;
import io.asyncudf.connector.TlsSettings;
import io.asyncudf.http.ClientSecretGrant;
import io.asyncudf.http.HttpAuth;
import io.asyncudf.http.HttpClientConfig;
import io.asyncudf.http.HttpRetrySettings;
import io.asyncudf.internal.spark.SensitiveValues;
import io.asyncudf.opensearch.OpenSearchConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.spark.network.util.JavaUtils;

/**
 * A named connection: the Spark conf keys {@code spark.asyncudf.connection.<name>.*}, read on the
 * driver when a query is analysed. Secrets come from a key (whose name Spark's default
 * {@code spark.redaction.regex} redacts: it contains {@code password}, {@code token} or
 * {@code secret}) or from an environment variable of the driver named by the {@code ...Env} key;
 * they travel to the executors inside the plan as {@link Secret}s and are never printed. Errors name
 * keys, never values of secret keys.
 *
 * <p>Keys (after the prefix): {@code url} (required), {@code auth} ({@code none}, {@code basic},
 * {@code bearer}, {@code oauth2}; default from the keys present), {@code auth.user},
 * {@code auth.password[Env]}, {@code auth.token[Env]}, {@code auth.tokenUrl}, {@code auth.clientId},
 * {@code auth.clientSecret[Env]}, {@code auth.scope}, {@code tls.trustedCertificatesFile},
 * {@code tls.insecure}, {@code maxInFlight} (a number, or {@code adaptive}: see {@code AdaptiveInFlight}), {@code maxConnections}, {@code requestsPerSecond}, {@code clusterRequestsPerSecond},
 * {@code connectTimeout}, {@code requestTimeout}, {@code idleConnectionTimeout}, {@code maxResponseBytes}, {@code retry.maxAttempts},
 * {@code retry.initialBackoff}, {@code retry.maxBackoff}, {@code retry.maxRetryAfter},
 * {@code header.<Name>}, {@code secretHeader.<Name>[Env]}, {@code credentialOrigins} (comma-separated),
 * {@code maskedHeaders} (comma-separated header names whose values error rows mask, besides the credential
 * names and the {@code secretHeader}s).
 */
final class Connection {

  static final String PREFIX = "spark.asyncudf.connection.";
  private static final Set<String> KNOWN = Set.of("url", "auth", "auth.user", "auth.password", "auth.passwordEnv",
      "auth.token", "auth.tokenEnv", "auth.tokenUrl", "auth.clientId", "auth.clientSecret", "auth.clientSecretEnv",
      "auth.scope", "tls.trustedCertificatesFile", "tls.insecure", "maxInFlight", "maxConnections",
      "requestsPerSecond", "clusterRequestsPerSecond", "connectTimeout", "requestTimeout", "maxResponseBytes", "retry.maxAttempts",
      "retry.initialBackoff", "retry.maxBackoff", "retry.maxRetryAfter", "credentialOrigins", "maskedHeaders",
      "idleConnectionTimeout");
  private static final Set<String> OPENSEARCH_KEYS = Set.of("url", "auth", "auth.user", "auth.password",
      "auth.passwordEnv", "tls.trustedCertificatesFile", "tls.insecure", "connectTimeout", "requestTimeout",
      "maxConnections", "retry.maxAttempts", "retry.initialBackoff", "retry.maxBackoff", "maskedHeaders");

  private final String name;
  private final Map<String, String> keys;
  private final Function<String, String> environment;

  private Connection(String name, Map<String, String> keys, Function<String, String> environment) {
    this.name = name;
    this.keys = keys;
    this.environment = environment;
  }

  /**
   * The connection {@code name} defined in {@code conf}.
   *
   * @throws IllegalArgumentException if it has no {@code url}, naming the connections that are defined,
   *     or a key is unknown
   */
  static Connection named(String name, Map<String, String> conf, Function<String, String> environment) {
    return named(name, conf, conf, environment);
  }

  /**
   * The connection {@code name} of a session's {@code conf}, where {@code clusterConf} is the Spark conf the
   * session started with. A connection with credentials ({@code auth…}, {@code secretHeader…}) takes its
   * {@code url}, credentials, TLS and credential origins from the cluster's conf only: a value set in the
   * session ({@code SET}, {@code spark.conf.set}) could send a driver's environment variable or the
   * admin's token to another host, or turn TLS checks off.
   *
   * @throws IllegalArgumentException also when such a key was set in the session, naming it
   */
  static Connection named(String name, Map<String, String> conf, Map<String, String> clusterConf,
      Function<String, String> environment) {
    Connection connection = named(name, conf, environment, true);
    Connection cluster = clusterConf == conf ? connection : named(name, clusterConf, environment, false);
    boolean credentials = connection.hasCredentials() || (cluster != null && cluster.hasCredentials());
    if (credentials) {
      for (Map.Entry<String, String> key : connection.keys.entrySet()) {
        String fromCluster = cluster == null ? null : cluster.keys.get(key.getKey());
        if (isProtected(key.getKey()) && !key.getValue().equals(fromCluster)) {
          throw new IllegalArgumentException("connection '" + name + "' has credentials, so " + PREFIX + name + "."
              + key.getKey() + " must come from the cluster's Spark conf (--conf, spark-defaults, cluster "
              + "settings); it was set in the session");
        }
      }
    }
    return connection;
  }

  private static boolean isProtected(String key) {
    return key.equals("url") || key.equals("auth") || key.startsWith("auth.") || key.startsWith("secretHeader.")
        || key.startsWith("tls.") || key.equals("credentialOrigins");
  }

  private boolean hasCredentials() {
    return keys.keySet().stream().anyMatch(key -> key.startsWith("secretHeader."))
        || (keys.keySet().stream().anyMatch(key -> key.startsWith("auth.")) && !"none".equals(keys.get("auth")));
  }

  private static Connection named(String name, Map<String, String> conf, Function<String, String> environment,
      boolean required) {
    String prefix = PREFIX + name + ".";
    Map<String, String> keys = new TreeMap<>();
    Set<String> defined = new TreeSet<>();
    conf.forEach((key, value) -> {
      if (key.startsWith(prefix)) {
        keys.put(key.substring(prefix.length()), value);
      }
      if (key.startsWith(PREFIX) && key.endsWith(".url")) {
        defined.add(key.substring(PREFIX.length(), key.length() - ".url".length()));
      }
    });
    if (!keys.containsKey("url") && !required) {
      return keys.isEmpty() ? null : new Connection(name, keys, environment);
    }
    if (!keys.containsKey("url")) {
      throw new IllegalArgumentException("unknown connection '" + name + "': " + prefix + "url is not set"
          + (defined.isEmpty() ? "; no connection is defined" : "; defined connections: " + defined));
    }
    for (String key : keys.keySet()) {
      if (!KNOWN.contains(key) && !key.startsWith("header.") && !key.startsWith("secretHeader.")) {
        throw new IllegalArgumentException("unknown key " + prefix + key + " of connection '" + name + "'");
      }
      String header = key.startsWith("header.") ? key.substring("header.".length()) : null;
      if (header != null && SensitiveValues.sensitive(header)) {
        throw new IllegalArgumentException("connection '" + name + "': " + prefix + key + " is a credential; a plain "
            + "header's value shows in the Spark UI and the event log and goes to every host a request names. Set "
            + prefix + "secretHeader." + header + "Env to an environment variable of the driver that holds it");
      }
    }
    return new Connection(name, keys, environment);
  }

  String name() {
    return name;
  }

  String url() {
    return keys.get("url");
  }

  /**
   * The HTTP client configuration (for {@code async_http_request} and the FHIR functions).
   *
   * @throws IllegalArgumentException naming the connection and the key whose value is wrong
   */
  HttpClientConfig http() {
    try {
      return httpConfig();
    } catch (IllegalArgumentException e) {
      throw named(e);
    }
  }

  private HttpClientConfig httpConfig() {
    HttpClientConfig.Builder builder = HttpClientConfig.builder().baseUrl(url()).auth(auth()).tls(tls());
    if ("adaptive".equalsIgnoreCase(keys.get("maxInFlight"))) {
      builder.adaptiveInFlight();
    } else if (keys.containsKey("maxInFlight") && !keys.get("maxInFlight").trim().matches("\\d+")) {
      throw invalid("maxInFlight", "must be a whole number or 'adaptive', was '" + keys.get("maxInFlight") + "'");
    } else {
      integer("maxInFlight", builder::maxInFlight);
    }
    integer("maxConnections", connections -> builder.maxConnections(connections).maxConnectionsPerHost(connections));
    if (keys.containsKey("requestsPerSecond")) {
      builder.requestsPerSecond(number("requestsPerSecond"));
    }
    if (keys.containsKey("clusterRequestsPerSecond")) {
      builder.clusterRequestsPerSecond(number("clusterRequestsPerSecond"));
    }
    duration("connectTimeout", builder::connectTimeout);
    duration("requestTimeout", builder::requestTimeout);
    duration("idleConnectionTimeout", builder::idleConnectionTimeout);
    if (keys.containsKey("maxResponseBytes")) {
      try {
        builder.maxResponseBytes(JavaUtils.byteStringAsBytes(keys.get("maxResponseBytes")));
      } catch (NumberFormatException e) {
        throw invalid("maxResponseBytes", "must be a size like 16m or 512k, was '" + keys.get("maxResponseBytes") + "'");
      }
    }
    builder.retry(retry());
    keys.forEach((key, value) -> {
      if (key.startsWith("header.")) {
        builder.header(key.substring("header.".length()), value);
      }
    });
    keys.keySet().stream().filter(key -> key.startsWith("secretHeader.")).forEach(key -> {
      String header = key.substring("secretHeader.".length());
      if (header.endsWith("Env")) {
        builder.secretHeader(header.substring(0, header.length() - 3), secret(key.substring(0, key.length() - 3)));
      } else if (!keys.containsKey(key + "Env")) {
        builder.secretHeader(header, secret(key));
      }
    });
    if (keys.containsKey("credentialOrigins")) {
      Arrays.stream(keys.get("credentialOrigins").split(",")).map(String::trim).filter(s -> !s.isEmpty())
          .forEach(builder::credentialOrigin);
    }
    return builder.build();
  }

  /**
   * The OpenSearch configuration: {@code url} may list several nodes, comma-separated; basic auth, TLS, the
   * timeouts, {@code maxConnections} and the {@code retry.} attempts and backoffs apply.
   *
   * @throws IllegalArgumentException naming a key the OpenSearch client cannot honour (a header, a secret header,
   *     an in-flight or rate limit), which would otherwise be silently left out
   */
  OpenSearchConfig openSearch() {
    try {
      return openSearchConfig();
    } catch (IllegalArgumentException e) {
      throw named(e);
    }
  }

  private OpenSearchConfig openSearchConfig() {
    for (String key : new java.util.TreeSet<>(keys.keySet())) {
      if (!OPENSEARCH_KEYS.contains(key)) {
        throw invalid(key, "does not apply to an OpenSearch connection, which takes only "
            + String.join(", ", new java.util.TreeSet<>(OPENSEARCH_KEYS)));
      }
    }
    String[] hosts = Arrays.stream(url().split(",")).map(String::trim).toArray(String[]::new);
    OpenSearchConfig.Builder builder = OpenSearchConfig.builder(hosts).tls(tls());
    integer("maxConnections", connections -> builder.maxConnections(connections, connections));
    if (keys.containsKey("retry.maxAttempts") || keys.containsKey("retry.initialBackoff")
        || keys.containsKey("retry.maxBackoff")) {
      OpenSearchConfig defaults = OpenSearchConfig.builder(hosts).build();
      builder.retries(keys.containsKey("retry.maxAttempts") ? (int) number("retry.maxAttempts") : defaults.maxAttempts(),
          durationOr("retry.initialBackoff", defaults.initialBackoff()),
          durationOr("retry.maxBackoff", defaults.maxBackoff()));
    }
    if (auth() instanceof HttpAuth.Basic basic) {
      builder.basicAuth(basic.user(), basic.password());
    } else if (!(auth() instanceof HttpAuth.None)) {
      throw invalid("auth", "OpenSearch connections support auth=basic only");
    }
    duration("connectTimeout", builder::connectTimeout);
    duration("requestTimeout", builder::responseTimeout);
    return builder.build();
  }

  private HttpAuth auth() {
    String type = keys.getOrDefault("auth", keys.containsKey("auth.user") ? "basic"
        : has("auth.token") ? "bearer" : keys.containsKey("auth.tokenUrl") ? "oauth2" : "none");
    if (!keys.containsKey("auth")) {
      keys.keySet().stream().filter(key -> key.startsWith("auth.")).findFirst().filter(key -> type.equals("none"))
          .ifPresent(key -> {
            throw invalid(key, "is set, but the connection's keys give it no kind of auth, so it would send none: "
                + "set auth=basic with auth.user and auth.password(Env), auth=bearer with auth.token(Env), or "
                + "auth=oauth2 with auth.tokenUrl, auth.clientId and auth.clientSecret(Env)");
          });
    }
    return switch (type) {
      case "none" -> HttpAuth.none();
      case "basic" -> HttpAuth.basic(required("auth.user"), secret("auth.password"));
      case "bearer" -> HttpAuth.bearer(secret("auth.token"));
      case "oauth2" -> HttpAuth.oauth2(required("auth.tokenUrl"),
          new ClientSecretGrant(required("auth.clientId"), secret("auth.clientSecret"), keys.get("auth.scope")));
      default -> throw invalid("auth", "must be none, basic, bearer or oauth2, was '" + type + "'");
    };
  }

  private TlsSettings tls() {
    if (Boolean.parseBoolean(keys.getOrDefault("tls.insecure", "false"))) {
      return TlsSettings.insecureTrustAllCertificates();
    }
    String file = keys.get("tls.trustedCertificatesFile");
    if (file == null) {
      return TlsSettings.systemDefault();
    }
    try {
      return TlsSettings.trustedCertificates(Files.readString(Path.of(file)));
    } catch (IOException e) {
      throw invalid("tls.trustedCertificatesFile", "cannot read " + file + ": " + e.getMessage());
    }
  }

  private HttpRetrySettings retry() {
    HttpRetrySettings retry = HttpRetrySettings.defaults();
    if (keys.containsKey("retry.maxAttempts")) {
      retry = retry.withMaxAttempts((int) number("retry.maxAttempts"));
    }
    if (keys.containsKey("retry.initialBackoff") || keys.containsKey("retry.maxBackoff")) {
      retry = retry.withBackoff(durationOr("retry.initialBackoff", retry.initialBackoff()),
          durationOr("retry.maxBackoff", retry.maxBackoff()));
    }
    if (keys.containsKey("retry.maxRetryAfter")) {
      retry = retry.withMaxRetryAfter(durationOr("retry.maxRetryAfter", retry.maxRetryAfter()));
    }
    return retry;
  }

  private boolean has(String secretKey) {
    return keys.containsKey(secretKey) || keys.containsKey(secretKey + "Env");
  }

  /** The secret of {@code key}: its value, or the driver's environment variable named by {@code key}Env. */
  private Secret secret(String key) {
    String variable = keys.get(key + "Env");
    if (variable != null) {
      String value = environment.apply(variable);
      if (value == null || value.isBlank()) {
        throw invalid(key + "Env", "environment variable " + variable + " is not set on the driver");
      }
      return Secret.of(value);
    }
    String value = keys.get(key);
    if (value == null || value.isBlank()) {
      throw invalid(key, "is required (or " + key + "Env naming an environment variable)");
    }
    return Secret.of(value);
  }

  private String required(String key) {
    String value = keys.get(key);
    if (value == null || value.isBlank()) {
      throw invalid(key, "is required");
    }
    return value;
  }

  private double number(String key) {
    try {
      return Double.parseDouble(keys.get(key));
    } catch (NumberFormatException e) {
      throw invalid(key, "must be a number, was '" + keys.get(key) + "'");
    }
  }

  private void integer(String key, java.util.function.IntConsumer setter) {
    if (keys.containsKey(key)) {
      double value = number(key);
      if (value != Math.rint(value)) {
        throw invalid(key, "must be a whole number, was '" + keys.get(key) + "'");
      }
      setter.accept((int) value);
    }
  }

  private void duration(String key, java.util.function.Consumer<Duration> setter) {
    if (keys.containsKey(key)) {
      setter.accept(durationOr(key, null));
    }
  }

  private Duration durationOr(String key, Duration otherwise) {
    String value = keys.get(key);
    if (value == null) {
      return otherwise;
    }
    try {
      return Durations.parse(value);
    } catch (IllegalArgumentException e) {
      throw invalid(key, e.getMessage());
    }
  }

  /**
   * {@code e} naming this connection, unless it does already: a client's own check names its setting
   * ({@code baseUrl}, {@code responseTimeout}), which the message maps to the connection's keys.
   */
  private IllegalArgumentException named(IllegalArgumentException e) {
    String message = String.valueOf(e.getMessage());
    if (message.startsWith("connection '" + name + "'")) {
      return e;
    }
    String keyed = message.replace("baseUrl", PREFIX + name + ".url")
        .replace("responseTimeout", PREFIX + name + ".requestTimeout");
    return new IllegalArgumentException("connection '" + name + "': " + keyed, e);
  }

  private IllegalArgumentException invalid(String key, String problem) {
    return new IllegalArgumentException("connection '" + name + "': " + PREFIX + name + "." + key + " " + problem);
  }

  @Override
  public String toString() {
    return "Connection[" + name + " " + url() + "]";
  }
}
