package io.asyncudf.bench;

/**
 * One scenario's numbers. {@code window} is rows in flight per task (total for scenarios without
 * Spark); {@code idealRowsPerSecond} is NaN where Little's law gives no bound (no latency).
 */
record BenchResult(String scenario, long rows, int window, long latencyMillis, double seconds,
    double idealRowsPerSecond, int peakInFlight, double meanInFlight, long peakHeapMb, double cpuMicrosPerRow) {

  double rowsPerSecond() {
    return rows / seconds;
  }

  double efficiency() {
    return rowsPerSecond() / idealRowsPerSecond;
  }

  BenchResult named(String name) {
    return new BenchResult(name, rows, window, latencyMillis, seconds, idealRowsPerSecond, peakInFlight, meanInFlight,
        peakHeapMb, cpuMicrosPerRow);
  }

  static String header() {
    return String.format("%-46s %9s %6s %7s %8s %10s %10s %6s %9s %9s %9s %8s", "scenario", "rows", "window",
        "lat ms", "seconds", "rows/s", "ideal", "eff", "peak srv", "mean srv", "heap MiB", "cpu µs");
  }

  String line() {
    return String.format("%-46s %9d %6d %7d %8.2f %10.0f %10s %6s %9s %9s %9d %8s", scenario, rows, window,
        latencyMillis, seconds, rowsPerSecond(),
        Double.isNaN(idealRowsPerSecond) ? "-" : String.format("%.0f", idealRowsPerSecond),
        Double.isNaN(idealRowsPerSecond) ? "-" : String.format("%.2f", efficiency()),
        peakInFlight < 0 ? "-" : Integer.toString(peakInFlight), meanServed(), peakHeapMb, cpu());
  }

  String markdownRow() {
    return String.format("| %s | %,d | %d | %d | %.2f | %,.0f | %s | %s | %s | %s | %d | %s |", scenario, rows,
        window, latencyMillis, seconds, rowsPerSecond(),
        Double.isNaN(idealRowsPerSecond) ? "-" : String.format("%,.0f", idealRowsPerSecond),
        Double.isNaN(idealRowsPerSecond) ? "-" : String.format("%.2f", efficiency()),
        peakInFlight < 0 ? "-" : Integer.toString(peakInFlight), meanServed(), peakHeapMb, cpu());
  }

  private String meanServed() {
    return Double.isNaN(meanInFlight) ? "-" : String.format("%.0f", meanInFlight);
  }

  private String cpu() {
    return Double.isNaN(cpuMicrosPerRow) ? "-" : String.format("%.1f", cpuMicrosPerRow);
  }
}
