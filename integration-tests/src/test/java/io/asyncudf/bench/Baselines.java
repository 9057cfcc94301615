package io.asyncudf.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/** What people write without this library: one blocking call per row, alone or from a thread pool. */
final class Baselines {

  /** One per executor JVM, like a connection pool a UDF would share. */
  private static final HttpClient BLOCKING = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private Baselines() {}

  /** GET {@code score?id=N} with the calling thread blocked until the answer is parsed. */
  static double blockingScore(String service, long id) {
    try {
      String body = BLOCKING.send(HttpRequest.newBuilder(URI.create(service + "score?id=" + id)).build(),
          BodyHandlers.ofString()).body();
      return Double.parseDouble(body.substring(body.indexOf("\"score\":") + 8, body.length() - 1));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * A partition's rows {@code (id)} to {@code (id, score)}, with up to {@code window} blocking calls
   * running on a pool of as many threads; outputs in input order.
   */
  static Iterator<Row> slidingWindow(Iterator<Row> input, String service, int window) {
    ExecutorService pool = Executors.newFixedThreadPool(window);
    Deque<Future<Row>> pending = new ArrayDeque<>();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        while (pending.size() < window && input.hasNext()) {
          long id = input.next().getLong(0);
          pending.add(pool.submit(() -> RowFactory.create(id, blockingScore(service, id))));
        }
        if (pending.isEmpty()) {
          pool.shutdown();
          return false;
        }
        return true;
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        try {
          return pending.poll().get();
        } catch (ExecutionException e) {
          throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
    };
  }
}
