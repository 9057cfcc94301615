package io.asyncudf.http;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.asyncudf.AsyncChunkFunction;
import io.asyncudf.AsyncUdf;
import io.asyncudf.AsyncUdfListener;
import io.asyncudf.ChunkEvent;
import io.asyncudf.RequestRetryEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;

/** The connector inside a real Spark UDF: every value right, every request retry seen by the UDF's listener. */
class HttpConnectorSparkTest {

  /** Collects request retries in this JVM (local mode runs tasks in the test JVM). */
  static final List<RequestRetryEvent> RETRIES = new CopyOnWriteArrayList<>();
  /** The threads request retries were delivered on. */
  static final List<String> RETRY_THREADS = new CopyOnWriteArrayList<>();
  /** "partition/chunk retry" and "partition/chunk success", in the order the listener got them. */
  static final List<String> SEQUENCE = new CopyOnWriteArrayList<>();

  static final class RetryListener implements AsyncUdfListener {
    @Override
    public void onRequestRetry(RequestRetryEvent event) {
      RETRIES.add(event);
      RETRY_THREADS.add(Thread.currentThread().getName());
      SEQUENCE.add(event.partition().partitionIndex() + "/" + event.partition().chunkIndex() + " retry");
    }

    @Override
    public void onChunkSuccess(ChunkEvent event) {
      SEQUENCE.add(event.partition().partitionIndex() + "/" + event.partition().chunkIndex() + " success");
    }
  }

  @Test
  void aUdfCallsTheServiceAndItsListenerSeesEveryRequestRetry() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    try (MockWebServer server = new MockWebServer()) {
      server.setDispatcher(new Dispatcher() {
        @Override
        public MockResponse dispatch(RecordedRequest request) {
          String id = request.getUrl().queryParameter("id");
          if (calls.incrementAndGet() % 10 == 0) {
            return new MockResponse.Builder().code(503).build();
          }
          return new MockResponse.Builder().code(200).body("{\"doubled\":" + Long.parseLong(id) * 2 + "}").build();
        }
      });
      server.start(0);
      HttpClientConfig config = HttpClientConfig.builder()
          .baseUrl(server.url("/").toString())
          .retry(HttpRetrySettings.defaults().withMaxAttempts(10).withBackoff(Duration.ofMillis(1), Duration.ofMillis(5)))
          .build();
      SparkSession spark = SparkSession.builder().master("local[2]").config("spark.ui.enabled", "false").getOrCreate();

      List<Row> rows = AsyncUdf.<Long, Long, HttpClientConfig>scalarToScalar(
              AsyncChunkFunction.perRow((ctx, id) -> HttpConnector.shared(ctx.parameters())
                  .send(ctx, HttpRequest.get("double?id=" + id))
                  .thenApply(response -> response.json().get("doubled").asLong())),
              DataTypes.LongType)
          .parameters(config)
          .listener(new RetryListener())
          .maxChunkSize(50)
          .withColumn(spark.range(0, 2000, 1, 4).toDF(), "doubled", col("id"))
          .collectAsList();

      assertThat(rows).hasSize(2000).allSatisfy(row -> assertThat(row.getLong(1)).isEqualTo(row.getLong(0) * 2));
      assertThat(RETRIES).hasSize(calls.get() - 2000);
      assertThat(RETRIES).isNotEmpty().allSatisfy(event -> {
        assertThat(event.request()).startsWith("GET " + server.url("/double?id="));
        assertThat(event.failure()).isInstanceOf(HttpStatusException.class);
        assertThat(event.partition().chunkIndex()).isNotNull();
      });
      assertThat(HttpConnector.shared(config).metrics().retries()).isEqualTo(RETRIES.size());
      // a listener is never called on a network thread (a listener that blocks there would hold up every request
      // on it), and a request's retry still comes before its chunk's success
      assertThat(RETRY_THREADS).noneMatch(thread -> thread.startsWith("asyncudf-http"));
      for (int i = 0; i < SEQUENCE.size(); i++) {
        if (SEQUENCE.get(i).endsWith(" retry")) {
          String chunk = SEQUENCE.get(i).substring(0, SEQUENCE.get(i).indexOf(' '));
          assertThat(SEQUENCE.subList(i, SEQUENCE.size())).as("events after %s", SEQUENCE.get(i))
              .contains(chunk + " success");
        }
      }
    } finally {
      HttpConnector.closeShared();
    }
  }
}
