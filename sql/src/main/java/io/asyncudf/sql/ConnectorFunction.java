package io.asyncudf.sql;

import io.asyncudf.AsyncChunkFunction;
import io.asyncudf.AsyncUdf;
import io.asyncudf.ColumnUdf;
import io.asyncudf.bridge.FhirChunkFunctions;
import io.asyncudf.bridge.OpenSearchChunkFunctions;
import io.asyncudf.fhir.SearchLimits;
import io.asyncudf.internal.spark.sql.HttpRequestRows;
import io.asyncudf.internal.spark.sql.SqlArguments;
import io.asyncudf.internal.spark.sql.SqlFunctions;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * One built-in SQL function over a named connection: {@code name(conn, <inputs> [, options])}. At
 * analysis it reads the connection and the options from the session's conf, checks the arguments and
 * becomes an async call of a column helper whose input is the struct of its inputs and whose result
 * is the function's output struct with an {@code error} field.
 */
final class ConnectorFunction {

  static final List<ConnectorFunction> ALL = List.of(
      new ConnectorFunction("async_http_request", HttpRequestRows.INPUT, 2, HttpRequestRows.OUTPUT,
          (connection, options) -> HttpRequestFunction.over(connection.http()).asRowFunction(),
          "async_http_request(conn, method, path [, headers, params, body [, options]]) - sends one HTTP request per "
              + "row over connection conn; returns struct<status_code, text, headers, error>."),
      new ConnectorFunction("fhir_read", new StructType().add("type", DataTypes.StringType)
          .add("id", DataTypes.StringType), 2, FhirChunkFunctions.READ_RESULT,
          (connection, options) -> FhirChunkFunctions.read(connection.http()),
          "fhir_read(conn, type, id [, options]) - reads a FHIR resource; returns struct<status, resource, error>."),
      new ConnectorFunction("fhir_search", new StructType().add("type", DataTypes.StringType)
          .add("query", DataTypes.StringType), 2, FhirChunkFunctions.SEARCH_EACH_RESULT,
          (connection, options) -> FhirChunkFunctions.searchEach(connection.http(), new SearchLimits(
              options.integer("maxPages", SearchLimits.defaults().maxPages()),
              options.integer("maxResources", 1000))),
          "fhir_search(conn, type, query [, options]) - searches FHIR resources, following next links up to "
              + "maxResources (1000); returns struct<resources array<string>, error>."),
      new ConnectorFunction("opensearch_get", new StructType().add("index", DataTypes.StringType)
          .add("id", DataTypes.StringType), 2, OpenSearchChunkFunctions.GET_RESULT,
          (connection, options) -> OpenSearchChunkFunctions.get(connection.openSearch()),
          "opensearch_get(conn, index, id [, options]) - looks an OpenSearch document up by id (one _mget per chunk "
              + "and index); returns struct<found, source, error>."));

  /** The Spark conf the session started with: the cluster's, which session users cannot change. */
  private static Map<String, String> clusterConf(Map<String, String> otherwise) {
    org.apache.spark.SparkEnv env = org.apache.spark.SparkEnv.get();
    if (env == null) {
      return otherwise;
    }
    Map<String, String> conf = new java.util.HashMap<>();
    for (scala.Tuple2<String, String> entry : env.conf().getAll()) {
      conf.put(entry._1(), entry._2());
    }
    return conf;
  }

  private final String name;
  private final StructType input;
  private final int requiredInputs;
  private final StructType output;
  private final BiFunction<Connection, QueryOptions, AsyncChunkFunction<Row, Row, Serializable>> function;
  private final String usage;

  private ConnectorFunction(String name, StructType input, int requiredInputs, StructType output,
      BiFunction<Connection, QueryOptions, AsyncChunkFunction<Row, Row, Serializable>> function, String usage) {
    this.name = name;
    this.input = input;
    this.requiredInputs = requiredInputs;
    this.output = output;
    this.function = function;
    this.usage = usage;
  }

  String name() {
    return name;
  }

  String usage() {
    return usage;
  }

  /**
   * The async call for these SQL arguments.
   *
   * @throws IllegalArgumentException for a wrong number or type of arguments, a connection that is not
   *     a string literal or is not defined, or an unknown option
   */
  Column build(SqlArguments arguments) {
    int inputs = arguments.size() - 1;
    boolean hasOptions = inputs == input.size() + 1;
    if (inputs < requiredInputs || inputs > input.size() + 1) {
      throw new IllegalArgumentException(usage + " Got " + arguments.size() + " arguments.");
    }
    String connectionName = arguments.stringLiteral(0);
    if (connectionName == null) {
      throw new IllegalArgumentException(name + ": the first argument must be a connection name as a string literal, "
          + "got " + arguments.sql(0));
    }
    Map<String, String> perCall = Map.of();
    if (hasOptions) {
      perCall = arguments.mapLiteral(arguments.size() - 1);
      if (perCall == null) {
        throw new IllegalArgumentException(name + ": the last argument must be an options map literal such as "
            + "map('maxChunkSize', '32'), got " + arguments.sql(arguments.size() - 1));
      }
    }
    Map<String, String> conf = SqlFunctions.sessionConf();
    Connection connection = Connection.named(connectionName, conf, clusterConf(conf), System::getenv);
    QueryOptions options = QueryOptions.of(name, conf, perCall);
    ColumnUdf<Row, Row, Serializable> udf = options.applyTo(AsyncUdf.structToStruct(function.apply(connection, options), output),
            connectionName)
        .errorColumn("error")
        .named(name);
    return udf.apply(arguments.struct(name, input, 1, hasOptions ? arguments.size() - 1 : arguments.size()));
  }
}
