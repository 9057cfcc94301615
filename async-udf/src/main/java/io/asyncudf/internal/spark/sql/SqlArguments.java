package io.asyncudf.internal.spark.sql;

import io.asyncudf.internal.spark.catalyst.Plans;
import io.asyncudf.internal.spark.catalyst.SparkInternals;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.catalyst.expressions.CreateNamedStruct;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.util.MapData;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.NullType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** The arguments of a SQL function call as its builder sees them at analysis: resolved, typed, maybe literal. */
public final class SqlArguments {

  private final List<Expression> arguments;

  SqlArguments(List<Expression> arguments) {
    this.arguments = List.copyOf(arguments);
  }

  public int size() {
    return arguments.size();
  }

  /** Every argument as a column. */
  public Column[] columns() {
    return arguments.stream().map(SparkInternals::column).toArray(Column[]::new);
  }

  /** The argument's SQL text, for error messages. */
  public String sql(int index) {
    return arguments.get(index).sql();
  }

  /** The value of a string literal argument, or null when the argument is no non-null string literal. */
  public String stringLiteral(int index) {
    Expression argument = arguments.get(index);
    if (!argument.foldable() || !argument.dataType().sameType(DataTypes.StringType)) {
      return null;
    }
    Object value = argument.eval(null);
    return value == null ? null : value.toString();
  }

  /** The entries of a literal map with string keys (values as strings), or null when the argument is no such literal. */
  public Map<String, String> mapLiteral(int index) {
    Expression argument = arguments.get(index);
    if (!argument.foldable() || !(argument.dataType() instanceof MapType map)
        || !map.keyType().sameType(DataTypes.StringType)) {
      return null;
    }
    MapData data = (MapData) argument.eval(null);
    Map<String, String> entries = new HashMap<>();
    for (int i = 0; data != null && i < data.numElements(); i++) {
      Object value = data.valueArray().get(i, map.valueType());
      entries.put(data.keyArray().get(i, DataTypes.StringType).toString(), value == null ? null : value.toString());
    }
    return entries;
  }

  /**
   * A struct of {@code fields} from the arguments starting at {@code from} (the first field) up to
   * {@code until} (exclusive); fields without an argument, and {@code NULL} arguments, are typed nulls.
   *
   * @throws IllegalArgumentException naming {@code function}, the field, and both types, when an
   *     argument is of another type than its field
   */
  public Column struct(String function, StructType fields, int from, int until) {
    List<Expression> namesAndValues = new ArrayList<>();
    for (int i = 0; i < fields.size(); i++) {
      StructField field = fields.fields()[i];
      namesAndValues.add(Literal.create(field.name(), DataTypes.StringType));
      namesAndValues.add(from + i < until ? typed(function, field, arguments.get(from + i))
          : Literal.create(null, field.dataType()));
    }
    return SparkInternals.column(new CreateNamedStruct(Plans.seq(namesAndValues)));
  }

  private static Expression typed(String function, StructField field, Expression argument) {
    DataType type = argument.dataType();
    if (type instanceof NullType) {
      return Literal.create(null, field.dataType());
    }
    if (!type.sameType(field.dataType())) {
      throw new IllegalArgumentException(function + ": argument " + field.name() + " must be "
          + field.dataType().simpleString() + ", got " + argument.sql() + " of type " + type.simpleString());
    }
    return argument;
  }
}
