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
