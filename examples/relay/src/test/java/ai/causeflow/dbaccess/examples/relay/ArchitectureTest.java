package ai.causeflow.dbaccess.examples.relay;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The walls between modules, enforced by the build rather than by the word "internal". Runs over
 * the main (non-test) classes of every module on this module's classpath: core, the test kit, the
 * backends the relay serves, and the relay itself.
 *
 * <p>Known exceptions, each named here so that it cannot grow unnoticed:
 *
 * <ul>
 *   <li>the PostgreSQL validator matches function names with core's {@code Glob} (to be given a
 *       public home with the glob case rules being reworked on another branch);
 *   <li>{@code RowShape} (SPI) makes core's compact row class ({@code ShapedRow}), which the
 *       pipeline reads without a copy.
 * </ul>
 *
 * <p>The JMH benchmarks are not on this classpath; their own module checks that they use public
 * API only ({@code BenchmarksUsePublicApiTest}).
 */
class ArchitectureTest {
  static final List<String> MODULES = List.of("core", "testkit", "postgres", "mongo", "dynamo",
      "tools", "examples.relay");
  static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .withImportOption(location -> !location.contains("-tests.jar"))
        .importPackages("ai.causeflow.dbaccess");
    if (!classes.contain("ai.causeflow.dbaccess.core.ReadOnlyDataSource")
        || !classes.contain("ai.causeflow.dbaccess.postgres.PostgresReadOnlyDataSource")) {
      throw new AssertionError("the library's classes were not found on the classpath");
    }
  }

  @Test
  void noModuleUsesAnotherModulesInternalPackages() {
    for (String module : MODULES) {
      String root = "ai.causeflow.dbaccess." + module;
      ArchRule rule = noClasses().that().resideOutsideOfPackage(root + "..")
          .and().resideOutsideOfPackage("ai.causeflow.dbaccess.benchmarks..")
          .should().dependOnClassesThat().resideInAPackage(root + "..internal..")
          .because("a module's internal packages are not its API (" + module + ")")
          .allowEmptyShould(true);
      if (module.equals("core")) {
        rule = noClasses().that().resideOutsideOfPackage(root + "..")
            .and().resideOutsideOfPackage("ai.causeflow.dbaccess.benchmarks..")
            .should().dependOnClassesThat(com.tngtech.archunit.base.DescribedPredicate.describe(
                "are in core's internal packages (except Glob, see the class comment)",
                c -> c.getPackageName().startsWith(root) && c.getPackageName().contains(".internal")
                    && !c.getName().equals("ai.causeflow.dbaccess.core.internal.Glob")))
            .because("core's internal packages are not its API")
            .allowEmptyShould(true);
      }
      rule.check(classes);
    }
  }

  @Test
  void theBackendSpiDoesNotExposeCoreInternals() {
    noClasses().that().resideInAPackage("ai.causeflow.dbaccess.core.spi")
        .should().dependOnClassesThat(com.tngtech.archunit.base.DescribedPredicate.describe(
            "are in core's internal packages (except ShapedRow, made by RowShape)",
            c -> c.getPackageName().startsWith("ai.causeflow.dbaccess.core")
                && c.getPackageName().contains(".internal")
                && !(c.getName().equals("ai.causeflow.dbaccess.core.internal.ShapedRow"))))
        .because("a backend author sees the SPI, and the SPI shows only API types")
        .check(classes);
  }

  @Test
  void configurationIsReadWithoutServiceLoadingOrClasspathScanning() {
    noClasses().that().resideInAPackage("ai.causeflow.dbaccess..")
        .should().dependOnClassesThat().haveFullyQualifiedName("java.util.ServiceLoader")
        .because("what reads configuration, masks or audits is registered explicitly")
        .check(classes);
  }
}
