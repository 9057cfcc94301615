package io.asyncudf.example;

/** The example job's command line. */
record JobArguments(long rows, int partitions, int chunkSize, int concurrency, long latencyMillis, String service,
    String master, String output, int blockingSample) {

  static JobArguments parse(String[] args) {
    long rows = 20_000;
    int partitions = 2;
    int chunkSize = 100;
    int concurrency = 16;
    long latency = 20;
    String service = null;
    String master = System.getProperty("spark.master") == null ? "local[2]" : null;
    String output = null;
    int blockingSample = 300;
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("missing value for " + name);
      }
      String value = args[++i];
      switch (name) {
        case "--rows" -> rows = Long.parseLong(value);
        case "--partitions" -> partitions = Integer.parseInt(value);
        case "--chunk-size" -> chunkSize = Integer.parseInt(value);
        case "--concurrency" -> concurrency = Integer.parseInt(value);
        case "--latency-ms" -> latency = Long.parseLong(value);
        case "--service" -> service = value;
        case "--master" -> master = value;
        case "--output" -> output = value;
        case "--blocking-sample" -> blockingSample = Integer.parseInt(value);
        default -> throw new IllegalArgumentException("unknown option " + name
            + "; known: --rows --partitions --chunk-size --concurrency --latency-ms --service --master --output"
            + " --blocking-sample");
      }
    }
    return new JobArguments(rows, partitions, chunkSize, concurrency, latency, service, master, output,
        blockingSample);
  }
}
