package ai.causeflow.dbaccess.benchmarks;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The benchmarks measure what a user can call: no class of this module reads a library module's
 * {@code internal} package. JMH's generated classes live in this package too and are covered.
 */
class BenchmarksUsePublicApiTest {
  @Test
  void benchmarksDependOnPublicApiOnly() {
    JavaClasses classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("ai.causeflow.dbaccess.benchmarks");
    if (!classes.contain("ai.causeflow.dbaccess.benchmarks.PostgresFetchBenchmark")) {
      throw new AssertionError("the benchmark classes were not found on the classpath");
    }
    noClasses().that().resideInAPackage("ai.causeflow.dbaccess.benchmarks..")
        .should().dependOnClassesThat().resideInAPackage("ai.causeflow.dbaccess..internal..")
        .because("a benchmark that reads internals measures something no user can run")
        .check(classes);
  }
}
