package io.asyncudf.sql;

import io.asyncudf.AsyncChunkFunction;
import io.asyncudf.AsyncFunctionFactory;
import io.asyncudf.AsyncUdf;
import io.asyncudf.ColumnUdf;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.spark.sql.Encoders;

/** A function registered from conf: upper-cases its input and appends the configured suffix. */
public final class ShoutFactory implements AsyncFunctionFactory {

  @Override
  public ColumnUdf<?, ?, ?> create(String name, Map<String, String> options) {
    String suffix = options.getOrDefault("suffix", "");
    return AsyncUdf.scalarToScalar(Encoders.STRING(), Encoders.STRING(),
        AsyncChunkFunction.perRow((ctx, text) -> CompletableFuture.completedFuture(text.toUpperCase() + suffix)));
  }
}
