package io.lakeplan.cli;

import io.lakeplan.aws.airflow.AirflowRenderer;
import io.lakeplan.aws.airflow.Rendering;
import io.lakeplan.codec.Document;
import io.lakeplan.codec.UseCaseCodec;
import io.lakeplan.env.AirflowSettings;
import io.lakeplan.fuzz.MutatedDocument;
import io.lakeplan.model.UseCase;
import io.lakeplan.plan.Plan;
import io.lakeplan.validation.Problem;
import io.lakeplan.validation.ProblemCode;
import io.lakeplan.validation.ValidationException;
import io.lakeplan.workspace.LoadedUseCase;
import io.lakeplan.workspace.Planner;
import io.lakeplan.workspace.Validator;
import io.lakeplan.workspace.Workspace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs one use-case document through the whole front end — {@code Workspace.load}, {@code
 * UseCaseCodec.read}, {@code Validator}, {@code Planner}, plan JSON, {@code AirflowRenderer} (both
 * cross-DAG modes), legacy import and the Mermaid graph — and, on request, through the {@code
 * lakeplan} commands, and reports everything that comes out other than path-addressed problems: any
 * exception or error, a problem without a file location, a command exiting 2 or printing a stack
 * trace, and results that contradict each other (a clean load that will not plan, an imported
 * legacy file that does not read back). Used by {@code FrontEndFuzzTest} and by the
 * 100,000-document harness in {@code bench/}.
 */
public final class FrontEndChain {
  /** Where a document was when something escaped. */
  public enum Stage {
    LOAD,
    READ,
    VALIDATE,
    PLAN,
    PLAN_JSON,
    RENDER_AIRFLOW,
    IMPORT_LEGACY,
    GRAPH,
    CLI,
    /** The chain took longer than {@link #SLOW_NANOS} for one document. */
    TIME
  }

  /**
   * A document slower than this is reported: the slowest take well under a second, so ten means
   * work growing faster than the document (a quadratic pass), not a busy machine.
   */
  static final long SLOW_NANOS = 10_000_000_000L;

  /**
   * Something other than a path-addressed problem.
   *
   * @param stage where
   * @param detail the exception with its first frames, or the broken invariant
   */
  public record Escape(Stage stage, String detail) {
    @Override
    public String toString() {
      return stage + ": " + detail;
    }
  }

  /**
   * What one document gave.
   *
   * @param clean whether it loaded without problems
   * @param problems how many problems loading reported
   * @param escapes everything that escaped; empty when the front end held
   * @param nanos how long the chain took
   */
  /**
   * What the front end made of a document. {@code importable}: whether {@code import-legacy} should
   * take it, which, unlike the other commands, keeps a legacy {@code depends_on} entry naming a DAG
   * outside the imported files as a note (the use case may join a workspace that defines it); a
   * native document's dangling {@code dependencies} entry is a problem there as everywhere.
   */
  public record Outcome(
      boolean clean, boolean importable, int problems, List<Escape> escapes, long nanos) {}

  /**
   * The {@code lakeplan} invocations run per document; {@code FILE} and {@code OUT} are replaced.
   */
  public static final List<List<String>> COMMANDS =
      List.of(
          List.of("validate", "FILE"),
          List.of("validate", "--strict", "--format", "json", "FILE"),
          List.of("plan", "FILE"),
          List.of("plan", "--format", "json", "FILE"),
          List.of("graph", "FILE"),
          List.of("render", "airflow", "FILE", "--out", "OUT"),
          List.of("import-legacy", "FILE", "--out", "OUT"));

  /**
   * What a JVM exception caught and shown as a problem looks like (its class name or the JDK's
   * helpful NullPointerException text), and what the parsers' own wording looks like (Jackson's
   * coercion and number texts, its feature and class names, Java's overflow and number-format
   * texts): problems name the bad value and the fix in Lakeplan's words (issue 24).
   */
  private static final Pattern INTERNAL_TEXT =
      Pattern.compile(
          "Exception\\b|java\\.lang\\.|Cannot (invoke|read field|load from|store to) \"|because"
              + " \"[^\"]*\" is null|Cannot (coerce|map|deserialize|construct)|Expected a Json"
              + " value|long overflow|For input string|DeserializationFeature|CoercionConfig"
              + "|StreamReadConstraints|\\$Json|Immutable[A-Z]\\w+|not a valid `|recognized$"
              + "|no error message provided");

  private static final AirflowSettings DATASETS = AirflowSettings.defaults();
  private static final AirflowSettings SENSORS =
      AirflowSettings.builder().crossDagMode(AirflowSettings.CrossDagMode.SENSORS).build();

  private final Path directory;

  /**
   * A chain writing each document into {@code directory} (which it creates), one at a time.
   *
   * @param directory a folder of its own; the chain deletes what it writes there
   */
  public FrontEndChain(Path directory) {
    this.directory = directory;
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create " + directory, e);
    }
  }

  /** Runs {@code document} through the library chain. */
  public Outcome run(MutatedDocument document) {
    long start = System.nanoTime();
    Path file = write(document);
    try {
      List<Escape> escapes = new ArrayList<>();
      Workspace workspace = check(file, document, escapes);
      long nanos = System.nanoTime() - start;
      if (nanos > SLOW_NANOS) {
        escapes.add(
            new Escape(
                Stage.TIME,
                String.format(
                    java.util.Locale.ROOT,
                    "took %.1f s (%d bytes)",
                    nanos / 1e9,
                    document.bytes().length)));
      }
      return new Outcome(
          workspace != null && workspace.isClean(),
          workspace != null
              && workspace.problems().stream()
                  .allMatch(
                      problem ->
                          problem.code() == ProblemCode.DANGLING_DEPENDENCY
                              && problem.path().contains(".depends_on[")),
          workspace == null ? 0 : workspace.problems().size(),
          escapes,
          nanos);
    } finally {
      delete(file);
    }
  }

  /**
   * Runs {@code document} through every command of {@link #COMMANDS}: each must exit 0 when the
   * file is clean and 1 when it has problems, and print no stack trace or internal error.
   */
  public List<Escape> runCommands(MutatedDocument document, Outcome outcome) {
    Path file = write(document);
    Path out = directory.resolve("out");
    List<Escape> escapes = new ArrayList<>();
    try {
      for (List<String> command : COMMANDS) {
        String[] args =
            command.stream()
                .map(arg -> arg.equals("FILE") ? file.toString() : arg)
                .map(arg -> arg.equals("OUT") ? out.toString() : arg)
                .toArray(String[]::new);
        boolean clean =
            command.get(0).equals("import-legacy")
                ? outcome.importable()
                : outcome.clean() && (!command.get(0).equals("render") || rendersClean(file));
        CliRun run;
        try {
          run = CliRun.of(args);
        } catch (RuntimeException | Error e) {
          escapes.add(new Escape(Stage.CLI, String.join(" ", command) + " threw " + trace(e)));
          continue;
        }
        boolean strict = command.contains("--strict");
        // --strict also refuses a clean legacy file: 0 or 1 then, never 2
        boolean expected =
            strict && clean
                ? run.exitCode() == 0 || run.exitCode() == 1
                : run.exitCode() == (clean ? 0 : 1);
        if (!expected) {
          escapes.add(
              new Escape(
                  Stage.CLI,
                  String.join(" ", command)
                      + " exited "
                      + run.exitCode()
                      + " for a "
                      + (clean ? "clean" : "problem")
                      + " file; stderr: "
                      + firstLines(run.err())));
        }
        if (run.err().contains("\tat ")
            || run.err().contains("Exception")
            || run.err().contains("lakeplan: error")) {
          escapes.add(
              new Escape(
                  Stage.CLI,
                  String.join(" ", command) + " printed an error: " + firstLines(run.err())));
        }
      }
      return escapes;
    } finally {
      delete(file);
      deleteTree(out);
    }
  }

  /**
   * Whether {@code render airflow} without an environment renders every DAG of the file: one whose
   * DAGs need an environment's setting (e-mail targets need its e-mail topic) is left out with a
   * problem, and the command exits 1.
   */
  private static boolean rendersClean(Path file) {
    Workspace workspace = Workspace.load(file);
    return AirflowRenderer.to(DATASETS).render(workspace).problems().size()
        == workspace.problems().size();
  }

  private Workspace check(Path file, MutatedDocument document, List<Escape> escapes) {
    String name = file.getFileName().toString();
    Workspace workspace = stage(Stage.LOAD, escapes, () -> Workspace.load(file));
    if (workspace == null) {
      return null;
    }
    addressed(Stage.LOAD, workspace.problems(), name, escapes);
    if (workspace.isClean() != (workspace.useCases().size() == 1)) {
      escapes.add(
          new Escape(
              Stage.LOAD,
              workspace.useCases().size()
                  + " use cases loaded with "
                  + workspace.problems().size()
                  + " problems"));
    }
    readAndValidate(name, document, workspace, escapes);
    Plan plan = stage(Stage.PLAN, escapes, workspace::plan);
    if (plan != null) {
      stage(
          Stage.PLAN_JSON,
          escapes,
          () -> {
            String json = UseCaseCodec.toJson(plan);
            if (!UseCaseCodec.planFromJson(json).equals(plan)) {
              throw new AssertionError("the plan JSON does not read back as the plan");
            }
            return json;
          });
      for (AirflowSettings target : List.of(DATASETS, SENSORS)) {
        stage(
            Stage.RENDER_AIRFLOW,
            escapes,
            () -> {
              Rendering rendering = AirflowRenderer.to(target).render(workspace);
              // a DAG the target cannot render (sensors waiting for a manual DAG) is one problem
              int refused = rendering.problems().size() - workspace.problems().size();
              if (rendering.files().size() + refused != plan.dags().size() + 1) {
                throw new AssertionError(
                    rendering.files().size()
                        + " files and "
                        + refused
                        + " refused DAGs for "
                        + plan.dags().size()
                        + " DAGs");
              }
              return rendering;
            });
      }
      stage(Stage.GRAPH, escapes, () -> GraphCommand.mermaid(plan) + GraphCommand.dot(plan));
    }
    for (LoadedUseCase loaded : workspace.useCases()) {
      if (loaded.legacy()) {
        stage(Stage.IMPORT_LEGACY, escapes, () -> importLegacy(loaded.useCase()));
      }
    }
    return workspace;
  }

  /**
   * The document read again from lenient text (malformed UTF-8 replaced), validated alone and as a
   * workspace, and planned: a use case plans exactly when it validates, and the workspace is clean
   * exactly when reading and validation found nothing.
   */
  private void readAndValidate(
      String name, MutatedDocument document, Workspace workspace, List<Escape> escapes) {
    Document read = stage(Stage.READ, escapes, () -> UseCaseCodec.read(name, document.text()));
    if (read == null) {
      return;
    }
    addressed(Stage.READ, read.problems(), name, escapes);
    UseCase useCase = read.useCase();
    if (useCase == null) {
      return;
    }
    List<Problem> alone = stage(Stage.VALIDATE, escapes, () -> Validator.validate(useCase));
    List<Problem> whole =
        stage(Stage.VALIDATE, escapes, () -> Validator.validate(List.of(useCase)));
    if (alone == null || whole == null) {
      return;
    }
    stage(
        Stage.PLAN,
        escapes,
        () -> {
          try {
            Plan plan = Planner.plan(useCase);
            if (!whole.isEmpty()) {
              throw new AssertionError("planned although validation found " + whole);
            }
            return plan;
          } catch (ValidationException e) {
            if (!e.problems().equals(whole)) {
              throw new AssertionError("the planner's problems differ from the validator's", e);
            }
            return null;
          }
        });
    if (strictUtf8(document.bytes())
        && read.problems().isEmpty()
        && whole.isEmpty() != workspace.isClean()) {
      escapes.add(
          new Escape(
              Stage.VALIDATE,
              "validation found "
                  + whole.size()
                  + " problems but the workspace is "
                  + (workspace.isClean() ? "clean" : "not clean: " + workspace.problems())));
    }
  }

  /** What {@code import-legacy} writes must read back as the same, valid use case. */
  private static String importLegacy(UseCase useCase) {
    String yaml = UseCaseCodec.toYaml(useCase);
    Document back = UseCaseCodec.read(useCase.name() + ".yaml", yaml);
    if (!back.problems().isEmpty() || !useCase.equals(back.useCase())) {
      throw new AssertionError(
          "imported use case does not read back: " + back.problems() + "\n" + yaml);
    }
    List<Problem> problems = Validator.validate(back.useCase());
    if (!problems.isEmpty()) {
      throw new AssertionError("imported use case is not valid: " + problems);
    }
    return yaml;
  }

  /**
   * Every problem must name the file, a path, a code and a message, and none may be an internal
   * error caught by the workspace's last line of defence.
   */
  private static void addressed(
      Stage stage, List<Problem> problems, String file, List<Escape> escapes) {
    for (Problem problem : problems) {
      if (problem.code() == ProblemCode.INTERNAL) {
        escapes.add(new Escape(stage, "internal error caught as a problem: " + problem));
      } else if (INTERNAL_TEXT.matcher(problem.message()).find()) {
        escapes.add(
            new Escape(stage, "an exception's or a parser's text as a problem: " + problem));
      } else if (problem.location() == null
          || !file.equals(problem.location().file())
          || problem.location().line() < 0
          || problem.location().column() < 0
          || problem.message().isBlank()) {
        escapes.add(new Escape(stage, "problem not addressed in " + file + ": " + problem));
      }
    }
  }

  private static <T> T stage(Stage stage, List<Escape> escapes, Callable<T> work) {
    try {
      return work.call();
    } catch (Exception | Error e) {
      escapes.add(new Escape(stage, trace(e)));
      return null;
    }
  }

  /** The throwable, its message and the first frames inside Lakeplan. */
  static String trace(Throwable throwable) {
    StringBuilder text = new StringBuilder(throwable.getClass().getName());
    if (throwable.getMessage() != null) {
      text.append(": ").append(firstLines(throwable.getMessage()));
    }
    int shown = 0;
    for (StackTraceElement frame : throwable.getStackTrace()) {
      if (frame.getClassName().startsWith("io.lakeplan.") && shown++ < 4) {
        text.append(" at ").append(frame);
      }
    }
    if (throwable.getCause() != null && throwable.getCause() != throwable) {
      text.append(" caused by ").append(trace(throwable.getCause()));
    }
    return text.toString();
  }

  private static String firstLines(String text) {
    String trimmed = text.strip();
    List<String> lines = trimmed.lines().limit(3).toList();
    String shown = String.join(" | ", lines);
    return shown.length() > 400 ? shown.substring(0, 400) + "…" : shown;
  }

  private static boolean strictUtf8(byte[] bytes) {
    try {
      StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private Path write(MutatedDocument document) {
    Path file = directory.resolve(document.fileName());
    try {
      Files.write(file, document.bytes());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file, e);
    }
    return file;
  }

  private static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete " + file, e);
    }
  }

  static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete " + root, e);
    }
  }
}
