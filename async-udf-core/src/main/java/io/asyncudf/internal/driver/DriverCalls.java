package io.asyncudf.internal.driver;

import io.asyncudf.DriverCallbackException;
import java.io.Serializable;
import java.util.concurrent.CompletableFuture;

/** How a chunk attempt reaches the driver callback of its UDF. */
@FunctionalInterface
public interface DriverCalls {

  /** For UDFs without a callback: every call fails, saying how to configure one. */
  static DriverCalls none(String udf) {
    return new DriverCalls() {
      @Override
      public <Q extends Serializable, R extends Serializable> CompletableFuture<R> call(Q request) {
        return CompletableFuture.failedFuture(new DriverCallbackException("(none)",
            "callDriver needs a driver callback, and " + udf + " has none: set one with .callback(DriverCallback)"));
      }
    };
  }

  <Q extends Serializable, R extends Serializable> CompletableFuture<R> call(Q request);
}
