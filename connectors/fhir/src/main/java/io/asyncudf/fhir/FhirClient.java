package io.asyncudf.fhir;

import static io.asyncudf.internal.connector.Futures.unwrap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.asyncudf.connector.RequestScope;
import io.asyncudf.http.HttpClientConfig;
import io.asyncudf.http.HttpConnector;
import io.asyncudf.http.HttpRequest;
import io.asyncudf.http.HttpResponse;
import io.asyncudf.http.HttpStatusException;
import io.asyncudf.http.Origins;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * FHIR R4 REST over the shared non-blocking {@link HttpConnector}: resources are Jackson trees (or
 * JSON strings) in and out, no model classes. Every call returns at once; futures complete on a
 * connector callback thread. Pass the chunk's {@code ChunkContext} (a {@link RequestScope}, or null)
 * so request retries reach the UDF's listener and the requests end with the chunk attempt.
 *
 * <p>Failures: a non-2xx answer fails with {@link FhirException} carrying the status and the
 * OperationOutcome; 429/502/503/504, {@code Retry-After} and 401 token refresh are handled by the
 * HTTP connector. Creates (POST) are not retried after the request may have reached the server
 * (that could create duplicates); updates, deletes, reads, conditional creates and batches made only
 * of those are.
 */
public final class FhirClient {

  static final String FHIR_JSON = "application/fhir+json";

  private final HttpConnector http;

  private FhirClient(HttpConnector http) {
    this.http = http;
  }

  /** The client over this executor's shared HTTP client for {@code config} (whose baseUrl is the FHIR base). */
  public static FhirClient shared(HttpClientConfig config) {
    if (config.baseUrl() == null) {
      throw new IllegalArgumentException("a FHIR client needs an HttpClientConfig with the FHIR base URL as baseUrl");
    }
    return new FhirClient(HttpConnector.shared(config));
  }

  /** A FHIR client over a given HTTP connector. */
  public static FhirClient over(HttpConnector http) {
    return new FhirClient(http);
  }

  /** {@code GET [type]/[id]}; empty when the server answers 404 or 410 (deleted). */
  public CompletionStage<Optional<JsonNode>> read(RequestScope context, String type, String id) {
    return send(context, accept(HttpRequest.get(type + "/" + id)))
        .thenApply(response -> Optional.of(response.json()))
        .exceptionally(failure -> {
          Throwable cause = unwrap(failure);
          if (cause instanceof FhirException fhir && (fhir.status() == 404 || fhir.status() == 410)) {
            return Optional.empty();
          }
          throw new CompletionException(cause);
        });
  }

  /** {@code POST [type]}: the server assigns the id. Not retried once it may have reached the server. */
  public CompletionStage<FhirEntryResult> create(RequestScope context, JsonNode resource) {
    ObjectNode object = FhirJson.resource(resource);
    return write(context, withBody(HttpRequest.of("POST", object.get("resourceType").asText()), object));
  }

  /** {@code POST [type]} with {@code If-None-Exist}: creates unless a match exists (then 200 with the match). */
  public CompletionStage<FhirEntryResult> conditionalCreate(RequestScope context, JsonNode resource, String ifNoneExist) {
    ObjectNode object = FhirJson.resource(resource);
    HttpRequest request = withBody(HttpRequest.of("POST", object.get("resourceType").asText()), object)
        .header("If-None-Exist", ifNoneExist)
        .idempotent(true);
    return write(context, request);
  }

  /** {@code PUT [type]/[id]} with the resource's own id: update, or create with a client-assigned id. */
  public CompletionStage<FhirEntryResult> update(RequestScope context, JsonNode resource) {
    FhirEntry entry = FhirEntry.update(resource);
    return write(context, withBody(HttpRequest.of("PUT", entry.url()), entry.resource()));
  }

  /** {@code DELETE [type]/[id]}. */
  public CompletionStage<FhirEntryResult> delete(RequestScope context, String type, String id) {
    return write(context, accept(HttpRequest.delete(type + "/" + id)));
  }

  /**
   * Sends the entries as one {@code batch} Bundle. Each entry succeeds or fails on its own; the
   * results are in entry order. Fails as a whole only when the server rejects the Bundle.
   */
  public CompletionStage<List<FhirEntryResult>> batch(RequestScope context, List<FhirEntry> entries) {
    return bundle(context, "batch", entries);
  }

  /** Sends the entries as one {@code transaction} Bundle: all succeed or the call fails with {@link FhirException}. */
  public CompletionStage<List<FhirEntryResult>> transaction(RequestScope context, List<FhirEntry> entries) {
    return bundle(context, "transaction", entries);
  }

  /**
   * Searches {@code [type]?[query]} and follows {@code Bundle.link[next]} exactly as the server
   * returns it, handing each page's matches to {@code pageHandler} before fetching the next page, so
   * only one page is held at a time. Stops at {@code limits} (the summary then says truncated).
   * When the client has credentials, a next link to an origin other than the FHIR base's (or a
   * configured {@code credentialOrigin}) is not followed: the search fails with an
   * {@link IllegalStateException} naming both origins.
   */
  public CompletionStage<SearchSummary> search(RequestScope context, String type, String query, SearchLimits limits,
      Consumer<List<JsonNode>> pageHandler) {
    String url = query == null || query.isEmpty() ? type : type + "?" + query;
    return page(context, url, limits, pageHandler, 0, 0);
  }

  /** {@link #search} collecting every match into one list (bounded by {@code limits}). */
  public CompletionStage<List<JsonNode>> searchAll(RequestScope context, String type, String query, SearchLimits limits) {
    List<JsonNode> all = new ArrayList<>();
    return search(context, type, query, limits, all::addAll).thenApply(summary -> all);
  }

  /**
   * Invokes an operation such as {@code Patient/$merge} or {@code Patient/123/$everything}: {@code body}
   * (usually a Parameters resource) is sent for POST, omitted for GET. Returns the response resource.
   * POST operations are not retried after they may have reached the server.
   */
  public CompletionStage<JsonNode> operation(RequestScope context, String method, String path, JsonNode body) {
    HttpRequest request = body == null ? accept(HttpRequest.of(method, path)) : withBody(HttpRequest.of(method, path), body);
    return send(context, request).thenApply(HttpResponse::json);
  }

  private CompletionStage<SearchSummary> page(RequestScope context, String url, SearchLimits limits,
      Consumer<List<JsonNode>> pageHandler, int pagesBefore, long resourcesBefore) {
    return send(context, accept(HttpRequest.get(url))).thenCompose(response -> {
      JsonNode bundle = response.json();
      List<JsonNode> matches = new ArrayList<>();
      for (JsonNode entry : bundle.path("entry")) {
        String mode = entry.path("search").path("mode").asText("match");
        if (mode.equals("match") && entry.hasNonNull("resource")) {
          matches.add(entry.get("resource"));
        }
      }
      long room = limits.maxResources() - resourcesBefore;
      boolean cut = matches.size() > room;
      List<JsonNode> handed = cut ? matches.subList(0, (int) room) : matches;
      pageHandler.accept(handed);
      int pages = pagesBefore + 1;
      long resources = resourcesBefore + handed.size();
      String next = nextLink(bundle);
      if (next == null) {
        return CompletableFuture.completedFuture(new SearchSummary(pages, resources, cut));
      }
      if (cut || resources >= limits.maxResources() || pages >= limits.maxPages()) {
        return CompletableFuture.completedFuture(new SearchSummary(pages, resources, true));
      }
      if (http.config().hasCredentials() && !http.isCredentialOrigin(next)) {
        return CompletableFuture.failedFuture(new IllegalStateException("the next link of " + response.request()
            + " points to origin " + Origins.of(next) + ", which is not the FHIR base's origin nor a credentialOrigin ("
            + String.join(", ", http.credentialOrigins()) + "); the search stops rather than follow it"));
      }
      return page(context, next, limits, pageHandler, pages, resources);
    });
  }

  private CompletionStage<List<FhirEntryResult>> bundle(RequestScope context, String type, List<FhirEntry> entries) {
    if (entries.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    ObjectNode bundle = FhirJson.MAPPER.createObjectNode().put("resourceType", "Bundle").put("type", type);
    ArrayNode array = bundle.putArray("entry");
    boolean idempotent = true;
    for (FhirEntry entry : entries) {
      array.add(entry.toBundleEntry());
      idempotent &= !entry.method().equals("POST") || entry.ifNoneExist() != null;
    }
    HttpRequest request = withBody(HttpRequest.of("POST", ""), bundle).idempotent(idempotent);
    return send(context, request).thenApply(response -> {
      JsonNode responseEntries = response.json().path("entry");
      if (responseEntries.size() != entries.size()) {
        throw new IllegalStateException(type + " response has " + responseEntries.size() + " entries for "
            + entries.size() + " sent (" + response.request() + ")");
      }
      List<FhirEntryResult> results = new ArrayList<>(entries.size());
      for (JsonNode entry : responseEntries) {
        results.add(FhirEntryResult.from(entry));
      }
      return results;
    });
  }

  private CompletionStage<FhirEntryResult> write(RequestScope context, HttpRequest request) {
    return send(context, request).thenApply(response -> {
      JsonNode body = response.bodyLength() == 0 ? null : response.json();
      ObjectNode entry = FhirJson.MAPPER.createObjectNode();
      ObjectNode summary = entry.putObject("response").put("status", String.valueOf(response.status()));
      if (response.header("location") != null) {
        summary.put("location", response.header("location"));
      } else if (response.header("content-location") != null) {
        summary.put("location", response.header("content-location"));
      }
      if (response.header("etag") != null) {
        summary.put("etag", response.header("etag"));
      }
      if (body != null && "OperationOutcome".equals(body.path("resourceType").asText())) {
        summary.set("outcome", body);
      } else if (body != null) {
        entry.set("resource", body);
      }
      return FhirEntryResult.from(entry);
    });
  }

  private CompletionStage<HttpResponse> send(RequestScope context, HttpRequest request) {
    return http.send(context, request).exceptionally(failure -> {
      Throwable cause = unwrap(failure);
      throw new CompletionException(cause instanceof HttpStatusException status ? new FhirException(status) : cause);
    });
  }

  private static HttpRequest accept(HttpRequest request) {
    return request.header("Accept", FHIR_JSON);
  }

  private static HttpRequest withBody(HttpRequest request, JsonNode body) {
    return accept(request).body(FHIR_JSON + "; charset=utf-8", FhirJson.write(body).getBytes(StandardCharsets.UTF_8));
  }

  private static String nextLink(JsonNode bundle) {
    for (JsonNode link : bundle.path("link")) {
      if ("next".equals(link.path("relation").asText())) {
        String url = link.path("url").asText("");
        return url.isEmpty() ? null : url;
      }
    }
    return null;
  }
}
