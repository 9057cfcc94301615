package io.asyncudf.it.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static java.util.stream.Collectors.groupingBy;
import static java.util.stream.Collectors.mapping;
import static java.util.stream.Collectors.toSet;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The architecture's claims, checked on the library's main classes (every module's jar):
 * dependencies point one way (no package cycles, the API package on no implementation package), every
 * package lives in one jar, the engine is Spark-free, Spark's internals stay in the Spark adapter, and
 * connector clients need neither Spark nor the engine.
 */
class ArchitectureTest {

  /** Spark classes outside its stable public API. */
  private static final String[] SPARK_INTERNALS = {
    "org.apache.spark.sql.catalyst..", "org.apache.spark.sql.classic..", "org.apache.spark.sql.execution..",
    "org.apache.spark.sql.internal..", "org.apache.spark.sql.util..", "org.apache.spark.unsafe..", "org.apache.spark.rpc.."
  };

  private static JavaClasses library;

  @BeforeAll
  static void importLibrary() {
    library = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .withImportOption(location -> !location.contains("-tests.jar")) // test-jars (the bench's virtual clock)
        .importPackages("io.asyncudf");
  }

  /** Fails naming every violation of {@code rule}. */
  private static void holds(ArchRule rule) {
    assertThat(rule.evaluate(library).getFailureReport().getDetails()).as(rule.getDescription()).isEmpty();
  }

  @Test
  void theRulesSeeEveryModulesMainClassesAndNoTests() {
    assertThat(library.stream().map(JavaClass::getName)).contains(
        "io.asyncudf.internal.engine.PartitionPipeline", "io.asyncudf.internal.spark.catalyst.SparkInternals",
        "io.asyncudf.internal.connector.RequestRetries", "io.asyncudf.http.HttpConnector", "io.asyncudf.fhir.FhirClient", "io.asyncudf.opensearch.OpenSearchConnector",
        "io.asyncudf.partition.SparkPartitionInformation", "io.asyncudf.sql.AsyncUdfExtensions",
        "io.asyncudf.internal.driver.LeaseService", "io.asyncudf.internal.spark.rpc.DriverEndpoint",
        "io.asyncudf.bridge.FhirChunkFunctions", "io.asyncudf.connector.Secret");
    assertThat(library.stream().map(JavaClass::getName)).noneMatch(name -> name.endsWith("Test"));
  }

  @Test
  void noPackageDependsOnItselfThroughOthers() {
    SliceAssignment everyPackage = new SliceAssignment() {
      @Override
      public SliceIdentifier getIdentifierOf(JavaClass type) {
        return type.getPackageName().startsWith("io.asyncudf")
            ? SliceIdentifier.of(type.getPackageName())
            : SliceIdentifier.ignore();
      }

      @Override
      public String getDescription() {
        return "every package of the library";
      }
    };
    holds(slices().assignedFrom(everyPackage).should().beFreeOfCycles());
  }

  @Test
  void theApiPackageDependsOnNoImplementationPackage() {
    holds(noClasses().that().resideInAPackage("io.asyncudf")
        .should().dependOnClassesThat().resideInAnyPackage("io.asyncudf.internal..", "io.asyncudf.sql..",
            "io.asyncudf.bridge.."));
  }

  @Test
  void everyPackageLivesInOneJar() {
    Map<String, Set<String>> jarsByPackage = library.stream()
        .filter(type -> type.getSource().isPresent())
        .collect(groupingBy(JavaClass::getPackageName, mapping(ArchitectureTest::classPathEntry, toSet())));
    assertThat(jarsByPackage).isNotEmpty().allSatisfy((pkg, jars) -> assertThat(jars).as(pkg).hasSize(1));
  }

  /** The jar or classes folder {@code type} was read from. */
  private static String classPathEntry(JavaClass type) {
    String uri = type.getSource().orElseThrow().getUri().toString();
    int entry = uri.indexOf("!/");
    return entry >= 0 ? uri.substring(0, entry) : uri.substring(0, uri.length() - (type.getName() + ".class").length());
  }

  @Test
  void theAdaptersLayersPointDown() {
    holds(noClasses().that().resideInAPackage("io.asyncudf.internal.spark.catalyst..")
        .should().dependOnClassesThat().resideInAnyPackage("io.asyncudf.internal.spark",
            "io.asyncudf.internal.spark.arrow..", "io.asyncudf.internal.spark.rpc..", "io.asyncudf.internal.spark.sql.."));
    holds(noClasses().that().resideInAnyPackage("io.asyncudf.internal.spark.arrow..", "io.asyncudf.internal.spark.rpc..")
        .should().dependOnClassesThat().resideInAnyPackage("io.asyncudf.internal.spark", "io.asyncudf.internal.spark.sql.."));
  }

  @Test
  void theEngineImportsNothingFromSparkNorFromTheSparkAdapter() {
    holds(noClasses().that().resideInAPackage("io.asyncudf.internal.engine..")
        .should().dependOnClassesThat().resideInAnyPackage("org.apache.spark..", "scala..", "io.asyncudf.internal.spark.."));
  }

  @Test
  void theDriverChannelsLogicImportsNothingFromSparkNorFromTheSparkAdapter() {
    holds(noClasses().that().resideInAPackage("io.asyncudf.internal.driver..")
        .should().dependOnClassesThat().resideInAnyPackage("org.apache.spark..", "scala..", "io.asyncudf.internal.spark..",
            "io.asyncudf.internal.engine.."));
  }

  @Test
  void sparkInternalsAreUsedOnlyBehindTheSparkAdapter() {
    holds(noClasses().that().resideOutsideOfPackage("io.asyncudf.internal.spark..")
        .should().dependOnClassesThat().resideInAnyPackage(SPARK_INTERNALS));
  }

  @Test
  void sparksRpcIsUsedOnlyByTheDriverChannelsEndpoint() {
    holds(noClasses().that().doNotHaveFullyQualifiedName("io.asyncudf.internal.spark.rpc.DriverEndpoint")
        .and().haveNameNotMatching("io\\.asyncudf\\.internal\\.spark\\.rpc\\.DriverEndpoint\\$.*")
        .should().dependOnClassesThat().resideInAPackage("org.apache.spark.rpc..")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("org.apache.spark.util.RpcUtils"));
  }

  @Test
  void versionSensitiveSparkCallsStayInTheOneAdapterClass() {
    holds(noClasses().that().doNotHaveFullyQualifiedName("io.asyncudf.internal.spark.catalyst.SparkInternals")
        .and().haveNameNotMatching("io\\.asyncudf\\.internal\\.spark\\.catalyst\\.SparkInternals\\$.*")
        .should().dependOnClassesThat().resideInAnyPackage("org.apache.spark.sql.classic..", "org.apache.spark.sql.internal..",
            "org.apache.spark.sql.util..")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("org.apache.spark.sql.execution.arrow.ArrowWriter")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("org.apache.spark.sql.catalyst.CatalystTypeConverters"));
  }

  @Test
  void connectorCoreDependsOnNothingButItself() {
    holds(noClasses().that().resideInAnyPackage("io.asyncudf.connector..", "io.asyncudf.internal.connector..")
        .should().dependOnClassesThat().resideInAnyPackage("org.apache.spark..", "scala..", "io.asyncudf",
            "io.asyncudf.internal.engine..", "io.asyncudf.internal.driver..", "io.asyncudf.internal.spark..",
            "io.asyncudf.partition..", "io.asyncudf.http..", "io.asyncudf.fhir..", "io.asyncudf.opensearch..",
            "io.asyncudf.bridge..", "io.asyncudf.sql.."));
  }

  @Test
  void connectorsNeedNeitherSparkNorTheEngineNorTheApi() {
    holds(noClasses().that().resideInAnyPackage("io.asyncudf.http..", "io.asyncudf.fhir..", "io.asyncudf.opensearch..")
        .should().dependOnClassesThat().resideInAnyPackage("org.apache.spark..", "scala..", "io.asyncudf",
            "io.asyncudf.internal.engine..", "io.asyncudf.internal.driver..", "io.asyncudf.internal.spark..",
            "io.asyncudf.partition..", "io.asyncudf.bridge..", "io.asyncudf.sql.."));
  }

  @Test
  void theBridgesToTheHelpersUseTheApiOnly() {
    holds(noClasses().that().resideInAPackage("io.asyncudf.bridge..")
        .should().dependOnClassesThat().resideInAnyPackage("io.asyncudf.internal.engine..", "io.asyncudf.internal.driver..",
            "io.asyncudf.internal.spark..", "io.asyncudf.sql.."));
  }

  @Test
  void connectorsDoNotDependOnEachOtherExceptFhirOnHttp() {
    holds(noClasses().that().resideInAPackage("io.asyncudf.http..")
        .should().dependOnClassesThat().resideInAnyPackage("io.asyncudf.fhir..", "io.asyncudf.opensearch.."));
    holds(noClasses().that().resideInAPackage("io.asyncudf.opensearch..")
        .should().dependOnClassesThat().resideInAnyPackage("io.asyncudf.fhir..", "io.asyncudf.http.."));
  }

  @Test
  void theEngineAndHelpersDoNotDependOnConnectors() {
    holds(noClasses().that()
        .resideInAnyPackage("io.asyncudf.internal.engine..", "io.asyncudf.internal.spark..", "io.asyncudf.partition..")
        .should().dependOnClassesThat().resideInAnyPackage("io.asyncudf.http..", "io.asyncudf.fhir..",
            "io.asyncudf.opensearch.."));
  }
}
