package io.asyncudf.sql;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/** The test session: the extension from conf, a function from a factory, an event log to read back. */
final class SqlSpark {

  static final Path EVENT_LOG = Path.of("target", "event-log").toAbsolutePath();
  static final String VAULT_PASSWORD = "hunter2-not-for-logs";

  /** The service of connection {@code vault}, whose credentials are in the Spark conf: it echoes the Authorization header. */
  static final mockwebserver3.MockWebServer VAULT = new mockwebserver3.MockWebServer();

  private SqlSpark() {}

  static SparkSession session() {
    return Holder.SESSION;
  }

  private static final class Holder {
    static final SparkSession SESSION = create();

    private static SparkSession create() {
      try {
        Files.createDirectories(EVENT_LOG);
        VAULT.setDispatcher(new mockwebserver3.Dispatcher() {
          @Override
          public mockwebserver3.MockResponse dispatch(mockwebserver3.RecordedRequest request) {
            return new mockwebserver3.MockResponse.Builder().code(200)
                .body("auth=" + request.getHeaders().get("Authorization")).build();
          }
        });
        VAULT.start(0);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      return SparkSession.builder()
          .master("local[2]")
          .appName("async-udf-sql-tests")
          .config("spark.ui.enabled", "false")
          .config("spark.sql.shuffle.partitions", "2")
          .config("spark.sql.session.timeZone", "UTC")
          .config("spark.sql.extensions", "io.asyncudf.sql.AsyncUdfExtensions")
          .config("spark.asyncudf.functions.shout.factory", ShoutFactory.class.getName())
          .config("spark.asyncudf.functions.shout.suffix", "!")
          .config("spark.asyncudf.connection.vault.url", VAULT.url("/").toString())
          .config("spark.asyncudf.connection.vault.auth.user", "reader")
          .config("spark.asyncudf.connection.vault.auth.password", VAULT_PASSWORD)
          .config("spark.eventLog.enabled", "true")
          .config("spark.eventLog.dir", EVENT_LOG.toUri().toString())
          .config("spark.eventLog.compress", "false")
          .config("spark.eventLog.rolling.enabled", "false")
          .getOrCreate();
    }
  }
}
