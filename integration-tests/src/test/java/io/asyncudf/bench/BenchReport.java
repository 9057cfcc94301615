package io.asyncudf.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The bench's output: one table (plain and Markdown) and a chart of rows/s against the window. */
final class BenchReport {

  static final String LIBRARY_AT_ZERO = "overhead: library, 0 ms";
  static final String RAW = "overhead: raw AsyncHttpClient loop, no Spark";
  static final String ENGINE_RAW = "connector cost: engine + raw AsyncHttpClient";
  static final String ENGINE_CONNECTOR = "connector cost: engine + HttpConnector";
  static final String ENGINE_CONNECTOR_DIRECT = "connector cost: engine + HttpConnector.sendDirect";
  static final String RAW_LOOP = "connector cost: raw AsyncHttpClient loop";
  static final String SQL_FUNCTION = "sql: async_http_request + get_json_object";
  static final String SQL_FUNCTION_FROM_JSON = "sql: async_http_request + from_json";
  static final String SQL_JAVA = "sql: Java helper, same connector";
  static final String SQL_JAVA_GET_JSON = "sql: Java helper text + get_json_object";
  static final String SQL_RAW = "sql: raw AsyncHttpClient loop";
  static final String SPARK_ALONE = "spark: the same action, no call";
  static final String KEEP_ALIVE = "churn: Java helper, server keeps connections";
  static final String CHURN = "churn: Java helper, server closes after 1-8 answers";
  static final String ADAPTIVE = "adaptive: maxInFlight=adaptive";
  static final String UNIFORM = "tail: Java helper, every answer in 20 ms";
  static final String SLOW_TAIL = "tail: Java helper, 1 answer in 100 in 200 ms";
  static final String JOURNAL_NONE = "journal: Java helper, no journal";
  static final String JOURNAL_EMPTY = "journal: empty journal (all called)";
  static final String JOURNAL_HITS = "journal: all answers journaled";
  static final String JOURNAL_BIG = "journal: all hits, 10M-key journal";
  static String passes(int calls) {
    return "passes: " + calls + " instant call" + (calls == 1 ? "" : "s") + " per row";
  }

  static final String BEST_STATIC = "adaptive: best static maxInFlight (= capacity)";

  private final List<BenchResult> results;
  private final BenchOptions options;

  BenchReport(List<BenchResult> results, BenchOptions options) {
    this.results = List.copyOf(results);
    this.options = options;
  }

  void print(PrintStream out) {
    out.println();
    out.printf("spark-async-udf bench: local[%d], %d partitions, %d cores, %d MiB max heap, Java %s%n", Benchmark.TASKS,
        Benchmark.PARTITIONS, Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20,
        System.getProperty("java.version"));
    out.println(BenchResult.header());
    results.forEach(result -> out.println(result.line()));
    ratio(LIBRARY_AT_ZERO, RAW).ifPresent(ratio ->
        out.printf("overhead: library / raw client rows/s = %.2f%n", ratio));
    ratio(ENGINE_CONNECTOR, ENGINE_RAW).ifPresent(ratio -> out.printf(
        "connector cost: engine + HttpConnector / engine + raw client rows/s = %.2f (target >= 0.95), CPU per row %.2f"
            + " (target <= 1.10; %s)%n", ratio, cpuRatio(ENGINE_CONNECTOR, ENGINE_RAW),
        withoutJit(ENGINE_CONNECTOR, ENGINE_RAW)));
    ratio(ENGINE_CONNECTOR, RAW_LOOP).ifPresent(ratio -> out.printf(
        "connector cost: engine + HttpConnector / raw loop rows/s = %.2f (target >= 0.90)%n", ratio));
    ratio(ENGINE_CONNECTOR_DIRECT, ENGINE_RAW).ifPresent(ratio -> out.printf(
        "connector cost: engine + HttpConnector.sendDirect (no hop to a callback thread, like the raw client) / engine"
            + " + raw client rows/s = %.2f, CPU per row %.2f (%s); / raw loop %.2f%n",
        ratio, cpuRatio(ENGINE_CONNECTOR_DIRECT, ENGINE_RAW), withoutJit(ENGINE_CONNECTOR_DIRECT, ENGINE_RAW),
        ratio(ENGINE_CONNECTOR_DIRECT, RAW_LOOP).orElse(Double.NaN)));
    ratio(SQL_FUNCTION, SQL_JAVA).ifPresent(ratio -> out.printf(
        "sql: async_http_request + get_json_object / Java helper rows/s = %.2f (target >= 0.95), CPU per row %.2f"
            + " (target <= 1.10; %s); / raw loop %.2f (target >= 0.90)%n",
        ratio, cpuRatio(SQL_FUNCTION, SQL_JAVA), withoutJit(SQL_FUNCTION, SQL_JAVA),
        ratio(SQL_FUNCTION, SQL_RAW).orElse(Double.NaN)));
    ratio(SQL_FUNCTION, SQL_JAVA_GET_JSON).ifPresent(ratio -> out.printf(
        "sql: async_http_request + get_json_object / Java helper text + the same get_json_object rows/s = %.2f, CPU per"
            + " row %.2f (%s)%n", ratio, cpuRatio(SQL_FUNCTION, SQL_JAVA_GET_JSON), withoutJit(SQL_FUNCTION, SQL_JAVA_GET_JSON)));
    ratio(SQL_JAVA_GET_JSON, SQL_JAVA).ifPresent(ratio -> out.printf(
        "sql: Java helper text + get_json_object / Java helper parsing with Jackson rows/s = %.2f, CPU per row %.2f (%s)%n",
        ratio, cpuRatio(SQL_JAVA_GET_JSON, SQL_JAVA), withoutJit(SQL_JAVA_GET_JSON, SQL_JAVA)));
    double spark = median(SPARK_ALONE, BenchResult::seconds);
    double rawLoop = median(RAW_LOOP, BenchResult::seconds);
    if (Double.isNaN(rawLoop)) {
      rawLoop = median(SQL_RAW, BenchResult::seconds);
    }
    if (!Double.isNaN(spark) && !Double.isNaN(rawLoop)) {
      out.printf("spark: the same action without calls takes %.0f ms (Spark's fixed cost per action: planning, two jobs"
          + " under adaptive execution); a Spark route that kept the raw loop's pace would reach %.2f of it%n",
          spark * 1000, rawLoop / (rawLoop + spark));
    }
    ratio(SQL_FUNCTION_FROM_JSON, SQL_JAVA).ifPresent(ratio -> out.printf(
        "sql: async_http_request + from_json / Java helper rows/s = %.2f, CPU per row %.2f%n",
        ratio, cpuRatio(SQL_FUNCTION_FROM_JSON, SQL_JAVA)));
    ratio(CHURN, KEEP_ALIVE).ifPresent(ratio -> out.printf(
        "churn: closing after 1-8 answers / keeping connections rows/s = %.2f (target >= 0.80)%n", ratio));
    ratio(SLOW_TAIL, UNIFORM).ifPresent(ratio -> out.printf(
        "tail: 1 answer in 100 ten times slower / every answer on time rows/s = %.2f%n", ratio));
    ratio(JOURNAL_EMPTY, JOURNAL_NONE).ifPresent(ratio -> out.printf(
        "journal: journaling every answer / no journal rows/s = %.2f, CPU per row %.2f%n", ratio,
        cpuRatio(JOURNAL_EMPTY, JOURNAL_NONE)));
    ratio(JOURNAL_HITS, JOURNAL_NONE).ifPresent(ratio -> out.printf(
        "journal: all answers from the journal / calling them rows/s = %.2f%n", ratio));
    double noCall = median(passes(0), BenchResult::workCpuMicrosPerRow);
    double oneCall = median(passes(1), BenchResult::workCpuMicrosPerRow);
    double twoCalls = median(passes(2), BenchResult::workCpuMicrosPerRow);
    if (!Double.isNaN(twoCalls)) {
      out.printf("passes: CPU per row without the JIT compiler's threads: the operator of one call with instant answers"
          + " %.2f µs, a second operator %.2f µs more%n", oneCall - noCall, twoCalls - oneCall);
    }
    ratio(ADAPTIVE, BEST_STATIC).ifPresent(ratio -> out.printf(
        "adaptive: adaptive limit / best static limit rows/s = %.2f (target >= 0.90)%n", ratio));
    results.stream().filter(result -> result.scenario().startsWith(RAW)).findFirst().ifPresent(raw -> results.stream()
        .filter(result -> !Double.isNaN(result.idealRowsPerSecond()) && !result.scenario().contains("dataFrame"))
        .forEach(result -> out.printf("%-46s window %5d: efficiency %.2f against min(Little's law, raw client's %,.0f rows/s)%n",
            result.scenario(), result.window(),
            result.rowsPerSecond() / Math.min(result.idealRowsPerSecond(), raw.rowsPerSecond()), raw.rowsPerSecond())));
    out.println();
    out.println("| scenario | rows | window | latency ms | seconds | rows/s | ideal rows/s | efficiency | peak in flight at server | mean in flight at server | peak heap MiB | CPU µs/row | of it JIT µs/row |");
    out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    results.forEach(result -> out.println(result.markdownRow()));
  }

  private double cpuRatio(String library, String raw) {
    return median(library, BenchResult::cpuMicrosPerRow) / median(raw, BenchResult::cpuMicrosPerRow);
  }

  /** The CPU ratio without the JIT compiler's threads, as text, or why it is unknown. */
  private String withoutJit(String library, String raw) {
    double ratio = median(library, BenchResult::workCpuMicrosPerRow) / median(raw, BenchResult::workCpuMicrosPerRow);
    return Double.isNaN(ratio) ? "JIT not measured" : String.format("without the JIT compiler's threads %.2f", ratio);
  }

  /** The ratio of the scenarios' median rows/s (a scenario may run several times, interleaved with the other). */
  private Optional<Double> ratio(String library, String raw) {
    double a = median(library, BenchResult::rowsPerSecond);
    double b = median(raw, BenchResult::rowsPerSecond);
    return Double.isNaN(a) || Double.isNaN(b) ? Optional.empty() : Optional.of(a / b);
  }

  private double median(String scenario, java.util.function.ToDoubleFunction<BenchResult> value) {
    double[] values = results.stream().filter(result -> result.scenario().equals(scenario)).mapToDouble(value).sorted()
        .toArray();
    return values.length == 0 ? Double.NaN : values[values.length / 2];
  }

  /** Rows/s against rows in flight per task for the library, the thread pool and the naive UDF, with the ideal. */
  void writeChart(Path file) throws IOException {
    Map<Integer, Double> library = series(result -> result.scenario().startsWith("library: scalarToScalar"));
    Map<Integer, Double> pool = series(result -> result.scenario().startsWith("thread pool"));
    Map<Integer, Double> naive = series(result -> result.scenario().startsWith("naive UDF"));
    if (library.isEmpty() && pool.isEmpty()) {
      return;
    }
    XYChart chart = new XYChartBuilder().width(800).height(500)
        .title("rows/s vs rows in flight per task (local[2], " + options.latencyMillis() + " ms service latency)")
        .xAxisTitle("rows in flight per task").yAxisTitle("rows/s").build();
    chart.getStyler().setXAxisLogarithmic(true).setYAxisLogarithmic(true).setLegendPosition(LegendPosition.InsideNW);
    TreeMap<Integer, Double> ideal = new TreeMap<>();
    for (int window : options.windows()) {
      ideal.put(window, Benchmark.TASKS * window * 1000.0 / options.latencyMillis());
    }
    ideal.put(1, Benchmark.TASKS * 1000.0 / options.latencyMillis());
    add(chart, "ideal (Little's law)", ideal).setMarker(SeriesMarkers.NONE);
    add(chart, "spark-async-udf", library);
    add(chart, "thread pool + sliding window", pool);
    add(chart, "naive UDF", naive);
    results.stream().filter(result -> result.scenario().startsWith(RAW)).findFirst().ifPresent(raw -> {
      TreeMap<Integer, Double> capacity = new TreeMap<>();
      ideal.keySet().forEach(window -> capacity.put(window, raw.rowsPerSecond()));
      add(chart, "this machine's ceiling (raw client, 0 ms)", capacity).setMarker(SeriesMarkers.NONE);
    });
    Files.createDirectories(file.toAbsolutePath().getParent());
    BitmapEncoder.saveBitmap(chart, file.toString(), BitmapFormat.PNG);
    System.out.println("chart: " + file.toAbsolutePath());
  }

  private static XYSeries add(XYChart chart, String name, Map<Integer, Double> points) {
    if (points.isEmpty()) {
      return null;
    }
    return chart.addSeries(name, points.keySet().stream().map(Integer::doubleValue).toList(),
        List.copyOf(points.values()));
  }

  private Map<Integer, Double> series(Predicate<BenchResult> scenario) {
    TreeMap<Integer, Double> points = new TreeMap<>();
    results.stream().filter(scenario).forEach(result -> points.put(result.window(), result.rowsPerSecond()));
    return points;
  }
}
