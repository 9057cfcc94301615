package io.asyncudf;

/** Finds the one {@link SparkAdapter}, by name, at first use; a failed load is reported on every use. */
final class SparkAdapters {

  private static final String IMPLEMENTATION = "io.asyncudf.internal.spark.ClassicSparkAdapter";
  private static volatile SparkAdapter adapter;

  private SparkAdapters() {}

  /**
   * @throws IllegalStateException if the adapter is not on the class path (module async-udf missing), naming it
   */
  static SparkAdapter get() {
    SparkAdapter loaded = adapter;
    if (loaded == null) {
      synchronized (SparkAdapters.class) {
        loaded = adapter;
        if (loaded == null) {
          loaded = load();
          adapter = loaded;
        }
      }
    }
    return loaded;
  }

  private static SparkAdapter load() {
    try {
      return (SparkAdapter) Class.forName(IMPLEMENTATION, true, SparkAdapter.class.getClassLoader())
          .getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | LinkageError e) {
      throw new IllegalStateException("cannot load the Spark adapter " + IMPLEMENTATION + " (module async-udf, in "
          + "the -all jar too): this class path has async-udf-core without it: " + e, e);
    }
  }
}
