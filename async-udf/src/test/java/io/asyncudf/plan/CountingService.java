package io.asyncudf.plan;

import com.sun.net.httpserver.HttpServer;
import io.asyncudf.AsyncChunkFunction;
import io.asyncudf.AsyncUdf;
import io.asyncudf.ColumnUdf;
import io.asyncudf.DataFrameUdf;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A real HTTP service on loopback that answers {@code GET /score?id=N} with {@code 2N} and counts
 * every request it gets, by id, so tests assert calls where they are made: at the service.
 */
final class CountingService implements AutoCloseable {

  /** The rows {@link Client#scoredRows()} returns. */
  static final StructType SCORED = new StructType().add("id", DataTypes.LongType).add("score", DataTypes.LongType);

  private final HttpServer server;
  private final AtomicLong requests = new AtomicLong();
  private final Map<Long, LongAdder> byId = new ConcurrentHashMap<>();
  private volatile long delayMillis;
  private volatile long triggerAt = -1;
  private volatile Runnable trigger;

  CountingService() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
    server.setExecutor(Executors.newFixedThreadPool(8, r -> {
      Thread thread = new Thread(r, "counting-service");
      thread.setDaemon(true);
      return thread;
    }));
    server.createContext("/score", exchange -> {
      long id = Long.parseLong(exchange.getRequestURI().getQuery().substring("id=".length()));
      long count = requests.incrementAndGet();
      if (count == triggerAt && trigger != null) {
        trigger.run();
      }
      if (delayMillis > 0) {
        try {
          Thread.sleep(delayMillis); // the service's latency, not a wait of the test
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      byId.computeIfAbsent(id, key -> new LongAdder()).increment();
      byte[] body = String.valueOf(2 * id).getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  long requests() {
    return requests.get();
  }

  /** Distinct ids asked for. */
  long distinctIds() {
    return byId.size();
  }

  /** Answers each request after {@code millis}. */
  void latency(long millis) {
    delayMillis = millis;
  }

  /** Runs {@code action} on the service's thread when it gets its {@code count}th request since the reset. */
  void onRequest(long count, Runnable action) {
    trigger = action;
    triggerAt = count;
  }

  /** How many times {@code id} was asked for. */
  long requestsFor(long id) {
    LongAdder adder = byId.get(id);
    return adder == null ? 0 : adder.sum();
  }

  void reset() {
    requests.set(0);
    byId.clear();
    delayMillis = 0;
    triggerAt = -1;
    trigger = null;
  }

  @Override
  public void close() {
    server.stop(0);
  }

  /** The client side, serializable: one shared JDK client per JVM, created on first use. */
  record Client(String url) implements Serializable {
    private static final class Shared {
      static final HttpClient HTTP = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(4, r -> {
        Thread thread = new Thread(r, "counting-client");
        thread.setDaemon(true);
        return thread;
      })).build();
    }

    /** One request per id, all of a chunk's in flight at once: {@code 2 * id}. */
    ColumnUdf<Long, Long, Serializable> scores() {
      return AsyncUdf.<Long, Long, Serializable>scalarToScalar(AsyncChunkFunction.perRow((ctx, id) -> score(id)),
          DataTypes.LongType);
    }

    /** The DataFrame helper: one output row {@code (id, score)} per input row, read by its column {@code id}. */
    DataFrameUdf<Serializable> scoredRows() {
      return AsyncUdf.<Serializable>dataFrame((ctx, rows) -> {
        List<CompletableFuture<Row>> answers = new ArrayList<>();
        for (Row row : rows) {
          long id = row.getLong(row.fieldIndex("id"));
          answers.add(score(id).thenApply(s -> RowFactory.create(id, s)).toCompletableFuture());
        }
        return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
            .thenApply(done -> answers.stream().map(CompletableFuture::join).toList());
      }, SCORED);
    }

    CompletionStage<Long> score(long id) {
      return Shared.HTTP.sendAsync(HttpRequest.newBuilder(URI.create(url + "/score?id=" + id)).build(),
              HttpResponse.BodyHandlers.ofString())
          .thenApply(response -> Long.parseLong(response.body()));
    }
  }
}
