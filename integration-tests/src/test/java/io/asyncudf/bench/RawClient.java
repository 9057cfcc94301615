package io.asyncudf.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.asynchttpclient.AsyncHttpClient;
import org.asynchttpclient.Dsl;

/**
 * The reference the connector is measured against: one plain AsyncHttpClient per JVM (keep-alive,
 * AHC's retries off), no rate limit, in-flight cap, retries, scope or thread hop of ours.
 */
final class RawClient {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static AsyncHttpClient client;

  private RawClient() {}

  static synchronized AsyncHttpClient shared(int maxConnections) {
    if (client == null) {
      client = Dsl.asyncHttpClient(Dsl.config().setMaxConnections(maxConnections).setMaxConnectionsPerHost(maxConnections)
          .setKeepAlive(true).setMaxRequestRetry(0));
    }
    return client;
  }

  /** Closes the client, if one was made, so the bench JVM can exit (its threads are not daemons). */
  static synchronized void close() throws IOException {
    if (client != null) {
      client.close();
      client = null;
    }
  }

  static double score(byte[] body) {
    try {
      return JSON.readTree(body).get("score").asDouble();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
