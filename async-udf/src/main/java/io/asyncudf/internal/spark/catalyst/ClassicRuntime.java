package io.asyncudf.internal.spark.catalyst;

import org.apache.spark.sql.SparkSession;

/**
 * Checks, before any class that touches Spark's internals loads, that a call runs on a classic
 * Spark session: under Spark Connect the Java helpers cannot send a function from the client, and
 * the error says which route works there. Uses nothing but Spark's public session API.
 */
public final class ClassicRuntime {

  static final String CONNECT_ROUTE = "under Spark Connect, Java functions cannot be sent from the client: "
      + "register the UDF on the server (spark.sql.extensions=io.asyncudf.sql.AsyncUdfExtensions and "
      + "spark.asyncudf.functions.<name>.factory=<an AsyncFunctionFactory>) and call it from SQL or with "
      + "functions.call_function(\"<name>\", ...), or use the built-in SQL functions such as async_http_request";

  private ClassicRuntime() {}

  /**
   * @throws UnsupportedOperationException if {@code session} is not a classic session
   */
  public static void require(SparkSession session) {
    if (!isClassic(session.getClass())) {
      throw new UnsupportedOperationException(session.getClass().getName() + " is a Spark Connect session; "
          + CONNECT_ROUTE);
    }
  }

  /**
   * For building a {@code Column}: the classic implementation must be on the class path, and the active
   * session, if any, must be classic.
   *
   * @throws UnsupportedOperationException otherwise
   */
  public static void requireForColumns() {
    try {
      Class.forName("org.apache.spark.sql.classic.SparkSession", false, ClassicRuntime.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      throw new UnsupportedOperationException("this JVM has no classic Spark (a Spark Connect client); " + CONNECT_ROUTE);
    }
    SparkSession.getActiveSession().foreach(session -> {
      require(session);
      return null;
    });
  }

  private static boolean isClassic(Class<?> type) {
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      if (c.getName().equals("org.apache.spark.sql.classic.SparkSession")) {
        return true;
      }
    }
    return false;
  }
}
