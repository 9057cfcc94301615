package io.asyncudf.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.asyncudf.connector.RequestScope;
import io.asyncudf.internal.connector.AsyncUdfThreads;
import io.asyncudf.internal.connector.Backoff;
import io.asyncudf.internal.connector.Futures;
import io.asyncudf.internal.connector.RequestReports;
import io.asyncudf.internal.connector.RequestRetries;
import io.asyncudf.internal.connector.SharedClients;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.opensearch.client.opensearch.OpenSearchAsyncClient;
import org.opensearch.client.opensearch.generic.Body;
import org.opensearch.client.opensearch.generic.OpenSearchGenericClient;
import org.opensearch.client.opensearch.generic.Requests;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5Transport;

/**
 * An OpenSearch client for chunk functions, on opensearch-java's async client over Apache HttpClient
 * 5. Use {@link #shared(OpenSearchConfig)} inside functions: one client per executor JVM and
 * configuration, shared by its tasks, closed at JVM shutdown.
 *
 * <p>Promises: calls never block; futures complete on a connector callback thread, never on an I/O
 * thread. Whole requests are retried on 429/502/503/504 and on connection failures (a bulk with
 * items that have no id, or that create or delete, only on 429/503, which OpenSearch answers before
 * indexing anything), with
 * full-jitter backoff, each retry reported to the chunk's listener. Bulk items rejected with 429
 * are retried on their own; items that succeeded are never sent again. A non-2xx answer fails with
 * {@link OpenSearchException} naming the status, request and error.
 */
public final class OpenSearchConnector implements AutoCloseable {

  private static final SharedClients<OpenSearchConfig, OpenSearchConnector> SHARED = new SharedClients<>(
      "asyncudf-opensearch-shutdown", config -> new OpenSearchConnector(config, true), OpenSearchConnector::closeTransport);
  private static final Set<Integer> RETRYABLE_STATUS = Set.of(429, 502, 503, 504);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final OpenSearchConfig config;
  private final boolean shared;
  private final ApacheHttpClient5Transport transport;
  private final OpenSearchGenericClient generic;
  private final OpenSearchAsyncClient typed;
  private final RequestRetries retries;
  private final RequestRetries.Rules idempotentRules;
  private final RequestRetries.Rules nonIdempotentRules;

  private OpenSearchConnector(OpenSearchConfig config, boolean shared) {
    this.config = config;
    this.shared = shared;
    this.transport = TransportFactory.create(config, JSON);
    this.generic = new OpenSearchGenericClient(transport);
    this.typed = new OpenSearchAsyncClient(transport);
    this.retries = new RequestRetries(config.maxAttempts());
    this.idempotentRules = rules(true);
    this.nonIdempotentRules = rules(false);
  }

  /** The client for {@code config} in this JVM, created on first use; {@link #close()} on it does nothing. */
  public static OpenSearchConnector shared(OpenSearchConfig config) {
    return SHARED.get(config);
  }

  /** A client of its own, which the caller must {@link #close()}. */
  public static OpenSearchConnector create(OpenSearchConfig config) {
    return new OpenSearchConnector(config, false);
  }

  /** Closes every shared client of this JVM. */
  public static void closeShared() {
    SHARED.closeAll();
  }

  /** opensearch-java's typed async client on the same connections, for APIs this class does not wrap. */
  public OpenSearchAsyncClient client() {
    return typed;
  }

  public OpenSearchConfig config() {
    return config;
  }

  /**
   * Runs the actions as bulk requests of at most {@code maxBulkBytes} each and returns one result per
   * action, in order. Items rejected with 429 are retried alone up to {@code maxAttempts}.
   *
   * @throws IllegalArgumentException (in the future) naming the action whose document is not JSON
   */
  public CompletionStage<List<BulkItemResult>> bulk(RequestScope context, List<BulkAction> actions) {
    byte[][] lines;
    try {
      lines = BulkBody.encode(actions, JSON);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    BulkItemResult[] results = new BulkItemResult[actions.size()];
    List<CompletableFuture<Void>> batches = new ArrayList<>();
    for (List<Integer> batch : BulkBody.split(lines, config.maxBulkBytes())) {
      batches.add(bulkAttempt(context, actions, lines, batch, results, 1));
    }
    return CompletableFuture.allOf(batches.toArray(CompletableFuture[]::new)).thenApplyAsync(done -> List.of(results),
        AsyncUdfThreads.callbacks());
  }

  /** Looks documents up by id with {@code _mget}; one entry per id, in order, empty when not found. */
  public CompletionStage<List<Optional<JsonNode>>> mget(RequestScope context, String index, List<String> ids) {
    if (ids.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    ObjectNode body = JSON.createObjectNode();
    ArrayNode array = body.putArray("ids");
    ids.forEach(array::add);
    return call(context, "POST", "/" + encode(index) + "/_mget", Map.of(), json(body), "application/json", true)
        .thenApply(response -> {
          JsonNode docs = response.path("docs");
          if (docs.size() != ids.size()) {
            throw new IllegalStateException("_mget on " + index + " answered " + docs.size() + " docs for " + ids.size() + " ids");
          }
          List<Optional<JsonNode>> found = new ArrayList<>(ids.size());
          for (JsonNode doc : docs) {
            found.add(doc.path("found").asBoolean(false) ? Optional.of(doc.get("_source")) : Optional.empty());
          }
          return found;
        });
  }

  /** Runs one search with a query given as JSON (the {@code _search} body); returns the raw response. */
  public CompletionStage<JsonNode> search(RequestScope context, String index, String queryJson) {
    return call(context, "POST", "/" + encode(index) + "/_search", Map.of(), queryJson.getBytes(StandardCharsets.UTF_8),
        "application/json", true);
  }

  /** Runs several searches in one {@code _msearch}; one response per search, in order. */
  public CompletionStage<List<JsonNode>> msearch(RequestScope context, String index, List<String> queriesJson) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    byte[] header = ("{\"index\":\"" + index.replace("\"", "\\\"") + "\"}\n").getBytes(StandardCharsets.UTF_8);
    for (String query : queriesJson) {
      body.writeBytes(header);
      body.writeBytes(BulkBody.compact(query, JSON, "msearch query"));
      body.write('\n');
    }
    return call(context, "POST", "/_msearch", Map.of(), body.toByteArray(), "application/x-ndjson", true)
        .thenApply(response -> {
          List<JsonNode> responses = new ArrayList<>();
          response.path("responses").forEach(responses::add);
          return responses;
        });
  }

  /**
   * Streams every hit of a query with the scroll API, {@code pageSize} hits per page, handing each
   * page's hits to {@code pageHandler} before fetching the next; stops after {@code maxHits} hits and
   * then fails, so a result is never silently cut. Returns the number of hits handed over.
   */
  public CompletionStage<Long> scroll(RequestScope context, String index, String queryJson, int pageSize, long maxHits,
      Consumer<List<JsonNode>> pageHandler) {
    ObjectNode body = BulkBody.object(queryJson, JSON, "scroll query");
    body.put("size", pageSize);
    return call(context, "POST", "/" + encode(index) + "/_search", Map.of("scroll", "1m"), json(body), "application/json", true)
        .thenCompose(first -> scrollPage(context, first, maxHits, pageHandler, 0));
  }

  @Override
  public void close() {
    if (!shared) {
      closeTransport();
    }
  }

  @Override
  public String toString() {
    return "OpenSearchConnector" + config.hosts() + (config.username() == null ? "" : " as " + config.username());
  }

  private CompletableFuture<Long> scrollPage(RequestScope context, JsonNode page, long maxHits,
      Consumer<List<JsonNode>> pageHandler, long before) {
    List<JsonNode> hits = new ArrayList<>();
    page.path("hits").path("hits").forEach(hits::add);
    String scrollId = page.path("_scroll_id").asText(null);
    if (hits.isEmpty()) {
      return clearScroll(scrollId).thenApply(cleared -> before);
    }
    long total = before + hits.size();
    if (total > maxHits) {
      return clearScroll(scrollId).thenApply(cleared -> {
        throw new IllegalStateException("scroll returned more than maxHits=" + maxHits + " hits");
      });
    }
    pageHandler.accept(hits);
    ObjectNode next = JSON.createObjectNode().put("scroll", "1m").put("scroll_id", scrollId);
    return call(context, "POST", "/_search/scroll", Map.of(), json(next), "application/json", true)
        .thenCompose(following -> scrollPage(context, following, maxHits, pageHandler, total));
  }

  private CompletableFuture<Void> clearScroll(String scrollId) {
    if (scrollId == null) {
      return CompletableFuture.completedFuture(null);
    }
    ObjectNode body = JSON.createObjectNode();
    body.putArray("scroll_id").add(scrollId);
    return call(null, "DELETE", "/_search/scroll", Map.of(), json(body), "application/json", true)
        .handle((ignored, failure) -> null);
  }

  private CompletableFuture<Void> bulkAttempt(RequestScope context, List<BulkAction> actions, byte[][] lines,
      List<Integer> items, BulkItemResult[] results, int attempt) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    boolean idempotent = true;
    for (int item : items) {
      body.writeBytes(lines[item]);
      idempotent &= replaySafe(actions.get(item));
    }
    Map<String, String> query = config.refresh().equals("false") ? Map.of() : Map.of("refresh", config.refresh());
    return call(context, "POST", "/_bulk", query, body.toByteArray(), "application/x-ndjson", idempotent)
        .thenCompose(response -> {
          JsonNode answered = response.path("items");
          if (answered.size() != items.size()) {
            throw new IllegalStateException("_bulk answered " + answered.size() + " items for " + items.size() + " sent");
          }
          List<Integer> rejected = new ArrayList<>();
          for (int i = 0; i < items.size(); i++) {
            BulkItemResult result = BulkBody.result(answered.get(i), attempt);
            results[items.get(i)] = result;
            if (result.status() == 429) {
              rejected.add(items.get(i));
            }
          }
          if (rejected.isEmpty() || attempt >= config.maxAttempts()) {
            return CompletableFuture.completedFuture(null);
          }
          Duration delay = backoff(attempt);
          if (context != null) {
            RequestReports.of(context).requestRetried("POST /_bulk (" + rejected.size() + " of " + items.size() + " items rejected with 429)",
                attempt, new OpenSearchException(429, "POST /_bulk", rejected.size() + " items rejected"), delay);
          }
          CompletableFuture<Void> retry = Futures.after(delay,
              () -> bulkAttempt(context, actions, lines, rejected, results, attempt + 1));
          if (context != null) {
            context.register(retry);
          }
          return retry;
        });
  }

  private CompletableFuture<JsonNode> call(RequestScope context, String method, String path, Map<String, String> query,
      byte[] body, String contentType, boolean idempotent) {
    if (context != null && context.isEnded()) {
      return CompletableFuture.failedFuture(new CancellationException(
          method + " " + path + " not sent: its chunk attempt has ended"));
    }
    CompletableFuture<JsonNode> result = AsyncUdfThreads.completeOnCallbacks(retries.run(context, () -> method + " " + path,
        idempotent ? idempotentRules : nonIdempotentRules, attempt -> once(method + " " + path, method, path, query, body,
            contentType)));
    if (context != null) {
      context.register(result);
    }
    return result;
  }

  private CompletableFuture<JsonNode> once(String request, String method, String path, Map<String, String> query,
      byte[] body, String contentType) {
    return generic.executeAsync(Requests.builder()
            .method(method)
            .endpoint(path)
            .query(query)
            .body(Body.from(body, contentType))
            .build())
        .thenApply(response -> {
          try (response) {
            byte[] bytes = response.getBody().map(Body::bodyAsBytes).orElse(new byte[0]);
            if (response.getStatus() / 100 != 2) {
              throw new CompletionException(new OpenSearchException(response.getStatus(), request, BulkBody.errorDetail(bytes, JSON)));
            }
            return JSON.readTree(bytes);
          } catch (IOException e) {
            throw new CompletionException(e);
          }
        });
  }

  /**
   * Whether sending {@code action} again after an attempt whose outcome is unknown gives the same result: an
   * index or upsert of a document by its id. A create answers 409 and a delete 404 the second time, and an
   * item without an id would be indexed twice.
   */
  private static boolean replaySafe(BulkAction action) {
    return action.id() != null && (action.type() == BulkAction.Type.INDEX || action.type() == BulkAction.Type.UPSERT);
  }

  private RequestRetries.Rules rules(boolean idempotent) {
    return new RequestRetries.Rules() {
      @Override
      public boolean isRetryable(Throwable failure) {
        return OpenSearchConnector.isRetryable(failure, idempotent);
      }

      @Override
      public Duration delayAfter(int failedAttempt, Throwable failure) {
        return backoff(failedAttempt);
      }
    };
  }

  private static boolean isRetryable(Throwable failure, boolean idempotent) {
    if (failure instanceof OpenSearchException refused) {
      return refused.status() == 429 || refused.status() == 503 || (idempotent && RETRYABLE_STATUS.contains(refused.status()));
    }
    return idempotent && failure instanceof IOException;
  }

  private Duration backoff(int failedAttempt) {
    return Backoff.fullJitter(config.initialBackoff(), config.maxBackoff(), failedAttempt);
  }

  private void closeTransport() {
    try {
      transport.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] json(JsonNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String encode(String index) {
    return URLEncoder.encode(index, StandardCharsets.UTF_8);
  }
}
