package io.asyncudf.internal.spark.rpc;

import io.asyncudf.internal.driver.DriverLink;
import io.asyncudf.internal.driver.DriverService;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkEnv;
import org.apache.spark.rpc.IsolatedRpcEndpoint;
import org.apache.spark.rpc.RpcCallContext;
import org.apache.spark.rpc.RpcEndpoint;
import org.apache.spark.rpc.RpcEndpointRef;
import org.apache.spark.rpc.RpcEnv;
import org.apache.spark.rpc.RpcTimeout;
import org.apache.spark.util.RpcUtils;
import scala.PartialFunction;
import scala.concurrent.duration.FiniteDuration;
import scala.jdk.javaapi.FutureConverters;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractPartialFunction;
import scala.runtime.BoxedUnit;

/**
 * The driver channel's transport: an endpoint on the driver's Spark {@code RpcEnv} that hands byte
 * messages to the {@link DriverService}, and the executors' way to it through {@code SparkEnv}. It
 * opens no port of its own, so {@code spark.authenticate} and {@code spark.network.crypto.enabled}
 * cover it. One endpoint per {@code SparkContext}, set up when the first UDF needs it.
 */
public final class DriverEndpoint implements IsolatedRpcEndpoint {

  static final String NAME = "asyncudf-driver-channel";
  private static final Map<RpcEnv, DriverService> SERVICES = new WeakHashMap<>();
  private static final Map<RpcEnv, RpcEndpointRef> REFS = new WeakHashMap<>();

  private final RpcEnv rpcEnv;
  private final DriverService service;

  private DriverEndpoint(RpcEnv rpcEnv, DriverService service) {
    RpcEndpoint.$init$(this);
    this.rpcEnv = rpcEnv;
    this.service = service;
  }

  /**
   * The driver service of {@code context}, its endpoint set up on first use.
   *
   * @throws IllegalStateException when called off the driver, or before the context has an environment
   */
  static DriverService service(SparkContext context) {
    SparkEnv env = SparkEnv.get();
    if (env == null || context.isStopped()) {
      throw new IllegalStateException("the async-udf driver channel needs a running SparkContext on the driver");
    }
    synchronized (SERVICES) {
      DriverService service = SERVICES.get(env.rpcEnv());
      if (service == null) {
        // the service is a value of a weak map keyed by the RpcEnv: it must not hold the context strongly
        java.lang.ref.WeakReference<SparkContext> weakContext = new java.lang.ref.WeakReference<>(context);
        service = new DriverService((stageId, reason) -> {
          SparkContext live = weakContext.get();
          if (live != null && !live.isStopped()) {
            live.cancelStage(stageId, reason);
          }
        });
        RpcEndpointRef ref = env.rpcEnv().setupEndpoint(NAME, new DriverEndpoint(env.rpcEnv(), service));
        SERVICES.put(env.rpcEnv(), service);
        context.addSparkListener(new FailedAttempts(service));
        synchronized (REFS) {
          REFS.put(env.rpcEnv(), ref);
        }
      }
      return service;
    }
  }

  /**
   * Tells the service of every task attempt Spark saw fail (lost with its executor, killed, failed), from
   * the listener bus: progress runs stop waiting for attempts that can no longer report. A successful
   * attempt is not told: it always sends its end event. Holds the service only, not the context.
   */
  private static final class FailedAttempts extends org.apache.spark.scheduler.SparkListener {
    private final DriverService service;

    FailedAttempts(DriverService service) {
      this.service = service;
    }

    @Override
    public void onTaskEnd(org.apache.spark.scheduler.SparkListenerTaskEnd taskEnd) {
      if (!(taskEnd.reason() instanceof org.apache.spark.Success$)) {
        service.attemptFailed(taskEnd.taskInfo().taskId());
      }
    }
  }

  /** The driver services of this JVM's live contexts. */
  static java.util.List<DriverService> services() {
    synchronized (SERVICES) {
      return java.util.List.copyOf(SERVICES.values());
    }
  }

  /** The way from this JVM (an executor, or the driver in local mode) to the driver's endpoint. */
  public static DriverLink link() {
    return (message, timeout) -> {
      RpcEndpointRef ref;
      try {
        ref = driverRef();
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
      FiniteDuration limit = new FiniteDuration(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return FutureConverters.asJava(ref.<byte[]>ask(message, new RpcTimeout(limit, "asyncudf.driverChannel.timeout"),
          ClassTag$.MODULE$.apply(byte[].class))).toCompletableFuture();
    };
  }

  private static RpcEndpointRef driverRef() {
    SparkEnv env = SparkEnv.get();
    if (env == null) {
      throw new IllegalStateException("the async-udf driver channel is only reachable inside a Spark task or driver"
          + " (no SparkEnv in this JVM)");
    }
    synchronized (REFS) {
      RpcEndpointRef ref = REFS.get(env.rpcEnv());
      if (ref == null) {
        try {
          ref = RpcUtils.makeDriverRef(NAME, env.conf(), env.rpcEnv());
        } catch (RuntimeException e) {
          throw new IllegalStateException("the async-udf driver channel is not running on the driver (" + e.getMessage()
              + "): it starts when an async UDF is applied there, or call AsyncUdf.installDriverChannel(spark) on the"
              + " driver before a job that uses clusterRequestsPerSecond from a plain Spark UDF", e);
        }
        REFS.put(env.rpcEnv(), ref);
      }
      return ref;
    }
  }

  @Override
  public RpcEnv rpcEnv() {
    return rpcEnv;
  }

  /** The context's RpcEnv is shutting down: forget it, so a stopped context leaves nothing behind. */
  @Override
  public void onStop() {
    synchronized (SERVICES) {
      SERVICES.remove(rpcEnv);
    }
    synchronized (REFS) {
      REFS.remove(rpcEnv);
    }
    service.close();
  }

  @Override
  public int threadCount() {
    return 1;
  }

  @Override
  public PartialFunction<Object, BoxedUnit> receiveAndReply(RpcCallContext context) {
    return new AbstractPartialFunction<>() {
      @Override
      public boolean isDefinedAt(Object message) {
        return message instanceof byte[];
      }

      @Override
      public <A1, B1> B1 applyOrElse(A1 message, scala.Function1<A1, B1> otherwise) {
        if (!(message instanceof byte[] bytes)) {
          return otherwise.apply(message);
        }
        CompletableFuture<byte[]> answer;
        try {
          answer = service.handle(bytes);
        } catch (RuntimeException e) {
          answer = CompletableFuture.failedFuture(e);
        }
        answer.whenComplete((reply, failure) -> {
          if (failure == null) {
            context.reply(reply);
          } else {
            context.sendFailure(failure);
          }
        });
        @SuppressWarnings("unchecked")
        B1 unit = (B1) BoxedUnit.UNIT;
        return unit;
      }
    };
  }
}
