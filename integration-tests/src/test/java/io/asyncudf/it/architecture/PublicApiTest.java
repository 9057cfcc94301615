package io.asyncudf.it.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The library's public API, every public and protected member of the public types outside the internal
 * packages, is the one checked in as {@code api/spark-async-udf.api}, so that a change to it is deliberate.
 * When a change is meant, run this test with {@code -Dapi.update=true} and commit the file with the change.
 */
class PublicApiTest {

  /** Packages that are not the library's API: its implementation, public in Java's sense only, and the examples. */
  static final List<String> NOT_API = List.of("io.asyncudf.internal.", "io.asyncudf.example");

  private static final Path CHECKED_IN = Path.of("..", "api", "spark-async-udf.api");
  private static final Path MADE = Path.of("target", "api", "spark-async-udf.api");

  @Test
  void thePublicApiIsTheOneCheckedIn() throws IOException {
    List<String> api = dump();
    Files.createDirectories(MADE.getParent());
    Files.write(MADE, api);
    if (Boolean.getBoolean("api.update")) {
      Files.write(CHECKED_IN, api);
    }
    List<String> checkedIn = Files.readAllLines(CHECKED_IN);
    Set<String> added = new LinkedHashSet<>(api);
    checkedIn.forEach(added::remove);
    Set<String> removed = new LinkedHashSet<>(checkedIn);
    api.forEach(removed::remove);
    String howTo = "the public API differs from api/spark-async-udf.api; if that is meant, run "
        + "mvn -pl integration-tests test -Dtest=PublicApiTest -Dapi.update=true and commit the file (this run's is "
        + MADE.toAbsolutePath() + ")";
    assertThat(added).as("added: " + howTo).isEmpty();
    assertThat(removed).as("removed: " + howTo).isEmpty();
  }

  @Test
  void theDumpSeesTheApiAndNotTheInternals() {
    List<String> api = dump();
    assertThat(api).contains("public final class io.asyncudf.AsyncUdf",
        "public final class io.asyncudf.sql.AsyncUdfExtensions extends scala.runtime.AbstractFunction1"
            + "<org.apache.spark.sql.SparkSessionExtensions, scala.runtime.BoxedUnit>");
    assertThat(api).anyMatch(line -> line.contains(" dataFrame(io.asyncudf.AsyncChunkFunction<"));
    assertThat(api).noneMatch(line -> line.contains("class io.asyncudf.internal."));
  }

  /** One line per public type and per public or protected member, types in name order, members sorted. */
  static List<String> dump() {
    List<String> lines = new ArrayList<>();
    new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .withImportOption(location -> !location.contains("-tests.jar"))
        .importPackages("io.asyncudf")
        .stream()
        .filter(PublicApiTest::isApi)
        .map(JavaClass::getName)
        .sorted()
        .forEach(name -> lines.addAll(describe(load(name))));
    return lines;
  }

  private static boolean isApi(JavaClass type) {
    if (NOT_API.stream().anyMatch(type.getPackageName()::startsWith) || type.isAnonymousClass()
        || type.isLocalClass()) {
      return false;
    }
    for (JavaClass c = type; c != null; c = c.getEnclosingClass().orElse(null)) {
      if (!c.getModifiers().contains(JavaModifier.PUBLIC)) {
        return false;
      }
    }
    return true;
  }

  private static Class<?> load(String name) {
    try {
      return Class.forName(name, false, PublicApiTest.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> describe(Class<?> type) {
    List<String> lines = new ArrayList<>();
    lines.add(header(type));
    List<String> members = new ArrayList<>();
    Stream.of(type.getDeclaredConstructors()).filter(PublicApiTest::visible).map(c -> member(type, c))
        .forEach(members::add);
    Stream.of(type.getDeclaredMethods()).filter(m -> visible(m) && !m.isBridge()).map(m -> member(type, m))
        .forEach(members::add);
    Stream.of(type.getDeclaredFields()).filter(f -> visible(f.getModifiers()) && !f.isSynthetic())
        .map(f -> member(type, f)).forEach(members::add);
    members.stream().sorted().map(member -> "  " + member).forEach(lines::add);
    return lines;
  }

  private static String header(Class<?> type) {
    StringBuilder header = new StringBuilder(type.toGenericString()
        .replace("static ", "").replace("abstract interface ", "interface "));
    Type superclass = type.getGenericSuperclass();
    if (superclass != null && !Set.of(Object.class, Record.class, Enum.class).contains(type.getSuperclass())) {
      header.append(" extends ").append(superclass.getTypeName());
    }
    Type[] interfaces = type.getGenericInterfaces();
    if (interfaces.length > 0) {
      header.append(type.isInterface() ? " extends " : " implements ")
          .append(String.join(", ", Arrays.stream(interfaces).map(Type::getTypeName).toList()));
    }
    return header.toString();
  }

  private static boolean visible(Executable member) {
    return visible(member.getModifiers()) && !member.isSynthetic();
  }

  private static boolean visible(int modifiers) {
    return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
  }

  private static String member(Class<?> type, Constructor<?> constructor) {
    return constructor.toGenericString();
  }

  private static String member(Class<?> type, Method method) {
    return method.toGenericString().replace(" " + type.getName() + "." + method.getName() + "(",
        " " + method.getName() + "(");
  }

  private static String member(Class<?> type, Field field) {
    return field.toGenericString().replace(" " + type.getName() + "." + field.getName(), " " + field.getName());
  }
}
