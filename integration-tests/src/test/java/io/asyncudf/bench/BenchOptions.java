package io.asyncudf.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** The bench command line; every option has a default, so no arguments run everything. */
record BenchOptions(Set<String> scenarios, long latencyMillis, long rows, long naiveRows, List<Integer> windows,
    long batchRows, long overheadRows, List<Long> memoryRows, long openSearchDocs, long fhirPatients, Path chart) {

  static final Set<String> ALL = Set.of("naive", "pool", "library", "batch", "overhead", "connector", "sql", "churn", "tail", "adaptive", "journal", "passes", "memory", "servers", "leases");

  static BenchOptions parse(String[] args) {
    Set<String> scenarios = ALL;
    long latency = 20;
    long rows = 40_000;
    long naiveRows = 1_000;
    List<Integer> windows = List.of(16, 64, 256, 1024);
    long batchRows = 200_000;
    long overheadRows = 200_000;
    List<Long> memoryRows = List.of(500_000L, 2_000_000L);
    long docs = 100_000;
    long patients = 10_000;
    Path chart = Path.of("target", "bench", "throughput.png");
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("missing value for " + name);
      }
      String value = args[++i];
      switch (name) {
        case "--only" -> {
          scenarios = Set.of(value.split(","));
          if (!ALL.containsAll(scenarios)) {
            throw new IllegalArgumentException("--only takes some of " + ALL + ", got " + value);
          }
        }
        case "--latency-ms" -> latency = Long.parseLong(value);
        case "--rows" -> rows = Long.parseLong(value);
        case "--naive-rows" -> naiveRows = Long.parseLong(value);
        case "--windows" -> windows = Arrays.stream(value.split(",")).map(Integer::valueOf).toList();
        case "--batch-rows" -> batchRows = Long.parseLong(value);
        case "--overhead-rows" -> overheadRows = Long.parseLong(value);
        case "--memory-rows" -> memoryRows = Arrays.stream(value.split(",")).map(Long::valueOf).toList();
        case "--opensearch-docs" -> docs = Long.parseLong(value);
        case "--fhir-patients" -> patients = Long.parseLong(value);
        case "--chart" -> chart = Path.of(value);
        default -> throw new IllegalArgumentException("unknown option " + name + "; known: --only --latency-ms --rows"
            + " --naive-rows --windows --batch-rows --overhead-rows --memory-rows --opensearch-docs --fhir-patients --chart");
      }
    }
    if (latency <= 0) {
      throw new IllegalArgumentException("--latency-ms must be positive (Little's law needs a latency), got " + latency);
    }
    return new BenchOptions(scenarios, latency, rows, naiveRows, windows, batchRows, overheadRows, memoryRows, docs,
        patients, chart);
  }

  boolean runs(String scenario) {
    return scenarios.contains(scenario);
  }
}
