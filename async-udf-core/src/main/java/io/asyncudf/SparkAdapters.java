package io.asyncudf;

/** Finds the one {@link SparkAdapter}, by name, at first use. */
final class SparkAdapters {

  private static final String IMPLEMENTATION = "io.asyncudf.internal.spark.ClassicSparkAdapter";

  private SparkAdapters() {}

  static SparkAdapter get() {
    return Holder.ADAPTER;
  }

  private static final class Holder {
    static final SparkAdapter ADAPTER = load();

    private static SparkAdapter load() {
      try {
        return (SparkAdapter) Class.forName(IMPLEMENTATION, true, SparkAdapter.class.getClassLoader())
            .getDeclaredConstructor().newInstance();
      } catch (ReflectiveOperationException | LinkageError e) {
        throw new IllegalStateException("cannot load the Spark adapter " + IMPLEMENTATION
            + ": the library's jar is incomplete on this class path: " + e, e);
      }
    }
  }
}
