package io.lakeplan.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rules between Lakeplan's modules, over their main classes (this module's test class path has
 * all of them: sdk-api, sdk-testkit, sdk-spark, sdk-aws, sdk-cli). Each rule fails the build when
 * broken, naming the offending class and dependency.
 */
class ArchitectureTest {

  /** The packages of sdk-api. */
  private static final String[] SDK_API = {
    "io.lakeplan.model..",
    "io.lakeplan.plan..",
    "io.lakeplan.spi..",
    "io.lakeplan.run..",
    "io.lakeplan.codec..",
    "io.lakeplan.validation..",
    "io.lakeplan.workspace..",
    "io.lakeplan.env..",
    "io.lakeplan.internal.."
  };

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            // sdk-api's test jar (the fuzzer) is test code too
            .withImportOption(location -> !location.asURI().toString().contains("-tests.jar"))
            .importPackages("io.lakeplan");
  }

  @Test
  void theImport_seesEveryModule() {
    // without them every rule below would pass on nothing
    for (String name :
        new String[] {
          "io.lakeplan.model.UseCase",
          "io.lakeplan.run.DagRunner",
          "io.lakeplan.testkit.PipelineTestDriver",
          "io.lakeplan.spark.SparkEngine",
          "io.lakeplan.aws.airflow.AirflowRenderer",
          "io.lakeplan.cli.LakeplanCli"
        }) {
      org.assertj.core.api.Assertions.assertThat(classes.contain(name)).as(name).isTrue();
    }
  }

  private static void check(ArchRule rule) {
    rule.check(classes);
  }

  @Test
  void sdkApi_hasNoEngineOrCloudTypes() {
    check(
        noClasses()
            .that()
            .resideInAnyPackage(SDK_API)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                "org.apache.spark..",
                "org.apache.hadoop..",
                "org.apache.iceberg..",
                "software.amazon..",
                "com.amazonaws..")
            .because("engine and cloud types stay out of sdk-api (DESIGN.md)"));
  }

  @Test
  void sdkApi_internals_areReachedFromSdkApiOnly() {
    check(
        noClasses()
            .that()
            .resideOutsideOfPackages(SDK_API)
            .should()
            .dependOnClassesThat()
            .resideInAPackage("io.lakeplan.internal..")
            .because("io.lakeplan.internal is sdk-api's implementation, not an API"));
  }

  @Test
  void eachModulesInternals_areReachedFromThatModuleOnly() {
    check(
        noClasses()
            .that()
            .resideOutsideOfPackage("io.lakeplan.spark..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("io.lakeplan.spark.internal.."));
    check(
        noClasses()
            .that()
            .resideOutsideOfPackage("io.lakeplan.testkit..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("io.lakeplan.testkit.internal.."));
    check(
        noClasses()
            .that()
            .resideOutsideOfPackage("io.lakeplan.aws..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("io.lakeplan.aws.internal.."));
  }

  @Test
  void engines_neverImportEachOther() {
    check(
        noClasses()
            .that()
            .resideInAPackage("io.lakeplan.spark..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("io.lakeplan.testkit.."));
    check(
        noClasses()
            .that()
            .resideInAPackage("io.lakeplan.testkit..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("io.lakeplan.spark..", "io.lakeplan.aws.."));
  }
}
