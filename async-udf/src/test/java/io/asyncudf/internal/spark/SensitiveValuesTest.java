package io.asyncudf.internal.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import scala.jdk.javaapi.CollectionConverters;

class SensitiveValuesTest {

  @Test
  void credentialNamesAreMatchedWhateverTheirCaseOrSeparator() {
    assertThat(List.of("Authorization", "proxy_authorization", "COOKIE", "x-api-key", "api_key", "Access_Key",
        "client_secret", "refresh_token", "db_password", "aws_signature", "credentials", "pwd"))
        .allSatisfy(name -> assertThat(SensitiveValues.sensitive(name)).as(name).isTrue());
    assertThat(List.of("author", "X-Trace", "id", "page", "Accept", "keyword"))
        .allSatisfy(name -> assertThat(SensitiveValues.sensitive(name)).as(name).isFalse());
  }

  @Test
  void secretLookingParametersAndJsonMembersInsideStringsAreMasked() {
    assertThat(SensitiveValues.maskedText("/x?id=7&access_token=qt-1&sig=s1;code=c1#top"))
        .as("a FHIR code stays").isEqualTo("/x?id=7&access_token=****&sig=****;code=c1#top");
    assertThat(SensitiveValues.maskedText("https://etl:pw-9@host/cb#access_token=at-1&state=s"))
        .isEqualTo("https://****@host/cb#access_token=****&state=s");
    assertThat(SensitiveValues.maskedText("{\"callback\":\"https://x/cb?token=abc\",\"id\":\"p1\"}"))
        .as("a parameter inside a JSON string ends at its quote")
        .isEqualTo("{\"callback\":\"https://x/cb?token=****\",\"id\":\"p1\"}");
    String large = "{\"data\":\"" + "a\\\"".repeat(50_000) + "\",\"token\":\"t-1\"}";
    assertThat(SensitiveValues.maskedText(large)).as("a 150,000-character member, escapes and all")
        .endsWith("\"token\":\"****\"}").doesNotContain("t-1");
    assertThat(SensitiveValues.maskedText("grant_type=client_credentials&client_secret=cs-9"))
        .isEqualTo("grant_type=client_credentials&client_secret=****");
    assertThat(SensitiveValues.maskedText("{\"user\": \"ann\", \"api_key\" : \"k\\\"1\", \"n\": 2, \"Password\":\"pw\"}"))
        .isEqualTo("{\"user\": \"ann\", \"api_key\" : \"****\", \"n\": 2, \"Password\":\"****\"}");
    assertThat(SensitiveValues.maskedText("keyword=spark&monkey=1 and a = sign"))
        .as("names that only contain a parameter name, and text that is no query, stay").isEqualTo("keyword=spark&monkey=1 and a = sign");
  }

  @Test
  void aFailedRequestsPathAndBodyKeepNoSecretInTheirText() {
    StructType schema = new StructType().add("path", DataTypes.StringType).add("body", DataTypes.StringType);
    Row row = new GenericRowWithSchema(new Object[] {"/x?token=qt-1", "{\"secret\":\"s-2\"}"}, schema);

    assertThat(((Row) SensitiveValues.masked(row)).json()).doesNotContain("qt-1", "s-2").contains("token=****");
  }

  @Test
  void theConfAddsEveryConnectionsSecretHeadersAndTheNamesItLists() {
    SensitiveValues sensitive = SensitiveValues.fromConf(Map.of(
        "spark.asyncudf.connection.svc.url", "https://svc",
        "spark.asyncudf.connection.svc.secretHeader.X-Vault-Key", "v",
        "spark.asyncudf.connection.svc.secretHeader.X-Tenant-KeyEnv", "TENANT_KEY",
        "spark.asyncudf.connection.svc.maskedHeaders", "X-Session, x_customer_ref",
        "spark.asyncudf.maskedNames", "ssn"));

    assertThat(List.of("x-vault-key", "X-Tenant-Key", "X-SESSION", "X-Customer-Ref", "ssn", "Authorization"))
        .allSatisfy(name -> assertThat(sensitive.isSensitive(name)).as(name).isTrue());
    assertThat(List.of("X-Trace", "url", "X-Tenant-KeyEnv"))
        .allSatisfy(name -> assertThat(sensitive.isSensitive(name)).as(name).isFalse());
    assertThat(SensitiveValues.sensitive("X-Vault-Key")).as("built-in names only").isFalse();
  }

  @Test
  void nestedFieldsMapEntriesAndSequencesAreMaskedAndTheJsonStillRenders() {
    StructType inner = new StructType().add("user", DataTypes.StringType).add("password", DataTypes.StringType);
    StructType schema = new StructType()
        .add("id", DataTypes.LongType)
        .add("login", inner)
        .add("headers", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType))
        .add("tokens", DataTypes.createArrayType(DataTypes.StringType))
        .add("nothing", DataTypes.StringType);
    Row row = new GenericRowWithSchema(new Object[] {
      7L,
      new GenericRowWithSchema(new Object[] {"ann", "hunter2"}, inner),
      scala.collection.immutable.Map.from(CollectionConverters.asScala(Map.of("Cookie", "s=1", "Accept", "json"))),
      CollectionConverters.asScala(List.of("a", "b")).toSeq(),
      null
    }, schema);

    String json = ((Row) SensitiveValues.masked(row)).json();

    assertThat(json).contains("\"id\":7", "\"user\":\"ann\"", "\"password\":\"****\"", "\"Cookie\":\"****\"",
        "\"Accept\":\"json\"", "\"tokens\":\"****\"", "\"nothing\":null").doesNotContain("hunter2", "s=1");
  }
}
