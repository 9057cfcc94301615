package io.asyncudf.sql;

import java.time.Duration;
import org.apache.spark.network.util.JavaUtils;

/** Durations as connection keys and SQL options give them: with a unit, as Spark's conf does ({@code 500ms}, {@code 30s}). */
final class Durations {

  private Durations() {}

  /**
   * @throws IllegalArgumentException saying what is wrong with {@code value}, for the caller to prefix with the key:
   *     a bare number (Spark would read it as milliseconds) or no duration at all
   */
  static Duration parse(String value) {
    if (value.trim().matches("\\d+")) {
      throw new IllegalArgumentException("needs a unit, such as 30s or 500ms, was '" + value
          + "' (a bare number would be read as milliseconds)");
    }
    try {
      return Duration.ofMillis(JavaUtils.timeStringAsMs(value));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("must be a duration like 500ms or 30s, was '" + value + "'");
    }
  }
}
