package io.asyncudf.internal.spark.sql;

import io.asyncudf.ChunkContext;
import io.asyncudf.RowFailure;
import io.asyncudf.internal.spark.CatalystChunkFunction;
import io.asyncudf.internal.spark.SensitiveValues;
import java.io.Serializable;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.util.ArrayBasedMapData;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.catalyst.util.MapData;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The Catalyst side of {@code async_http_request}: reads each row's {@link #INPUT} struct into a
 * {@link Request}, has the {@link Sender} send it, and makes its answer the {@link #OUTPUT} struct,
 * all as Spark's internal rows, so that neither side is converted to and from a {@code Row} per row.
 */
public final class HttpRequestRows implements CatalystChunkFunction {

  public static final StructType INPUT = new StructType()
      .add("method", DataTypes.StringType)
      .add("path", DataTypes.StringType)
      .add("headers", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType))
      .add("params", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType))
      .add("body", DataTypes.StringType);

  public static final StructType OUTPUT = new StructType()
      .add("status_code", DataTypes.IntegerType)
      .add("text", DataTypes.StringType)
      .add("headers", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType));

  /**
   * One request: {@code target} is the path followed by the query its {@code params} make, in the map's order;
   * {@code contentType} is the {@code Content-Type} header's value ({@code application/json} when none is given),
   * the other headers with a value are in {@code headers}, in the map's order; {@code body} is the body string's
   * UTF-8 bytes, null without a body.
   */
  public record Request(String method, String target, List<Map.Entry<String, String>> headers, String contentType,
      byte[] body) {

    /**
     * The method, the target with its secret-looking parameter values masked, and the header names: header
     * values and the body may carry secrets.
     */
    @Override
    public String toString() {
      return method + " " + SensitiveValues.maskedText(target) + " headers=" + headers.stream().map(Map.Entry::getKey).toList()
          + (body == null ? "" : " body=" + body.length + " bytes");
    }
  }

  /** One answer: {@code headers} by lower-case name, each with its values in order; null when none are kept. */
  public record Answer(int status, String text, Map<String, List<String>> headers) {

    /** The status and the header names: header values and the text may carry secrets. */
    @Override
    public String toString() {
      return status + (headers == null ? "" : " headers=" + headers.keySet()) + " text=" + (text == null ? 0 : text.length()) + " chars";
    }
  }

  /** Sends one request of a chunk; a request that gets no answer fails its future with that row's error. */
  @FunctionalInterface
  public interface Sender extends Serializable {
    CompletableFuture<Answer> send(ChunkContext<Serializable> context, Request request);
  }

  private final Sender sender;

  public HttpRequestRows(Sender sender) {
    this.sender = sender;
  }

  @Override
  public CompletionStage<List<InternalRow>> apply(ChunkContext<Serializable> context, List<InternalRow> inputs) {
    List<CompletableFuture<InternalRow>> rows = new ArrayList<>(inputs.size());
    for (InternalRow input : inputs) {
      try {
        rows.add(sender.send(context, request(input)).thenApply(HttpRequestRows::row));
      } catch (RuntimeException e) {
        rows.add(CompletableFuture.failedFuture(e)); // a null method or path, a malformed URL: this row's error
      }
    }
    return RowFailure.settled(rows);
  }

  private static Request request(InternalRow input) {
    if (input.isNullAt(0) || input.isNullAt(1)) {
      throw new IllegalArgumentException("async_http_request: method and path must not be null");
    }
    String path = input.getUTF8String(1).toString();
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    String contentType = "application/json";
    if (!input.isNullAt(2)) {
      MapData map = input.getMap(2);
      for (int i = 0; i < map.numElements(); i++) {
        String name = map.keyArray().getUTF8String(i).toString();
        String value = map.valueArray().isNullAt(i) ? null : map.valueArray().getUTF8String(i).toString();
        if (value == null) {
          continue; // a header without a value is not sent, a Content-Type without one leaves the default
        }
        if (name.equalsIgnoreCase("Content-Type")) {
          contentType = value;
        } else {
          headers.add(Map.entry(name, value));
        }
      }
    }
    return new Request(input.getUTF8String(0).toString(), path + query(path, input), headers, contentType,
        input.isNullAt(4) ? null : input.getUTF8String(4).getBytes());
  }

  private static String query(String path, InternalRow input) {
    if (input.isNullAt(3) || input.getMap(3).numElements() == 0) {
      return "";
    }
    MapData params = input.getMap(3);
    StringJoiner query = new StringJoiner("&", path.contains("?") ? "&" : "?", "");
    for (int i = 0; i < params.numElements(); i++) {
      query.add(encode(params.keyArray().getUTF8String(i).toString()) + (params.valueArray().isNullAt(i) ? ""
          : "=" + encode(params.valueArray().getUTF8String(i).toString())));
    }
    return query.toString();
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static InternalRow row(Answer answer) {
    ArrayBasedMapData headers = null;
    if (answer.headers() != null) {
      Object[] names = new Object[answer.headers().size()];
      Object[] values = new Object[names.length];
      int i = 0;
      for (Map.Entry<String, List<String>> header : answer.headers().entrySet()) {
        names[i] = UTF8String.fromString(header.getKey());
        values[i++] = UTF8String.fromString(String.join(", ", header.getValue()));
      }
      headers = new ArrayBasedMapData(new GenericArrayData(names), new GenericArrayData(values));
    }
    return new GenericInternalRow(new Object[] {answer.status(), UTF8String.fromString(answer.text()), headers});
  }
}
