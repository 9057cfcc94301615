package io.asyncudf.bench;

/**
 * One scenario's numbers. {@code window} is rows in flight per task (total for scenarios without
 * Spark); {@code idealRowsPerSecond} is NaN where Little's law gives no bound (no latency).
 * {@code cpuMicrosPerRow} is the whole process's CPU; {@code jitMicrosPerRow} the part of it the JIT
 * compiler's threads used (NaN where not measured), which a short run pays and a long job does not.
 */
record BenchResult(String scenario, long rows, int window, long latencyMillis, double seconds,
    double idealRowsPerSecond, int peakInFlight, double meanInFlight, long peakHeapMb, double cpuMicrosPerRow,
    double jitMicrosPerRow) {

  BenchResult(String scenario, long rows, int window, long latencyMillis, double seconds, double idealRowsPerSecond,
      int peakInFlight, double meanInFlight, long peakHeapMb, double cpuMicrosPerRow) {
    this(scenario, rows, window, latencyMillis, seconds, idealRowsPerSecond, peakInFlight, meanInFlight, peakHeapMb,
        cpuMicrosPerRow, Double.NaN);
  }

  double rowsPerSecond() {
    return rows / seconds;
  }

  /** CPU per row without the JIT compiler's: the per-row cost of a job that runs long enough to be compiled. */
  double workCpuMicrosPerRow() {
    return cpuMicrosPerRow - jitMicrosPerRow;
  }

  double efficiency() {
    return rowsPerSecond() / idealRowsPerSecond;
  }

  BenchResult named(String name) {
    return new BenchResult(name, rows, window, latencyMillis, seconds, idealRowsPerSecond, peakInFlight, meanInFlight,
        peakHeapMb, cpuMicrosPerRow, jitMicrosPerRow);
  }

  static String header() {
    return String.format("%-46s %9s %6s %7s %8s %10s %10s %6s %9s %9s %9s %8s %7s", "scenario", "rows", "window",
        "lat ms", "seconds", "rows/s", "ideal", "eff", "peak srv", "mean srv", "heap MiB", "cpu µs", "jit µs");
  }

  String line() {
    return String.format("%-46s %9d %6d %7d %8.2f %10.0f %10s %6s %9s %9s %9d %8s %7s", scenario, rows, window,
        latencyMillis, seconds, rowsPerSecond(),
        Double.isNaN(idealRowsPerSecond) ? "-" : String.format("%.0f", idealRowsPerSecond),
        Double.isNaN(idealRowsPerSecond) ? "-" : String.format("%.2f", efficiency()),
        peakInFlight < 0 ? "-" : Integer.toString(peakInFlight), meanServed(), peakHeapMb, cpu(), jit());
  }

  String markdownRow() {
    return String.format("| %s | %,d | %d | %d | %.2f | %,.0f | %s | %s | %s | %s | %d | %s | %s |", scenario, rows,
        window, latencyMillis, seconds, rowsPerSecond(),
        Double.isNaN(idealRowsPerSecond) ? "-" : String.format("%,.0f", idealRowsPerSecond),
        Double.isNaN(idealRowsPerSecond) ? "-" : String.format("%.2f", efficiency()),
        peakInFlight < 0 ? "-" : Integer.toString(peakInFlight), meanServed(), peakHeapMb, cpu(), jit());
  }

  private String meanServed() {
    return Double.isNaN(meanInFlight) ? "-" : String.format("%.0f", meanInFlight);
  }

  private String jit() {
    return Double.isNaN(jitMicrosPerRow) ? "-" : String.format("%.1f", jitMicrosPerRow);
  }

  private String cpu() {
    return Double.isNaN(cpuMicrosPerRow) ? "-" : String.format("%.1f", cpuMicrosPerRow);
  }
}
