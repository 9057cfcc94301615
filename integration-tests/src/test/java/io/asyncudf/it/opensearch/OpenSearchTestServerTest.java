package io.asyncudf.it.opensearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Drives {@link OpenSearchTestServer} over plain HTTP with the JDK client, and checks it stops cleanly. */
class OpenSearchTestServerTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static OpenSearchTestServer server;

  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void startServer() {
    server = OpenSearchTestServer.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @Test
  void indexesWithAnExplicitMappingAndCounts() throws Exception {
    Response created = send("PUT", "/people", """
        {"settings": {"number_of_shards": 1, "number_of_replicas": 0},
         "mappings": {"dynamic": "strict", "properties": {
           "name": {"type": "text"}, "city": {"type": "keyword"}, "age": {"type": "integer"}}}}""",
        "application/json");
    assertThat(created.status()).isEqualTo(200);
    assertThat(created.body().path("acknowledged").asBoolean()).isTrue();

    Response bulk = send("POST", "/people/_bulk?refresh=true", """
        {"index": {"_id": "1"}}
        {"name": "Ada Lovelace", "city": "London", "age": 36}
        {"index": {"_id": "2"}}
        {"name": "Alan Turing", "city": "London", "age": 41}
        {"index": {"_id": "3"}}
        {"name": "Grace Hopper", "city": "New York", "age": 85}
        """, "application/x-ndjson");
    assertThat(bulk.status()).isEqualTo(200);
    assertThat(bulk.body().path("errors").asBoolean(true)).isFalse();
    assertThat(bulk.body().path("items")).hasSize(3);

    assertThat(send("GET", "/people/_count", null, null).body().path("count").asInt()).isEqualTo(3);
    Response inLondon = send("POST", "/people/_count", """
        {"query": {"term": {"city": "London"}}}""", "application/json");
    assertThat(inLondon.body().path("count").asInt()).isEqualTo(2);
    assertThat(send("GET", "/people/_mapping", null, null).body().at("/people/mappings/properties/city/type").asText())
        .isEqualTo("keyword");
    Response unmapped = send("POST", "/people/_doc?refresh=true", """
        {"name": "Unknown", "shoeSize": 44}""", "application/json");
    assertThat(unmapped.status()).isEqualTo(400);
  }

  @Test
  void runsAsTheSystemUserUnderRootAndAsTheJvmsOwnUserOtherwise() {
    String expected = new UnixSystem().getUid() == 0
        ? ProcessOwner.SystemUser.NAME : System.getProperty("user.name");

    assertThat(server.process().info().user()).hasValue(expected);
    assertThat(server.baseUrl()).isEqualTo("http://127.0.0.1:" + server.port());
  }

  @Test
  void closeStopsTheWholeProcessTreeFreesThePortAndDeletesTheRunDirectory() throws Exception {
    OpenSearchTestServer another = OpenSearchTestServer.start();
    ProcessHandle process = another.process();
    List<ProcessHandle> tree;
    try {
      assertThat(another.port()).isNotEqualTo(server.port());
      assertThat(send("GET", another.baseUrl() + "/", null, null).body().at("/version/number").asText())
          .isEqualTo("2.19.6");
      tree = Stream.concat(Stream.of(process), process.descendants()).toList();
    } finally {
      another.close();
    }

    assertThat(tree).noneMatch(ProcessHandle::isAlive);
    assertThatThrownBy(() -> connect(another.port())).isInstanceOf(ConnectException.class);
    assertThat(another.runDirectory()).doesNotExist();
    assertThatCode(another::close).doesNotThrowAnyException();
  }

  private static void connect(int port) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
    }
  }

  private Response send(String method, String pathOrUrl, String body, String contentType)
      throws IOException, InterruptedException {
    String url = pathOrUrl.startsWith("http") ? pathOrUrl : server.baseUrl() + pathOrUrl;
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Response(response.statusCode(), JSON.readTree(response.body()));
  }

  private record Response(int status, JsonNode body) {}
}
