package io.lakeplan.cli;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackages;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.codeUnits;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rules between Lakeplan's modules, over their main classes (this module's test class path has
 * all of them: sdk-api, sdk-testkit, sdk-spark, sdk-aws, sdk-cli). Each rule fails the build when
 * broken, naming the offending class and dependency.
 *
 * <p>sdk-api's packages import each other in one direction only, bottom to top ({@link
 * #SDK_API_LAYERS}):
 *
 * <pre>
 *   model, validation                 the use-case model; problems as data
 *   plan        → model               the compiled plan, the contract with engines and renderers
 *   spi         → model, plan         ports and the decisions engines share
 *   codec       → model, plan, validation
 *                                     YAML/JSON of use cases, environments and plans, the schema
 *   run         → model, plan, spi    DagRunner, Notifier
 *   env         → model, spi, codec, validation, run
 *                                     environments and their runtime (RuntimeProvider: stores,
 *                                     secrets, notifiers)
 *   workspace   → model, plan, spi, codec, validation
 *                                     Validator, Planner, Workspace: use cases alone or together
 * </pre>
 *
 * Implementation classes are package-private beside the public type they serve: there is no {@code
 * io.lakeplan.internal} drawer.
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
    "io.lakeplan.env.."
  };

  /** Each sdk-api package and the other sdk-api packages it may depend on. */
  private static final Map<String, List<String>> SDK_API_LAYERS = new LinkedHashMap<>();

  static {
    SDK_API_LAYERS.put("model", List.of());
    SDK_API_LAYERS.put("validation", List.of());
    SDK_API_LAYERS.put("plan", List.of("model"));
    SDK_API_LAYERS.put("spi", List.of("model", "plan"));
    SDK_API_LAYERS.put("codec", List.of("model", "plan", "validation"));
    SDK_API_LAYERS.put("env", List.of("model", "spi", "codec", "validation", "run"));
    SDK_API_LAYERS.put("workspace", List.of("model", "plan", "spi", "codec", "validation"));
    SDK_API_LAYERS.put("run", List.of("model", "plan", "spi"));
  }

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
          "io.lakeplan.model.ImmutableUseCase",
          "io.lakeplan.workspace.Planner",
          "io.lakeplan.run.DagRunner",
          "io.lakeplan.testkit.PipelineTestDriver",
          "io.lakeplan.spark.SparkEngine",
          "io.lakeplan.aws.airflow.AirflowRenderer",
          "io.lakeplan.cli.LakeplanCli"
        }) {
      org.assertj.core.api.Assertions.assertThat(classes.contain(name)).as(name).isTrue();
    }
  }

  @Test
  void sdkApiLayers_placeEveryClassOfSdkApi() {
    // a package missing from the layers would escape the layering rule
    org.assertj.core.api.Assertions.assertThat(
            Stream.of(SDK_API).map(pattern -> pattern.replaceAll("^io\\.lakeplan\\.|\\.\\.$", "")))
        .containsExactlyInAnyOrderElementsOf(SDK_API_LAYERS.keySet());
    List<String> sdkApi =
        classes.stream()
            .filter(
                type ->
                    type.getSource()
                        .map(source -> source.getUri().toString().matches(".*/sdk-api[-/].*"))
                        .orElse(false))
            .map(JavaClass::getName)
            .toList();
    org.assertj.core.api.Assertions.assertThat(sdkApi).contains("io.lakeplan.model.UseCase");
    org.assertj.core.api.Assertions.assertThat(sdkApi)
        .as("classes of sdk-api outside its layered packages")
        .allMatch(
            name ->
                SDK_API_LAYERS.keySet().stream()
                    .anyMatch(layer -> name.startsWith("io.lakeplan." + layer + ".")));
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
  void sdkApi_hasNoInternalPackage() {
    check(
        noClasses()
            .should()
            .resideInAPackage("io.lakeplan.internal..")
            .because(
                "sdk-api's implementation classes are package-private beside the public type"
                    + " they serve, not in a flat internal drawer (STYLE.md)"));
    check(
        noClasses()
            .that()
            .resideInAnyPackage(SDK_API)
            .should()
            .resideInAPackage("..internal..")
            .orShould()
            .dependOnClassesThat()
            .resideInAPackage("io.lakeplan.internal..")
            .because("sdk-api's packages have no internal sub-packages to import"));
  }

  @Test
  void sdkApiPackages_dependOnlyOnTheLayersBelowThem() {
    SDK_API_LAYERS.forEach(
        (name, below) -> {
          List<String> allowed = new ArrayList<>();
          allowed.add("io.lakeplan." + name + "..");
          below.forEach(other -> allowed.add("io.lakeplan." + other + ".."));
          check(
              classes()
                  .that()
                  .resideInAPackage("io.lakeplan." + name + "..")
                  .should()
                  .onlyDependOnClassesThat(
                      resideOutsideOfPackages(SDK_API)
                          .or(resideInAnyPackage(allowed.toArray(String[]::new))))
                  .because("sdk-api's packages import each other in one direction only"));
        });
  }

  @Test
  void sdkApiPackages_areFreeOfCycles() {
    slices()
        .matching("io.lakeplan.(*)..")
        .should()
        .beFreeOfCycles()
        .because("packages import each other in one direction only (STYLE.md)")
        .check(classes.that(resideInAnyPackage(SDK_API)));
  }

  /**
   * A class of sdk-api's public surface: public, nested only in public classes, and not generated
   * by Immutables.
   */
  private static final DescribedPredicate<JavaClass> PUBLIC_SDK_API_CLASS =
      DescribedPredicate.describe(
          "public sdk-api classes",
          type ->
              resideInAnyPackage(SDK_API).test(type)
                  && !generatedByImmutables(type)
                  && publicAllTheWayOut(type));

  private static boolean publicAllTheWayOut(JavaClass type) {
    for (Optional<JavaClass> at = Optional.of(type);
        at.isPresent();
        at = at.get().getEnclosingClass()) {
      if (!at.get().getModifiers().contains(JavaModifier.PUBLIC)) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code type} (or the class it is nested in) is an Immutables implementation. */
  private static boolean generatedByImmutables(JavaClass type) {
    JavaClass base = type.isArray() ? type.getBaseComponentType() : type;
    for (Optional<JavaClass> at = Optional.of(base);
        at.isPresent();
        at = at.get().getEnclosingClass()) {
      if (at.get().getSimpleName().startsWith("Immutable")) {
        return true;
      }
    }
    return false;
  }

  private static ArchCondition<JavaMember> exposeNoImmutablesType() {
    return new ArchCondition<>("not take or return a type generated by Immutables") {
      @Override
      public void check(JavaMember member, ConditionEvents events) {
        List<JavaType> signature = new ArrayList<>();
        if (member instanceof JavaCodeUnit unit) {
          signature.add(unit.getReturnType());
          signature.addAll(unit.getParameterTypes());
        } else if (member instanceof JavaField field) {
          signature.add(field.getType());
        }
        signature.stream()
            .flatMap(type -> type.getAllInvolvedRawTypes().stream())
            .filter(ArchitectureTest::generatedByImmutables)
            .distinct()
            .forEach(
                type ->
                    events.add(
                        SimpleConditionEvent.violated(
                            member,
                            member.getFullName()
                                + " exposes "
                                + type.getName()
                                + "; use the value type's own X.Builder (Users write"
                                + " X.builder(), never ImmutableX)")));
      }
    };
  }

  @Test
  void sdkApiSignatures_exposeNoImmutablesTypes() {
    check(
        codeUnits()
            .that()
            .arePublic()
            .and()
            .areDeclaredInClassesThat(PUBLIC_SDK_API_CLASS)
            .and()
            .doNotHaveModifier(JavaModifier.SYNTHETIC)
            .and()
            .doNotHaveModifier(JavaModifier.BRIDGE)
            .should(exposeNoImmutablesType())
            .because("every model type's builder() returns its own X.Builder (STYLE.md)"));
    check(
        fields()
            .that()
            .arePublic()
            .and()
            .areDeclaredInClassesThat(PUBLIC_SDK_API_CLASS)
            .should(exposeNoImmutablesType())
            .because("every model type's builder() returns its own X.Builder (STYLE.md)"));
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
