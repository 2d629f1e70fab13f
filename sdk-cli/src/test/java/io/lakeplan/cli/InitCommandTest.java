package io.lakeplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.env.Environment;
import io.lakeplan.env.Environments;
import io.lakeplan.model.UseCase;
import io.lakeplan.plan.Dag;
import io.lakeplan.workspace.LoadedUseCase;
import io.lakeplan.workspace.Workspace;
import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * {@code lakeplan init}: what it writes validates, compiles, and its own testkit test passes — run
 * as Maven would run it (a JVM whose working folder is the new project, on the testkit's class
 * path, through the JUnit Platform launcher), not only read.
 */
class InitCommandTest {
  /** The testkit's build output: its classes and the class path of its in-memory engine. */
  private static final Path TESTKIT = Path.of("..", "sdk-testkit", "target");

  @Test
  void init_yaml_writesAUseCaseThatValidatesWithTheCliAndLoadsStrictly(@TempDir Path folder)
      throws IOException {
    Path project = folder.resolve("shop-orders");

    CliRun run = CliRun.of("init", "shop-orders", "--kind", "yaml", "--dir", project.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(files(project))
        .containsExactlyInAnyOrder(
            "pom.xml",
            "README.md",
            "environment.yaml",
            ".gitignore",
            "use-cases/shop-orders.yaml",
            "src/test/java/com/example/lakeplan/ShopOrdersUseCaseTest.java");
    assertThat(run.out()).contains("Created use case shop-orders (yaml) in " + project);
    CliRun validate = CliRun.of("validate", "--strict", project.resolve("use-cases").toString());
    assertThat(validate.exitCode()).as(validate.out()).isZero();
    assertThat(validate.out())
        .isEqualTo("OK: 0 problems in 0 files; 1 of 1 use-case files valid\n");
    Workspace workspace = Workspace.loadStrict(project.resolve("use-cases"));
    UseCase useCase = workspace.useCases().get(0).useCase();
    assertThat(useCase.name()).isEqualTo("shop-orders");
    assertThat(workspace.warnings()).isEmpty();
    // a migration into raw.shop_orders, then a merge into process.shop_orders that waits for it
    assertThat(workspace.plan().dags())
        .extracting(Dag::id)
        .containsExactly("shop-orders.migration", "shop-orders.transformation");
    assertThat(workspace.plan().dag("shop-orders.transformation").upstream())
        .anyMatch(upstream -> upstream.dag().equals("shop-orders.migration"));
    assertThat(useCase.merges().get(0).target().toString()).isEqualTo("process.shop_orders");
    assertThat(Environments.load(project.resolve("environment.yaml")))
        .isEqualTo(Environment.local());
  }

  @Test
  void init_java_compiles_andIsTheSameUseCaseAsTheYamlKind(@TempDir Path folder) throws Exception {
    Path java = folder.resolve("java");
    Path yaml = folder.resolve("yaml");
    assertThat(CliRun.of("init", "orders", "--dir", java.toString()).exitCode()).isZero();
    assertThat(CliRun.of("init", "orders", "--kind", "yaml", "--dir", yaml.toString()).exitCode())
        .isZero();
    Path classes = folder.resolve("classes");

    compile(sources(java.resolve("src/main/java")), currentClassPath(), classes);

    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
      Object built =
          loader.loadClass(InitCommand.PACKAGE + ".OrdersUseCase").getMethod("build").invoke(null);
      assertThat(built)
          .isEqualTo(Workspace.loadStrict(yaml.resolve("use-cases")).useCases().get(0).useCase());
    }
    assertThat(files(java))
        .contains(
            "src/main/java/com/example/lakeplan/OrdersUseCase.java",
            "src/test/java/com/example/lakeplan/OrdersUseCaseTest.java")
        .doesNotContain("use-cases/orders.yaml");
    assertThat(
            Files.readString(java.resolve("src/main/java/com/example/lakeplan/OrdersUseCase.java")))
        .contains("UseCase.named(\"orders\")");
  }

  @Test
  void init_java_itsTestkitTestPasses(@TempDir Path folder) throws Exception {
    Path project = folder.resolve("orders");
    assertThat(
            CliRun.of("init", "orders", "--kind", "java", "--dir", project.toString()).exitCode())
        .isZero();

    assertThat(runScaffoldTests(project, folder.resolve("classes"), "OrdersUseCaseTest"))
        .isEqualTo(expectedSummary(project, "OrdersUseCaseTest"));
  }

  @Test
  void init_yaml_itsTestkitTestPasses(@TempDir Path folder) throws Exception {
    Path project = folder.resolve("2024-events");
    assertThat(
            CliRun.of("init", "2024-events", "--kind", "yaml", "--dir", project.toString())
                .exitCode())
        .isZero();

    assertThat(runScaffoldTests(project, folder.resolve("classes"), "UseCase2024EventsUseCaseTest"))
        .isEqualTo(expectedSummary(project, "UseCase2024EventsUseCaseTest"));
  }

  @Test
  void init_pom_dependsOnSdkApiAndTestkitAtTheProjectVersion(@TempDir Path folder)
      throws Exception {
    Path project = folder.resolve("orders");
    CliRun.of("init", "orders", "--dir", project.toString());
    String version = child(xml(Path.of("..", "pom.xml")).getDocumentElement(), "version");

    Element pom = xml(project.resolve("pom.xml")).getDocumentElement();

    assertThat(child(pom, "artifactId")).isEqualTo("orders");
    assertThat(text(pom, "lakeplan.version")).isEqualTo(version);
    NodeList dependencies = pom.getElementsByTagName("dependency");
    List<String> coordinates = new ArrayList<>();
    for (int i = 0; i < dependencies.getLength(); i++) {
      Element dependency = (Element) dependencies.item(i);
      coordinates.add(
          text(dependency, "groupId")
              + ":"
              + text(dependency, "artifactId")
              + ":"
              + text(dependency, "version")
              + ":"
              + (dependency.getElementsByTagName("scope").getLength() == 0
                  ? "compile"
                  : text(dependency, "scope")));
    }
    assertThat(coordinates)
        .contains(
            "io.lakeplan:sdk-api:${lakeplan.version}:compile",
            "io.lakeplan:sdk-testkit:${lakeplan.version}:test",
            "org.junit.jupiter:junit-jupiter:${junit.version}:test");
  }

  @Test
  void init_longestValidName_validates(@TempDir Path folder) {
    String name = "a" + "-b".repeat(31);
    Path project = folder.resolve("long");
    assertThat(name).hasSize(63);

    CliRun run = CliRun.of("init", name, "--kind", "yaml", "--dir", project.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(Workspace.loadStrict(project.resolve("use-cases")).useCases())
        .extracting(LoadedUseCase::useCase)
        .extracting(UseCase::name)
        .containsExactly(name);
  }

  @Test
  void init_badName_isOneLineNamingTheRule_andWritesNothing(@TempDir Path folder) {
    for (String name : List.of("Orders", "orders.v2", "_orders", "a".repeat(64))) {
      Path project = folder.resolve("bad");

      CliRun run = CliRun.of("init", name, "--dir", project.toString());

      assertThat(run.exitCode()).as(name).isEqualTo(LakeplanCli.ERROR);
      assertThat(run.err())
          .as(name)
          .isEqualTo(
              "lakeplan: error: Invalid use-case name '"
                  + name
                  + "': use lower-case letters, digits, - and _, starting with a letter or digit,"
                  + " at most 63 characters (it prefixes every DAG id) (see 'lakeplan init"
                  + " --help')\n");
      assertThat(project).doesNotExist();
    }
  }

  @Test
  void init_nonEmptyFolder_isOneLineWithTheFix_andChangesNothing(@TempDir Path folder)
      throws IOException {
    Files.writeString(folder.resolve("notes.txt"), "mine");

    CliRun run = CliRun.of("init", "orders", "--dir", folder.toString());
    // no --dir: ./orders; here ./src, which exists and is not empty
    CliRun defaultFolder = CliRun.of("init", "src");

    assertThat(run.exitCode()).isEqualTo(LakeplanCli.ERROR);
    assertThat(run.err())
        .isEqualTo(
            "lakeplan: error: "
                + folder
                + " exists and is not an empty folder; choose another with --dir FOLDER, or empty"
                + " it (see 'lakeplan init --help')\n");
    assertThat(files(folder)).containsExactly("notes.txt");
    assertThat(defaultFolder.exitCode()).isEqualTo(LakeplanCli.ERROR);
    assertThat(defaultFolder.err()).startsWith("lakeplan: error: src exists and is not an empty");
  }

  @Test
  void init_emptyFolder_isUsed(@TempDir Path folder) {
    CliRun run = CliRun.of("init", "orders", "--kind", "yaml", "--dir", folder.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(files(folder)).contains("use-cases/orders.yaml");
  }

  @Test
  void init_help_describesNameKindAndDir() {
    CliRun run = CliRun.of("init", "--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .contains("Usage: lakeplan init")
        .contains("NAME")
        .contains("--kind=<kind>")
        .contains("java, yaml (default: java)")
        .contains("--dir=FOLDER")
        .contains("(default: ./NAME)");
  }

  @Test
  void names_becomeSafeTableAndClassNames() {
    assertThat(InitCommand.tableName("shop-orders")).isEqualTo("shop_orders");
    assertThat(InitCommand.tableName("2024-events")).isEqualTo("_2024_events");
    assertThat(InitCommand.className("shop-orders")).isEqualTo("ShopOrdersUseCase");
    assertThat(InitCommand.className("a__b")).isEqualTo("ABUseCase");
    assertThat(InitCommand.className("2024-events")).isEqualTo("UseCase2024EventsUseCase");
  }

  /**
   * Compiles the project's main and test sources and a launcher, then runs test class {@code
   * testClass} in a child JVM whose working folder is {@code project}; its summary line.
   */
  private static String runScaffoldTests(Path project, Path classes, String testClass)
      throws IOException, InterruptedException {
    List<String> classPath = scaffoldClassPath();
    Path runner = project.resolveSibling("runner").resolve("ScaffoldTestRunner.java");
    Files.createDirectories(runner.getParent());
    Files.writeString(runner, RUNNER);
    List<Path> sources = new ArrayList<>(sources(project.resolve("src")));
    sources.add(runner);
    compile(sources, classPath, classes);

    Path output = project.resolveSibling("test-output.txt");
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-cp",
                classes.toAbsolutePath()
                    + File.pathSeparator
                    + String.join(File.pathSeparator, classPath),
                "ScaffoldTestRunner",
                InitCommand.PACKAGE + "." + testClass)
            .directory(project.toFile())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    try {
      assertThat(child.waitFor(3, TimeUnit.MINUTES)).as("the scaffold's tests finished").isTrue();
    } finally {
      child.destroyForcibly();
    }
    List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
    return lines.stream()
        .filter(line -> line.startsWith("SUMMARY "))
        .findFirst()
        .orElseThrow(
            () ->
                new AssertionError(
                    "no summary from the scaffold's tests (exit "
                        + child.exitValue()
                        + "):\n"
                        + String.join("\n", lines)));
  }

  /** The summary of a run where every {@code @Test} of the generated test class passed. */
  private static String expectedSummary(Path project, String testClass) throws IOException {
    String source =
        Files.readString(
            project.resolve("src/test/java/com/example/lakeplan/" + testClass + ".java"));
    long tests = source.lines().filter(line -> line.strip().equals("@Test")).count();
    return "SUMMARY found=" + tests + " succeeded=" + tests + " failed=0 aborted=0 skipped=0";
  }

  /** Runs one test class through the JUnit Platform launcher, as Maven's Surefire would. */
  private static final String RUNNER =
      """
      import java.io.PrintWriter;
      import org.junit.platform.engine.discovery.DiscoverySelectors;
      import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
      import org.junit.platform.launcher.core.LauncherFactory;
      import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
      import org.junit.platform.launcher.listeners.TestExecutionSummary;

      public final class ScaffoldTestRunner {
        public static void main(String[] args) {
          SummaryGeneratingListener listener = new SummaryGeneratingListener();
          LauncherFactory.create()
              .execute(
                  LauncherDiscoveryRequestBuilder.request()
                      .selectors(DiscoverySelectors.selectClass(args[0]))
                      .build(),
                  listener);
          TestExecutionSummary summary = listener.getSummary();
          summary.printFailuresTo(new PrintWriter(System.out, true), 30);
          System.out.println(
              "SUMMARY found=" + summary.getTestsFoundCount()
                  + " succeeded=" + summary.getTestsSucceededCount()
                  + " failed=" + summary.getTestsFailedCount()
                  + " aborted=" + summary.getTestsAbortedCount()
                  + " skipped=" + summary.getTestsSkippedCount());
          System.exit(summary.getTotalFailureCount() == 0 ? 0 : 1);
        }
      }
      """;

  /**
   * What a new project's tests see under Maven: sdk-api, the testkit and its in-memory engine
   * (unshaded Iceberg and Avro, which cannot share this JVM's class path with Spark's runtime),
   * JUnit and AssertJ — plus the JUnit Platform launcher.
   */
  private static List<String> scaffoldClassPath() throws IOException {
    Path engineClassPath = TESTKIT.resolve("in-memory-engine.classpath");
    assertThat(engineClassPath)
        .as(
            "the in-memory engine's class path: build sdk-testkit first (./mvnw -pl sdk-testkit -am package)")
        .exists();
    Set<String> classPath = new LinkedHashSet<>();
    classPath.add(TESTKIT.resolve("classes").toAbsolutePath().toString());
    classPath.addAll(List.of(Files.readString(engineClassPath).trim().split(File.pathSeparator)));
    for (String entry : currentClassPath()) {
      String file = Path.of(entry).getFileName().toString();
      if (file.startsWith("junit-")
          || file.startsWith("opentest4j")
          || file.startsWith("apiguardian")) {
        classPath.add(entry);
      }
    }
    return List.copyOf(classPath);
  }

  /** This JVM's class path (Surefire's test class path). */
  private static List<String> currentClassPath() {
    String surefire = System.getProperty("surefire.test.class.path");
    String classPath = surefire != null ? surefire : System.getProperty("java.class.path");
    return List.of(classPath.split(File.pathSeparator));
  }

  private static void compile(List<Path> sources, List<String> classPath, Path classes)
      throws IOException {
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    assertThat(compiler).as("a JDK's compiler (javax.tools)").isNotNull();
    Files.createDirectories(classes);
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager files =
        compiler.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
      boolean compiled =
          compiler
              .getTask(
                  null,
                  files,
                  diagnostics,
                  List.of(
                      "--release",
                      "17",
                      "-proc:none",
                      "-d",
                      classes.toString(),
                      "-cp",
                      String.join(File.pathSeparator, classPath)),
                  null,
                  files.getJavaFileObjectsFromPaths(sources))
              .call();
      List<String> errors =
          diagnostics.getDiagnostics().stream()
              .filter(diagnostic -> diagnostic.getKind() == Diagnostic.Kind.ERROR)
              .map(Object::toString)
              .toList();
      assertThat(errors).as("compiler errors").isEmpty();
      assertThat(compiled).isTrue();
    }
  }

  private static List<Path> sources(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(path -> path.toString().endsWith(".java")).sorted().toList();
    }
  }

  private static List<String> files(Path root) {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(Files::isRegularFile)
          .map(path -> root.relativize(path).toString().replace('\\', '/'))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Document xml(Path file) throws Exception {
    return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
  }

  /** The text of {@code parent}'s own child element {@code tag}. */
  private static String child(Element parent, String tag) {
    NodeList children = parent.getChildNodes();
    for (int i = 0; i < children.getLength(); i++) {
      if (children.item(i) instanceof Element element && element.getTagName().equals(tag)) {
        return element.getTextContent().trim();
      }
    }
    throw new AssertionError("no <" + tag + "> in <" + parent.getTagName() + ">");
  }

  private static String text(Element parent, String tag) {
    return parent.getElementsByTagName(tag).item(0).getTextContent().trim();
  }
}
