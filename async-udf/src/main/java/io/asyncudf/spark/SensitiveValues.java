package io.asyncudf.spark;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Masks the values of credentials in a failed row's input before it is written as
 * {@code input_json}: struct fields and map entries, at any depth, whose name is a credential header
 * or parameter (Authorization, Proxy-Authorization, Cookie, Set-Cookie, X-Api-Key, Api-Key, Access-Key,
 * X-Auth-Token, Auth, Passwd, Pwd) or contains "password", "secret", "token", "credential", "signature"
 * or "api-key", compared case-insensitively with {@code _} read as {@code -}. The value becomes
 * {@value #MASK}; names stay, so the row still shows which header was sent.
 */
final class SensitiveValues {

  static final String MASK = "****";

  private static final Set<String> NAMES = Set.of("authorization", "proxy-authorization", "cookie", "set-cookie",
      "x-api-key", "api-key", "apikey", "access-key", "x-auth-token", "auth", "passwd", "pwd");
  private static final String[] PARTS = {"password", "secret", "token", "credential", "signature", "api-key"};

  private SensitiveValues() {}

  static boolean sensitive(String name) {
    if (name == null) {
      return false;
    }
    String lower = name.toLowerCase(Locale.ROOT).replace('_', '-');
    if (NAMES.contains(lower)) {
      return true;
    }
    for (String part : PARTS) {
      if (lower.contains(part)) {
        return true;
      }
    }
    return false;
  }

  /** {@code value} (a {@code Row}, Scala map or sequence, or a plain value) with sensitive values masked. */
  static Object masked(Object value) {
    if (value instanceof Row row) {
      return maskedRow(row);
    }
    if (value instanceof scala.collection.Map<?, ?> map) {
      Map<Object, Object> copy = new LinkedHashMap<>();
      CollectionConverters.asJava(map).forEach((key, entry) ->
          copy.put(key, key instanceof String name && sensitive(name) && entry != null ? MASK : masked(entry)));
      return scala.collection.immutable.Map.from(CollectionConverters.asScala(copy));
    }
    if (value instanceof scala.collection.Seq<?> seq) {
      return seq.map(SensitiveValues::masked);
    }
    return value;
  }

  private static Row maskedRow(Row row) {
    StructType schema = row.schema();
    Object[] values = new Object[row.length()];
    for (int i = 0; i < values.length; i++) {
      Object value = row.get(i);
      String name = schema == null ? null : schema.fields()[i].name();
      values[i] = sensitive(name) && value != null ? MASK : masked(value);
    }
    return new GenericRowWithSchema(values, schemaWithMaskedFieldsAsStrings(schema, values));
  }

  /** The masked fields hold a string now; {@code Row.json} renders by the schema's types. */
  private static StructType schemaWithMaskedFieldsAsStrings(StructType schema, Object[] values) {
    if (schema == null) {
      return null;
    }
    StructType result = new StructType();
    for (int i = 0; i < values.length; i++) {
      var field = schema.fields()[i];
      boolean maskedHere = sensitive(field.name()) && MASK.equals(values[i]);
      result = result.add(field.name(), maskedHere ? org.apache.spark.sql.types.DataTypes.StringType : field.dataType(),
          true);
    }
    return result;
  }
}
