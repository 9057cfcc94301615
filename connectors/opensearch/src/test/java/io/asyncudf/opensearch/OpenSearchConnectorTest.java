package io.asyncudf.opensearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.asyncudf.connector.Secret;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpenSearchConnectorTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final MockWebServer server = new MockWebServer();
  private final List<String> bodies = new CopyOnWriteArrayList<>();
  private OpenSearchConnector search;

  @BeforeEach
  void start() throws Exception {
    server.start(0);
  }

  @AfterEach
  void stop() {
    if (search != null) {
      search.close();
    }
    server.close();
  }

  private OpenSearchConnector connect(OpenSearchConfig.Builder builder) {
    search = OpenSearchConnector.create(builder.build());
    return search;
  }

  private OpenSearchConfig.Builder config() {
    return OpenSearchConfig.builder("http://127.0.0.1:" + server.getPort())
        .retries(4, Duration.ofMillis(5), Duration.ofMillis(20));
  }

  private void dispatch(Function<RecordedRequest, MockResponse> answer) {
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        bodies.add(bodyOf(request));
        return answer.apply(request);
      }
    });
  }

  private static String bodyOf(RecordedRequest request) {
    return request.getBody() == null ? "" : request.getBody().string(StandardCharsets.UTF_8);
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private static MockResponse json(int code, String body) {
    return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json").body(body).build();
  }

  /** A bulk response answering every item of the request with {@code status(id)}. */
  private static MockResponse bulkAnswer(String ndjson, Function<String, Integer> status) {
    StringBuilder items = new StringBuilder();
    String[] lines = ndjson.split("\n");
    for (int i = 0; i < lines.length; i++) {
      try {
        JsonNode meta = JSON.readTree(lines[i]);
        String op = meta.fieldNames().next();
        String id = meta.get(op).path("_id").asText("auto-" + i);
        int code = status.apply(id);
        items.append(items.length() == 0 ? "" : ",").append("{\"").append(op).append("\":{\"_index\":\"")
            .append(meta.get(op).path("_index").asText()).append("\",\"_id\":\"").append(id).append("\",\"status\":").append(code)
            .append(code / 100 == 2 ? ",\"result\":\"created\"" : ",\"error\":{\"type\":\"" + (code == 429
                ? "es_rejected_execution_exception" : "mapper_parsing_exception") + "\",\"reason\":\"r" + id + "\"}")
            .append("}}");
        if (!op.equals("delete")) {
          i++;
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    return json(200, "{\"took\":1,\"errors\":true,\"items\":[" + items + "]}");
  }

  private static List<BulkAction> docs(int count) {
    List<BulkAction> actions = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      actions.add(BulkAction.index("patients", "p" + i, "{\"n\":" + i + ",\n \"name\":\"x" + i + "\"}"));
    }
    return actions;
  }

  @Test
  void encodesEveryBulkActionAndMapsItemResultsInOrder() throws Exception {
    dispatch(request -> bulkAnswer(bodyOf(request), id -> id.equals("p2") ? 400 : 201));
    List<BulkAction> actions = List.of(
        BulkAction.index("patients", "p1", "{\"a\":1}"),
        BulkAction.create("patients", "p2", "{\"a\":\"not a number\"}").withRouting("r7"),
        BulkAction.upsert("patients", "p3", "{\"a\":3}"),
        BulkAction.delete("patients", "p4"));

    List<BulkItemResult> results = await(connect(config()).bulk(null, actions));

    assertThat(results).extracting(BulkItemResult::id).containsExactly("p1", "p2", "p3", "p4");
    assertThat(results.get(1).isSuccess()).isFalse();
    assertThat(results.get(1).errorType()).isEqualTo("mapper_parsing_exception");
    assertThat(results.get(0).result()).isEqualTo("created");
    assertThat(bodies.get(0)).isEqualTo(String.join("\n",
        "{\"index\":{\"_index\":\"patients\",\"_id\":\"p1\"}}", "{\"a\":1}",
        "{\"create\":{\"_index\":\"patients\",\"_id\":\"p2\",\"routing\":\"r7\"}}", "{\"a\":\"not a number\"}",
        "{\"update\":{\"_index\":\"patients\",\"_id\":\"p3\"}}", "{\"doc\":{\"a\":3},\"doc_as_upsert\":true}",
        "{\"delete\":{\"_index\":\"patients\",\"_id\":\"p4\"}}") + "\n");
    RecordedRequest request = server.takeRequest();
    assertThat(request.getTarget()).isEqualTo("/_bulk");
    assertThat(request.getHeaders().get("Content-Type")).startsWith("application/x-ndjson");
  }

  @Test
  void whole429StormsAreRetriedWithoutDuplicatingItems() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Map<String, Integer> indexed = new ConcurrentHashMap<>();
    dispatch(request -> {
      if (calls.incrementAndGet() <= 3) {
        return json(429, "{\"error\":{\"type\":\"es_rejected_execution_exception\",\"reason\":\"queue full\"},\"status\":429}");
      }
      return bulkAnswer(bodyOf(request), id -> {
        indexed.merge(id, 1, Integer::sum);
        return 201;
      });
    });

    List<BulkItemResult> results = await(connect(config()).bulk(null, docs(50)));

    assertThat(results).allSatisfy(result -> assertThat(result.isSuccess()).isTrue());
    assertThat(calls.get()).isEqualTo(4);
    assertThat(indexed).hasSize(50).allSatisfy((id, times) -> assertThat(times).isEqualTo(1));
  }

  @Test
  void onlyItemsRejectedWith429AreSentAgain() throws Exception {
    Map<String, Integer> attempts = new ConcurrentHashMap<>();
    dispatch(request -> bulkAnswer(bodyOf(request), id -> {
      int attempt = attempts.merge(id, 1, Integer::sum);
      return id.endsWith("3") && attempt < 3 ? 429 : 201;
    }));

    List<BulkItemResult> results = await(connect(config()).bulk(null, docs(40)));

    assertThat(results).allSatisfy(result -> assertThat(result.isSuccess()).isTrue());
    assertThat(results.get(3).attempts()).isEqualTo(3);
    assertThat(results.get(4).attempts()).isEqualTo(1);
    assertThat(attempts).allSatisfy((id, times) -> assertThat(times).isEqualTo(id.endsWith("3") ? 3 : 1));
    assertThat(bodies).hasSize(3);
    assertThat(bodies.get(1).split("\n")).hasSize(8);
  }

  @Test
  void itemsStillRejectedAfterTheLastAttemptKeepTheir429() throws Exception {
    dispatch(request -> bulkAnswer(bodyOf(request), id -> id.equals("p0") ? 429 : 201));

    List<BulkItemResult> results = await(connect(config()).bulk(null, docs(3)));

    assertThat(results.get(0).status()).isEqualTo(429);
    assertThat(results.get(0).attempts()).isEqualTo(4);
    assertThat(results.get(0).errorType()).isEqualTo("es_rejected_execution_exception");
  }

  @Test
  void resetsAreRetriedForBulksWithIdsOnly() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    dispatch(request -> calls.incrementAndGet() == 1
        ? new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build()
        : bulkAnswer(bodyOf(request), id -> 201));
    assertThat(await(connect(config()).bulk(null, docs(5)))).hasSize(5);
    assertThat(calls.get()).isEqualTo(2);

    calls.set(0);
    List<BulkAction> autoIds = List.of(BulkAction.index("patients", null, "{\"a\":1}"));
    assertThrows(ExecutionException.class, () -> await(search.bulk(null, autoIds)));
    assertThat(calls.get()).isEqualTo(1);

    for (BulkAction notReplayable : List.of(BulkAction.create("patients", "p1", "{\"a\":1}"),
        BulkAction.delete("patients", "p1"))) {
      calls.set(0);
      assertThrows(ExecutionException.class, () -> await(search.bulk(null, List.of(docs(1).get(0), notReplayable))),
          notReplayable.type() + " answers 409 or 404 when sent again: its bulk is not re-sent after a reset");
      assertThat(calls.get()).as(notReplayable.type().toString()).isEqualTo(1);
    }
  }

  @Test
  void chunksAboveMaxBulkBytesAreSplit() throws Exception {
    dispatch(request -> bulkAnswer(bodyOf(request), id -> 201));

    List<BulkItemResult> results = await(connect(config().maxBulkBytes(2048)).bulk(null, docs(100)));

    assertThat(results).extracting(BulkItemResult::id).containsExactlyElementsOf(docs(100).stream().map(BulkAction::id).toList());
    assertThat(bodies.size()).isGreaterThan(1);
    assertThat(bodies).allSatisfy(body -> assertThat(body.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(2048));
  }

  @Test
  void badDocumentsAndRefusedRequestsAreNamed() throws Exception {
    dispatch(request -> json(400, "{\"error\":{\"type\":\"illegal_argument_exception\",\"reason\":\"bad index name\"},\"status\":400}"));
    OpenSearchConnector connector = connect(config());

    Throwable bad = assertThrows(ExecutionException.class,
        () -> await(connector.bulk(null, List.of(BulkAction.index("i", "1", "{}"), BulkAction.index("i", "2", "{oops"))))).getCause();
    Throwable refused = assertThrows(ExecutionException.class, () -> await(connector.bulk(null, docs(1)))).getCause();

    assertThat(bad).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("document of bulk item 1 is not valid JSON");
    assertThat(refused).isInstanceOf(OpenSearchException.class)
        .hasMessage("OpenSearch answered HTTP 400 to POST /_bulk: illegal_argument_exception: bad index name");
    assertThat(bodies).hasSize(1);
  }

  @Test
  void mgetAndScrollReadDocuments() throws Exception {
    AtomicInteger pages = new AtomicInteger();
    dispatch(request -> {
      String path = request.getUrl().encodedPath();
      if (path.endsWith("/_mget")) {
        return json(200, "{\"docs\":[{\"_id\":\"a\",\"found\":true,\"_source\":{\"v\":1}},{\"_id\":\"b\",\"found\":false}]}");
      }
      if (request.getMethod().equals("DELETE")) {
        return json(200, "{\"succeeded\":true}");
      }
      int page = pages.incrementAndGet();
      String hits = page > 3 ? "" : "{\"_id\":\"" + page + "a\"},{\"_id\":\"" + page + "b\"}";
      return json(200, "{\"_scroll_id\":\"s" + page + "\",\"hits\":{\"hits\":[" + hits + "]}}");
    });
    OpenSearchConnector connector = connect(config().basicAuth("reader", Secret.of("s3cr3t-pw")));

    List<Optional<JsonNode>> found = await(connector.mget(null, "patients", List.of("a", "b")));
    List<String> ids = new ArrayList<>();
    long total = await(connector.scroll(null, "patients", "{\"query\":{\"match_all\":{}}}", 2, 100,
        page -> page.forEach(hit -> ids.add(hit.get("_id").asText()))));

    assertThat(found.get(0)).get().extracting(source -> source.get("v").asInt()).isEqualTo(1);
    assertThat(found.get(1)).isEmpty();
    assertThat(total).isEqualTo(6);
    assertThat(ids).containsExactly("1a", "1b", "2a", "2b", "3a", "3b");
    RecordedRequest mget = server.takeRequest();
    assertThat(mget.getHeaders().get("Authorization"))
        .isEqualTo("Basic " + Base64.getEncoder().encodeToString("reader:s3cr3t-pw".getBytes(StandardCharsets.UTF_8)));
    assertThat(server.takeRequest().getTarget()).isEqualTo("/patients/_search?scroll=1m");
    assertThat(bodies.get(1)).contains("\"size\":2");
    assertThat(connector.toString() + connector.config()).doesNotContain("s3cr3t-pw");
  }

  @Test
  void invalidConfigurationNamesTheOption() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> OpenSearchConfig.builder("localhost:9200").build())
        .hasMessageContaining("hosts must be http(s) URLs");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> OpenSearchConfig.builder("http://h:9200").refresh("sometimes").build())
        .hasMessageContaining("refresh");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> OpenSearchConfig.builder("http://h:9200").maxBulkBytes(10).build())
        .hasMessageContaining("maxBulkBytes");
  }
}
