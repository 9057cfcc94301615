package io.asyncudf.internal.spark;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Masks the values of credentials in a failed row's input before it is written as
 * {@code input_json}: struct fields and map entries, at any depth, whose name is a credential header
 * or parameter (Authorization, Proxy-Authorization, Cookie, Set-Cookie, X-Api-Key, Api-Key, Access-Key,
 * X-Auth-Token, Auth, Passwd, Pwd) or contains "password", "secret", "token", "credential", "signature"
 * or "api-key", compared case-insensitively with {@code _} read as {@code -}; and the names the session's
 * conf adds ({@link #fromConf}): every {@code secretHeader} of a connection, the names a connection lists
 * in {@code maskedHeaders}, and the names in {@value #MASKED_NAMES}. The value becomes {@value #MASK};
 * names stay, so the row still shows which header was sent. Inside every other string (a path, a body) the
 * values of such names are masked too where the text gives them as query, form or fragment parameters
 * ({@code ?access_token=…}, {@code &client_secret=…}, also {@code key} and {@code sig}) or as JSON members
 * ({@code "api_key": "…"}), and so is a URL's user info ({@code https://user:password@host}).
 */
public final class SensitiveValues implements java.io.Serializable {

  /** Comma-separated further names whose values are masked, for Java helpers as for SQL. */
  static final String MASKED_NAMES = "spark.asyncudf.maskedNames";
  private static final String CONNECTION = "spark.asyncudf.connection.";

  /** The built-in names only. */
  static final SensitiveValues BUILT_IN = new SensitiveValues(Set.of());

  static final String MASK = "****";

  private static final Set<String> NAMES = Set.of("authorization", "proxy-authorization", "cookie", "set-cookie",
      "x-api-key", "api-key", "apikey", "access-key", "x-auth-token", "auth", "passwd", "pwd");
  private static final String[] PARTS = {"password", "secret", "token", "credential", "signature", "api-key"};
  /** Further names that are secrets as query or form parameters: an API's {@code key}, a signed URL's {@code sig}. */
  private static final Set<String> PARAMETERS = Set.of("key", "sig");
  /** A parameter in a query, a form body or a URL's fragment; its value stops at quotes and commas too (inside JSON). */
  private static final Pattern PARAMETER = Pattern.compile("(^|[?&;#])([^=&#?;\\s\"',]++)=([^&#;\\s\"',]*+)");
  /** A JSON member with a string value; possessive and unrolled, so that long values neither backtrack nor recurse. */
  private static final Pattern JSON_MEMBER = Pattern.compile(
      "\"([^\"\\\\]*+(?:\\\\.[^\"\\\\]*+)*+)\"(\\s*+:\\s*+)\"[^\"\\\\]*+(?:\\\\.[^\"\\\\]*+)*+\"");
  private static final Pattern USER_INFO = Pattern.compile("(?<=://)[^/@?#\\s\"']++@");

  private final Set<String> extra;

  private SensitiveValues(Set<String> extra) {
    this.extra = extra.stream().map(SensitiveValues::normal).collect(java.util.stream.Collectors.toUnmodifiableSet());
  }

  /**
   * The built-in names and those {@code conf} adds: {@code spark.asyncudf.connection.<c>.secretHeader.<Name>}
   * (and {@code ...Env}), {@code spark.asyncudf.connection.<c>.maskedHeaders} and {@value #MASKED_NAMES}, both
   * comma-separated.
   */
  static SensitiveValues fromConf(Map<String, String> conf) {
    Set<String> names = new java.util.HashSet<>();
    conf.forEach((key, value) -> {
      if (key.equals(MASKED_NAMES) || (key.startsWith(CONNECTION) && key.endsWith(".maskedHeaders"))) {
        for (String name : value.split(",")) {
          if (!name.isBlank()) {
            names.add(name.trim());
          }
        }
      } else if (key.startsWith(CONNECTION) && key.contains(".secretHeader.")) {
        String header = key.substring(key.indexOf(".secretHeader.") + ".secretHeader.".length());
        names.add(header.endsWith("Env") ? header.substring(0, header.length() - 3) : header);
      }
    });
    return new SensitiveValues(names);
  }

  private static String normal(String name) {
    return name.toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Whether {@code name} is a built-in credential name (a header or parameter whose value is a secret). */
  public static boolean sensitive(String name) {
    return BUILT_IN.isSensitive(name);
  }

  boolean isSensitive(String name) {
    if (name == null) {
      return false;
    }
    String lower = normal(name);
    if (NAMES.contains(lower) || extra.contains(lower)) {
      return true;
    }
    for (String part : PARTS) {
      if (lower.contains(part)) {
        return true;
      }
    }
    return false;
  }

  /** {@code value} with the built-in names' values masked. */
  static Object masked(Object value) {
    return BUILT_IN.mask(value);
  }

  /**
   * {@code text} with the values of the built-in names masked where it gives them as query or form
   * parameters or as JSON string members: for a request target printed in a message.
   */
  public static String maskedText(String text) {
    return BUILT_IN.maskText(text);
  }

  String maskText(String text) {
    String masked = text.contains("://") ? USER_INFO.matcher(text).replaceAll(MASK + "@") : text;
    if (masked.indexOf('=') >= 0) {
      masked = replace(PARAMETER.matcher(masked), match -> isSensitive(match.group(2))
          || PARAMETERS.contains(normal(match.group(2))) ? match.group(1) + match.group(2) + "=" + MASK : match.group());
    }
    if (masked.indexOf('"') >= 0) {
      masked = replace(JSON_MEMBER.matcher(masked), match -> isSensitive(match.group(1))
          ? "\"" + match.group(1) + "\"" + match.group(2) + "\"" + MASK + "\"" : match.group());
    }
    return masked;
  }

  private static String replace(Matcher matcher, java.util.function.Function<Matcher, String> replacement) {
    StringBuilder result = new StringBuilder();
    while (matcher.find()) {
      matcher.appendReplacement(result, Matcher.quoteReplacement(replacement.apply(matcher)));
    }
    matcher.appendTail(result);
    return result.toString();
  }

  /** {@code value} (a {@code Row}, Scala map or sequence, or a plain value) with sensitive values masked. */
  Object mask(Object value) {
    if (value instanceof Row row) {
      return maskedRow(row);
    }
    if (value instanceof scala.collection.Map<?, ?> map) {
      Map<Object, Object> copy = new LinkedHashMap<>();
      CollectionConverters.asJava(map).forEach((key, entry) ->
          copy.put(key, key instanceof String name && isSensitive(name) && entry != null ? MASK : mask(entry)));
      return scala.collection.immutable.Map.from(CollectionConverters.asScala(copy));
    }
    if (value instanceof scala.collection.Seq<?> seq) {
      return seq.map(this::mask);
    }
    if (value instanceof String text) {
      return maskText(text);
    }
    return value;
  }

  private Row maskedRow(Row row) {
    StructType schema = row.schema();
    Object[] values = new Object[row.length()];
    for (int i = 0; i < values.length; i++) {
      Object value = row.get(i);
      String name = schema == null ? null : schema.fields()[i].name();
      values[i] = isSensitive(name) && value != null ? MASK : mask(value);
    }
    return new GenericRowWithSchema(values, schemaWithMaskedFieldsAsStrings(schema, values));
  }

  /** The masked fields hold a string now; {@code Row.json} renders by the schema's types. */
  private StructType schemaWithMaskedFieldsAsStrings(StructType schema, Object[] values) {
    if (schema == null) {
      return null;
    }
    StructType result = new StructType();
    for (int i = 0; i < values.length; i++) {
      var field = schema.fields()[i];
      boolean maskedHere = isSensitive(field.name()) && MASK.equals(values[i]);
      result = result.add(field.name(), maskedHere ? org.apache.spark.sql.types.DataTypes.StringType : field.dataType(),
          true);
    }
    return result;
  }
}
