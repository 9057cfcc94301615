package io.asyncudf.example;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A standalone Spark cluster the way users run one: a Master and a Worker (two cores, so two
 * one-core executors), each its own JVM on a Spark installation's jars, and {@code spark-submit} in
 * client mode with the packaged job and {@code --jars} the shaded jar. Every process is stopped by
 * PID on {@link #close()}.
 */
final class StandaloneCluster implements AutoCloseable {

  private static final Duration START_UP = Duration.ofMinutes(2);
  private static final Pattern MASTER_URL = Pattern.compile("Starting Spark master at (spark://\\S+)");
  private static final Pattern REGISTERED = Pattern.compile("Successfully registered with master");

  private final SparkInstallation spark;
  private final Path logs;
  private final Path workerDir;
  private final Map<String, String> environment;
  private final JvmProcess master;
  private final JvmProcess worker;
  private final String masterUrl;

  private StandaloneCluster(SparkInstallation spark, Path work) throws Exception {
    this.spark = spark;
    this.logs = Files.createDirectories(work.resolve("logs"));
    this.workerDir = Files.createDirectories(work.resolve("worker"));
    this.environment = Map.of("SPARK_HOME", spark.home().toString(), "SPARK_SCALA_VERSION", "2.13",
        "SPARK_LOCAL_IP", "127.0.0.1");
    this.master = JvmProcess.start("master", logs, environment, spark.classpath(),
        "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", "0", "--webui-port", "0");
    JvmProcess started = null;
    try {
      masterUrl = master.awaitLog(MASTER_URL, START_UP);
      started = JvmProcess.start("worker", logs, environment, spark.classpath(),
          "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores", "2", "--memory", "1g",
          "--webui-port", "0", "--work-dir", workerDir.toString(), masterUrl);
      started.awaitLog(REGISTERED, START_UP);
    } catch (Exception | Error e) {
      if (started != null) {
        started.close();
      }
      master.close();
      throw e;
    }
    this.worker = started;
  }

  /** Starts a Master and a Worker of installation {@code runtime} under {@code work}. */
  static StandaloneCluster start(String runtime, Path work) throws Exception {
    return new StandaloneCluster(SparkInstallation.create(runtime, work.resolve("spark-home")), work);
  }

  SparkInstallation installation() {
    return spark;
  }

  Path workerDir() {
    return workerDir;
  }

  JvmProcess worker() {
    return worker;
  }

  /** Runs {@code mainClass} of the example jar with the shaded jar, one core and 512 MiB per executor. */
  JvmProcess submit(String mainClass, List<String> conf, String... jobArguments) throws Exception {
    List<String> command = new ArrayList<>(List.of("--master", masterUrl,
        "--deploy-mode", "client", "--class", mainClass,
        "--jars", ShadedJarSmokeTest.codeSource(io.asyncudf.AsyncUdf.class),
        "--conf", "spark.executor.cores=1", "--conf", "spark.executor.memory=512m",
        "--conf", "spark.ui.enabled=false", "--conf", "spark.driver.host=127.0.0.1",
        "--conf", "spark.executor.extraJavaOptions=" + System.getProperty("asyncudf.testJvmArgs", "")));
    for (String setting : conf) {
      command.add("--conf");
      command.add(setting);
    }
    command.add(System.getProperty("asyncudf.exampleJar"));
    command.addAll(List.of(jobArguments));
    return JvmProcess.start("spark-submit", logs, environment, spark.classpath(), "org.apache.spark.deploy.SparkSubmit",
        command.toArray(String[]::new));
  }

  @Override
  public void close() {
    try {
      worker.close();
    } finally {
      master.close();
    }
  }
}
