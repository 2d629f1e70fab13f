package io.lakeplan.cli;

import io.lakeplan.model.Identifiers;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lakeplan init NAME [--kind java|yaml] [--dir FOLDER]}: a new use case in its own folder
 * (by default {@code ./NAME}), small but real, that validates and whose test passes as made:
 * historical CSV files migrated into {@code raw.TABLE} and upserted into {@code process.TABLE},
 * where TABLE is NAME with {@code -} as {@code _} (and a leading {@code _} before a digit, as table
 * names need).
 *
 * <p>Both kinds are a Maven project with a testkit test ({@code PipelineTestDriver}, in memory) and
 * an {@code environment.yaml} holding the embedded local defaults. {@code --kind java} (the
 * default: the DSL is the source of truth) defines the use case with {@code UseCase.named(…)} in
 * {@code src/main/java}; {@code --kind yaml} writes {@code use-cases/NAME.yaml} in the native
 * format, which the test loads as {@code lakeplan validate} does. The templates are resources under
 * {@code io/lakeplan/cli/init/}.
 *
 * <p>A NAME that is not a valid use-case name, or a folder that exists and is not empty, is a usage
 * error (exit 2) on one line; nothing is written then.
 */
@Command(
    name = "init",
    mixinStandardHelpOptions = true,
    description =
        "Create a new use case in its own folder: a Maven project with the use case (Java or YAML),"
            + " a testkit test that runs it in memory, and environment.yaml (the local defaults).")
final class InitCommand implements Callable<Integer> {
  /** What defines the use case. */
  enum Kind {
    java,
    yaml
  }

  /** The package of the generated classes. */
  static final String PACKAGE = "com.example.lakeplan";

  private static final String TEMPLATES = "init/";

  @Parameters(
      index = "0",
      paramLabel = "NAME",
      description =
          "The use-case name: lower-case letters, digits, - and _, starting with a letter or digit,"
              + " at most 63 characters (it prefixes every DAG id).")
  String name;

  @Option(
      names = "--kind",
      defaultValue = "java",
      description =
          "How the use case is defined: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Kind kind;

  @Option(
      names = "--dir",
      paramLabel = "FOLDER",
      description = "Where to create it (default: ./NAME); must not exist or be empty.")
  Path dir;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    if (!Identifiers.isValidStepId(name)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "Invalid use-case name '"
              + name
              + "': use lower-case letters, digits, - and _, starting with a letter or digit, at"
              + " most 63 characters (it prefixes every DAG id)");
    }
    Path folder = dir == null ? Path.of(name) : dir;
    if (!isEmptyOrMissing(folder)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          folder
              + " exists and is not an empty folder; choose another with --dir FOLDER, or empty"
              + " it");
    }
    Map<String, String> files = files(name, kind);
    try {
      for (Map.Entry<String, String> file : files.entrySet()) {
        Path target = folder.resolve(file.getKey());
        Files.createDirectories(target.getParent());
        Files.writeString(target, file.getValue(), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the use case into " + folder, e);
    }
    spec.commandLine()
        .getOut()
        .println(
            "Created use case "
                + name
                + " ("
                + kind
                + ") in "
                + folder
                + ": "
                + String.join(", ", files.keySet()));
    spec.commandLine()
        .getOut()
        .println(
            "Next: cd "
                + folder
                + (kind == Kind.yaml ? " && lakeplan validate use-cases" : "")
                + " && mvn test");
    spec.commandLine().getOut().flush();
    return LakeplanCli.OK;
  }

  /** The files of use case {@code name} of kind {@code kind}: relative path to content. */
  static Map<String, String> files(String name, Kind kind) {
    Map<String, String> values = values(name);
    String sources = PACKAGE.replace('.', '/') + "/";
    String className = values.get("class");
    Map<String, String> files = new LinkedHashMap<>();
    files.put("pom.xml", fill(kind + "/pom.xml.tmpl", values));
    files.put("README.md", fill(kind + "/README.md.tmpl", values));
    files.put("environment.yaml", fill("common/environment.yaml.tmpl", values));
    files.put(".gitignore", fill("common/gitignore.tmpl", values));
    if (kind == Kind.java) {
      files.put(
          "src/main/java/" + sources + className + ".java", fill("java/UseCase.java.tmpl", values));
    } else {
      files.put("use-cases/" + name + ".yaml", fill("yaml/use-case.yaml.tmpl", values));
    }
    files.put(
        "src/test/java/" + sources + className + "Test.java",
        fill(kind + "/UseCaseTest.java.tmpl", values));
    return files;
  }

  /** The table name of use case {@code name}: a safe SQL identifier. */
  static String tableName(String name) {
    String table = name.replace('-', '_');
    return Character.isDigit(table.charAt(0)) ? "_" + table : table;
  }

  /** The class name of use case {@code name}: its words capitalized, then {@code UseCase}. */
  static String className(String name) {
    StringBuilder className = new StringBuilder();
    for (String word : name.split("[-_]+")) {
      if (!word.isEmpty()) {
        className.append(word.substring(0, 1).toUpperCase(Locale.ROOT)).append(word.substring(1));
      }
    }
    if (className.length() == 0 || Character.isDigit(className.charAt(0))) {
      className.insert(0, "UseCase");
    }
    return className.append("UseCase").toString();
  }

  private static Map<String, String> values(String name) {
    Properties versions = new Properties();
    try (InputStream in = resource("versions.properties")) {
      versions.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the init templates' versions", e);
    }
    return Map.of(
        "name", name,
        "table", tableName(name),
        "class", className(name),
        "package", PACKAGE,
        "packagePath", PACKAGE.replace('.', '/'),
        "lakeplanVersion", versions.getProperty("lakeplan"),
        "junitVersion", versions.getProperty("junit"));
  }

  private static String fill(String template, Map<String, String> values) {
    String text;
    try (InputStream in = resource(template)) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the init template " + template, e);
    }
    for (Map.Entry<String, String> value : values.entrySet()) {
      text = text.replace("{{" + value.getKey() + "}}", value.getValue());
    }
    if (text.contains("{{")) {
      throw new IllegalStateException("Unfilled placeholder in the init template " + template);
    }
    return text;
  }

  private static InputStream resource(String name) throws IOException {
    InputStream in = InitCommand.class.getResourceAsStream(TEMPLATES + name);
    if (in == null) {
      throw new IOException("Missing resource io/lakeplan/cli/" + TEMPLATES + name);
    }
    return in;
  }

  private static boolean isEmptyOrMissing(Path folder) {
    if (!Files.exists(folder)) {
      return true;
    }
    if (!Files.isDirectory(folder)) {
      return false;
    }
    try (Stream<Path> entries = Files.list(folder)) {
      return entries.findAny().isEmpty();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + folder, e);
    }
  }
}
