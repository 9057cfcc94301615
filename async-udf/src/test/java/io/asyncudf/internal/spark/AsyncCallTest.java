package io.asyncudf.internal.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncudf.AsyncChunkFunction;
import io.asyncudf.AsyncUdf;
import io.asyncudf.AsyncUdfListener;
import io.asyncudf.ColumnUdf;
import io.asyncudf.DataFrameUdf;
import io.asyncudf.DriverCallback;
import io.asyncudf.RetryPolicy;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class AsyncCallTest {

  private static final AsyncChunkFunction<String, String, Serializable> ECHO =
      (context, inputs) -> CompletableFuture.completedFuture(List.copyOf(inputs));

  /** Not serializable, as a driver callback holding driver state need not be. */
  private static final class DriverState implements DriverCallback<String, String> {
    @Override
    public String handle(String request) {
      return request;
    }
  }

  @Test
  void theCallsOfOneUdfAreEqualSoSparkReusesWhatOneOfThemComputed() {
    ColumnUdf<String, String, Serializable> udf = AsyncUdf.scalarToScalar(ECHO, DataTypes.StringType)
        .retry(RetryPolicy.attempts(3)).errorColumn("error").callback(new DriverState())
        .driverListener(new AsyncUdfListener() {}).progress(true);

    assertThat(AsyncCall.of(udf)).isEqualTo(AsyncCall.of(udf)).hasSameHashCodeAs(AsyncCall.of(udf));
    assertThat(AsyncCall.of(udf)).isNotEqualTo(AsyncCall.of(udf.callback(new DriverState())));

    DataFrameUdf<Serializable> rows = AsyncUdf.<Serializable>dataFrame(
        (context, inputs) -> CompletableFuture.completedFuture(List.copyOf(inputs)), new StructType().add("id", "long"));
    assertThat(RowsCall.of(rows)).isEqualTo(RowsCall.of(rows));
  }

  @Test
  void aUdfSerializesWithoutItsDriverParts() throws Exception {
    ColumnUdf<String, String, Serializable> udf = AsyncUdf.scalarToScalar(ECHO, DataTypes.StringType)
        .maxChunkSize(7).callback(new DriverState()).driverListener(new AsyncUdfListener() {}).progress(true);

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(udf);
    }
    ColumnUdf<?, ?, ?> copy;
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (ColumnUdf<?, ?, ?>) in.readObject();
    }

    assertThat(copy.options().maxChunkSize()).isEqualTo(7);
    assertThat(copy.options().progress()).isTrue();
    assertThat(copy.options().callback()).as("the callback runs on the driver only").isNull();
    assertThat(copy.options().driverListener()).isNull();
  }
}
