package io.asyncudf.sql;

import io.asyncudf.ColumnUdf;
import io.asyncudf.RetryPolicy;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * How a SQL function's calls run: the session keys {@code spark.asyncudf.sql.<option>}, overridden
 * per call by the function's options map. Options: {@code maxChunkSize} (rows per chunk, default 64),
 * {@code maxConcurrentChunks} (chunks in flight per task, default 8), {@code timeout} (per chunk
 * attempt, default 5m), {@code chunkAttempts} (attempts of a failed chunk, default 1: the connectors
 * retry requests themselves), {@code journal} (a path where answers are kept and found again: see
 * docs/journal.md) and, for {@code fhir_search}, {@code maxResources} and {@code maxPages}.
 */
final class QueryOptions {

  static final String PREFIX = "spark.asyncudf.sql.";
  private static final Set<String> KNOWN = sorted(Set.of("maxChunkSize", "maxConcurrentChunks", "timeout", "chunkAttempts",
      "maxResources", "maxPages", "journal"));

  private static Set<String> sorted(Set<String> options) {
    return java.util.Collections.unmodifiableSortedSet(new TreeSet<>(options));
  }

  private final String function;
  private final Map<String, String> values;
  /** The options whose value came from the session's {@code spark.asyncudf.sql.<option>}, not the options map. */
  private final Set<String> fromSession;

  private QueryOptions(String function, Map<String, String> values, Set<String> fromSession) {
    this.function = function;
    this.values = values;
    this.fromSession = fromSession;
  }

  /**
   * @throws IllegalArgumentException for an unknown option, in the options map or as a session key, naming it
   *     and the function
   */
  static QueryOptions of(String function, Map<String, String> conf, Map<String, String> perCall) {
    Map<String, String> values = new HashMap<>();
    conf.forEach((key, value) -> {
      if (key.startsWith(PREFIX)) {
        String option = key.substring(PREFIX.length());
        if (!KNOWN.contains(option)) {
          throw new IllegalArgumentException(function + ": the session key " + key + " is not an option of the SQL "
              + "functions; options are " + KNOWN);
        }
        values.put(option, value);
      }
    });
    for (String key : perCall.keySet()) {
      if (!KNOWN.contains(key)) {
        throw new IllegalArgumentException(function + ": unknown option '" + key + "'; options are "
            + KNOWN);
      }
    }
    Set<String> fromSession = new HashSet<>(values.keySet());
    fromSession.removeAll(perCall.keySet());
    values.putAll(perCall);
    return new QueryOptions(function, values, fromSession);
  }

  /**
   * {@code udf} with these options; a journal goes to the subdirectory {@code <function>.<connection>} of the
   * path given, so calls of different functions or connections never answer each other (the key is the
   * call's input only), even with one {@code spark.asyncudf.sql.journal} for the session.
   */
  <I, O> ColumnUdf<I, O, java.io.Serializable> applyTo(ColumnUdf<I, O, java.io.Serializable> udf, String connection) {
    int maxChunkSize = integer("maxChunkSize", 64);
    int maxConcurrentChunks = integer("maxConcurrentChunks", 8);
    Duration timeout = duration("timeout", Duration.ofMinutes(5));
    ColumnUdf<I, O, java.io.Serializable> configured = udf;
    try {
      configured = configured.maxChunkSize(maxChunkSize);
      configured = configured.maxConcurrentChunks(maxConcurrentChunks);
      configured = configured.timeout(timeout);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(function + ": " + e.getMessage() + describeSources(), e);
    }
    int attempts = integer("chunkAttempts", 1);
    String journal = values.get("journal");
    if (journal != null && !journal.isBlank()) {
      String directory = (function + "." + connection).replaceAll("[^A-Za-z0-9_.-]", "_");
      String base = journal.trim();
      configured = configured.journal(base + (base.endsWith("/") ? "" : "/") + directory);
    }
    return attempts > 1 ? configured.retry(RetryPolicy.attempts(attempts)) : configured;
  }

  int integer(String option, int otherwise) {
    String value = values.get(option);
    if (value == null) {
      return otherwise;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(function + ": " + name(option) + " must be a whole number, was '" + value + "'");
    }
  }

  private Duration duration(String option, Duration otherwise) {
    String value = values.get(option);
    if (value == null) {
      return otherwise;
    }
    try {
      return Durations.parse(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(function + ": " + name(option) + " " + e.getMessage());
    }
  }

  /** {@code option maxChunkSize}, or {@code option maxChunkSize (the session key spark.asyncudf.sql.maxChunkSize)}. */
  private String name(String option) {
    return "option " + option + (fromSession.contains(option) ? " (the session key " + PREFIX + option + ")" : "");
  }

  /** The chunk options whose values came from session keys, for a message about one of their values. */
  private String describeSources() {
    Set<String> session = new TreeSet<>(fromSession);
    session.retainAll(Set.of("maxChunkSize", "maxConcurrentChunks", "timeout"));
    return session.isEmpty() ? "" : " (set in the session: " + session.stream().map(o -> PREFIX + o).toList() + ")";
  }
}
