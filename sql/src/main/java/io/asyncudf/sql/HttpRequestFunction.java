package io.asyncudf.sql;

import io.asyncudf.ChunkContext;
import io.asyncudf.http.HttpClientConfig;
import io.asyncudf.http.HttpConnector;
import io.asyncudf.http.HttpRequest;
import io.asyncudf.http.HttpStatusException;
import io.asyncudf.internal.connector.AsyncUdfThreads;
import io.asyncudf.internal.spark.sql.HttpRequestRows;
import io.asyncudf.internal.spark.sql.HttpRequestRows.Answer;
import io.asyncudf.internal.spark.sql.HttpRequestRows.Request;
import java.io.Serializable;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * {@code async_http_request}: one request per row through the connection's shared
 * {@link HttpConnector} (its limits, retries, {@code Retry-After} and credential scope). Any HTTP
 * answer is a result ({@code status_code}, {@code text}, {@code headers}; a non-2xx answer after
 * retries keeps at most 64 KiB of its body and no headers); a request that gets no answer is that
 * row's error. {@link HttpRequestRows} reads the request struct and makes the result struct.
 */
final class HttpRequestFunction implements HttpRequestRows.Sender {

  /** 2xx answers with bodies up to this size (bytes) become rows on the network thread that read them. */
  static final int CONVERT_ON_NETWORK_THREAD_BYTES = 16 * 1024;

  private final HttpClientConfig config;

  private HttpRequestFunction(HttpClientConfig config) {
    this.config = config;
  }

  /** The chunk function of {@code async_http_request} over a connection configured by {@code config}. */
  static HttpRequestRows over(HttpClientConfig config) {
    return new HttpRequestRows(new HttpRequestFunction(config));
  }

  @Override
  public CompletableFuture<Answer> send(ChunkContext<Serializable> context, Request call) {
    HttpRequest request = HttpRequest.of(call.method(), call.target());
    for (Map.Entry<String, String> header : call.headers()) {
      request = request.header(header.getKey(), header.getValue());
    }
    if (call.body() != null) {
      request = request.body(call.contentType(), call.body());
    }
    // a 2xx answer arrives on the network thread: a small one becomes its row there (microseconds, no hop to a
    // callback thread per row), a larger one on a callback thread, so that the network thread never waits; a
    // failure, a non-2xx answer included, arrives on a callback thread
    return HttpConnector.shared(config).sendDirect(context, request).toCompletableFuture()
        .thenCompose(response -> answer(response.bodyLength(), () -> new Answer(response.status(),
            response.bodyAsString(), response.headers())))
        .exceptionallyCompose(failure -> {
          Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
          if (cause instanceof HttpStatusException status) { // a non-2xx answer after the retries: up to 64 KiB of body
            return answer(status.body() == null ? 0 : status.body().length(),
                () -> new Answer(status.status(), status.body(), null));
          }
          return CompletableFuture.failedFuture(failure);
        });
  }

  /**
   * The answer, completed at once off the network threads or when its body is small, else on a callback thread
   * (with its conversion).
   */
  private static CompletableFuture<Answer> answer(int bodyLength, Supplier<Answer> answer) {
    return bodyLength <= CONVERT_ON_NETWORK_THREAD_BYTES || !AsyncUdfThreads.onNetworkThread()
        ? CompletableFuture.completedFuture(answer.get())
        : CompletableFuture.supplyAsync(answer, AsyncUdfThreads.callbacks());
  }
}
