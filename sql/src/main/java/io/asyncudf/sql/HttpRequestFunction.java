package io.asyncudf.sql;

import io.asyncudf.AsyncChunkFunction;
import io.asyncudf.ChunkContext;
import io.asyncudf.RowFailure;
import io.asyncudf.http.HttpClientConfig;
import io.asyncudf.http.HttpConnector;
import io.asyncudf.http.HttpRequest;
import io.asyncudf.http.HttpResponse;
import io.asyncudf.http.HttpStatusException;
import io.asyncudf.internal.connector.AsyncUdfThreads;
import java.io.Serializable;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code async_http_request}: one request per row through the connection's shared
 * {@link HttpConnector} (its limits, retries, {@code Retry-After} and credential scope). Any HTTP
 * answer is a result ({@code status_code}, {@code text}, {@code headers}; a non-2xx answer after
 * retries keeps at most 64 KiB of its body and no headers); a request that gets no answer is that
 * row's error.
 */
final class HttpRequestFunction implements AsyncChunkFunction<Row, Row, Serializable> {

  static final StructType INPUT = new StructType()
      .add("method", DataTypes.StringType)
      .add("path", DataTypes.StringType)
      .add("headers", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType))
      .add("params", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType))
      .add("body", DataTypes.StringType);

  static final StructType OUTPUT = new StructType()
      .add("status_code", DataTypes.IntegerType)
      .add("text", DataTypes.StringType)
      .add("headers", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType));

  /** Answers up to this size become rows on the network thread that read them. */
  static final int CONVERT_ON_NETWORK_THREAD_BYTES = 16 * 1024;

  private final HttpClientConfig config;

  HttpRequestFunction(HttpClientConfig config) {
    this.config = config;
  }

  @Override
  public CompletionStage<List<Row>> apply(ChunkContext<Serializable> context, List<Row> inputs) {
    HttpConnector http = HttpConnector.shared(config);
    List<CompletableFuture<Row>> rows = new ArrayList<>(inputs.size());
    for (Row input : inputs) {
      try {
        rows.add(send(http, context, input));
      } catch (RuntimeException e) {
        rows.add(java.util.concurrent.CompletableFuture.failedFuture(e)); // e.g. a malformed URL: this row's error
      }
    }
    return RowFailure.settled(rows);
  }

  private static CompletableFuture<Row> send(HttpConnector http, ChunkContext<Serializable> context, Row input) {
    if (input.isNullAt(0) || input.isNullAt(1)) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException("async_http_request: method and path must not be null"));
    }
    Map<String, String> headers = input.isNullAt(2) ? Map.of() : input.getJavaMap(2);
    HttpRequest request = HttpRequest.of(input.getString(0), input.getString(1) + query(input));
    String contentType = "application/json";
    for (Map.Entry<String, String> header : headers.entrySet()) {
      if (header.getKey().equalsIgnoreCase("Content-Type")) {
        contentType = header.getValue();
      } else if (header.getValue() != null) {
        request = request.header(header.getKey(), header.getValue());
      }
    }
    if (!input.isNullAt(4)) {
      request = request.body(contentType, input.getString(4).getBytes(StandardCharsets.UTF_8));
    }
    // the answer arrives on the network thread: a small one becomes its row there (microseconds, no hop to a
    // callback thread per row), a larger one on a callback thread, so that the network thread never waits
    return http.sendDirect(context, request).toCompletableFuture()
        .thenCompose(response -> response.bodyLength() <= CONVERT_ON_NETWORK_THREAD_BYTES
            ? CompletableFuture.completedFuture(result(response))
            : CompletableFuture.supplyAsync(() -> result(response), AsyncUdfThreads.callbacks()))
        .exceptionally(failure -> {
          Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
          if (cause instanceof HttpStatusException status) {
            return RowFactory.create(status.status(), status.body(), null);
          }
          throw failure instanceof CompletionException completion ? completion : new CompletionException(cause);
        });
  }

  private static String query(Row input) {
    if (input.isNullAt(3)) {
      return "";
    }
    Map<String, String> params = input.getJavaMap(3);
    if (params.isEmpty()) {
      return "";
    }
    String path = input.getString(1);
    return (path.contains("?") ? "&" : "?") + params.entrySet().stream()
        .map(param -> encode(param.getKey()) + (param.getValue() == null ? "" : "=" + encode(param.getValue())))
        .collect(Collectors.joining("&"));
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static Row result(HttpResponse response) {
    Map<String, String> headers = new LinkedHashMap<>();
    response.headers().forEach((name, values) -> headers.put(name.toLowerCase(java.util.Locale.ROOT),
        String.join(", ", values)));
    return RowFactory.create(response.status(), response.bodyAsString(), headers);
  }
}
