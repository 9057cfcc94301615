package io.asyncudf;

import org.apache.spark.sql.SparkSession;

/** The local SparkSession shared by this module's Spark tests: local[2], UI off. */
public final class LocalSpark {

  private LocalSpark() {}

  public static SparkSession session() {
    return Holder.SESSION;
  }

  private static final class Holder {
    static final SparkSession SESSION = SparkSession.builder()
        .master("local[2]")
        .appName("async-udf-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate();
  }
}
