package io.lakeplan.workspace;

import io.lakeplan.codec.Document;
import io.lakeplan.codec.UseCaseCodec;
import io.lakeplan.model.UseCase;
import io.lakeplan.plan.Plan;
import io.lakeplan.validation.Problem;
import io.lakeplan.validation.ProblemCode;
import io.lakeplan.validation.SourceLocation;
import io.lakeplan.validation.ValidationException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The use cases of a folder (searched recursively for {@code .yaml} and {@code .yml} files) or of
 * one file. A corrupt, invalid, empty or unreadable file never stops the others: it is left out and
 * its problems are reported, and so is a use case that depends on one left out. A file with
 * problems of its own is left out before the files are checked against each other, so it cannot
 * fail a valid one by sharing its name, tables or DAG ids. {@link #loadStrict(Path)} turns any
 * problem into a failure, for CI.
 */
public final class Workspace {
  private static final Logger LOG = LoggerFactory.getLogger(Workspace.class);

  private final List<LoadedUseCase> useCases;
  private final List<Problem> problems;
  private final List<Problem> warnings;
  private final int files;
  private final Map<String, String> legacyNames;

  /**
   * The compilation of the valid use cases that the load's last check across files ran and found
   * clean, which {@link #plan()} builds the plan from; null when there was none (then it plans them
   * anew).
   */
  private final PlanCompiler.Compilation compilation;

  private Workspace(
      List<LoadedUseCase> useCases,
      List<Problem> problems,
      List<Problem> warnings,
      int files,
      Map<String, String> legacyNames,
      PlanCompiler.Compilation compilation) {
    this.useCases = List.copyOf(useCases);
    this.problems = List.copyOf(problems);
    this.warnings = List.copyOf(warnings);
    this.files = files;
    this.legacyNames = Map.copyOf(legacyNames);
    this.compilation = compilation;
  }

  /**
   * The use-case name the legacy-format file {@code file} (as problems name it) gets in this
   * workspace: its base name, or its path when another file has the same base name; null for a file
   * the workspace does not have.
   */
  public String legacyName(String file) {
    return legacyNames.get(file);
  }

  /**
   * Loads every use case under {@code path}, keeping the valid ones.
   *
   * @throws UncheckedIOException only when {@code path} itself cannot be listed
   */
  public static Workspace load(Path path) {
    List<Path> paths = files(path);
    Map<String, Document> documents = new LinkedHashMap<>();
    Map<String, String> texts = new LinkedHashMap<>();
    List<Problem> problems = new ArrayList<>();
    LeftOut leftOut = new LeftOut();
    Map<String, Path> files = new LinkedHashMap<>();
    for (Path file : paths) {
      files.put(
          Files.isDirectory(path)
              ? path.relativize(file).toString()
              : file.getFileName().toString(),
          file);
    }
    // a legacy use case is named after its file; two files of one base name in different
    // folders are two use cases, named after their paths
    Map<String, String> legacyNames = UseCaseCodec.legacyNames(files.keySet());
    for (Map.Entry<String, Path> entry : files.entrySet()) {
      String name = entry.getKey();
      String legacyName = legacyNames.get(name);
      String text = readText(entry.getValue(), name, problems);
      if (text == null) {
        continue;
      }
      Document document;
      try {
        document = UseCaseCodec.read(name, text, legacyName);
      } catch (RuntimeException e) {
        problems.add(internalError(name, "reading", e));
        continue;
      }
      problems.addAll(document.problems());
      if (document.useCase() != null) {
        documents.put(name, document);
        texts.put(name, text);
      } else if (document.readable() != null) {
        problems.addAll(restOfFile(name, text, document));
        leftOut.add(name, document.readable());
      }
    }
    PlanCompiler.Compilation[] compilation = new PlanCompiler.Compilation[1];
    List<LoadedUseCase> valid = validate(documents, texts, problems, leftOut, compilation);
    List<Problem> warnings = new ArrayList<>();
    for (LoadedUseCase loaded : valid) {
      warnings.addAll(
          locate(
              loaded.file(),
              texts.get(loaded.file()),
              Validator.warnings(loaded.useCase()),
              loaded.legacy()));
    }
    LOG.info(
        "Loaded {} of {} use-case files from {} ({} problems, {} warnings)",
        valid.size(),
        paths.size(),
        path,
        problems.size(),
        warnings.size());
    return new Workspace(valid, problems, warnings, paths.size(), legacyNames, compilation[0]);
  }

  /**
   * Loads like {@link #load(Path)} but fails on any problem (warnings are no problems).
   *
   * @throws ValidationException listing every problem of every file
   */
  public static Workspace loadStrict(Path path) {
    Workspace workspace = load(path);
    if (!workspace.problems.isEmpty()) {
      throw new ValidationException(workspace.problems);
    }
    return workspace;
  }

  private static List<Path> files(Path path) {
    if (!Files.isDirectory(path)) {
      return List.of(path);
    }
    try (Stream<Path> walk = Files.walk(path)) {
      return walk.filter(Files::isRegularFile)
          .filter(
              file -> {
                String lower = file.getFileName().toString().toLowerCase(Locale.ROOT);
                return lower.endsWith(".yaml") || lower.endsWith(".yml");
              })
          .sorted(Comparator.comparing(Path::toString))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list use-case files under " + path, e);
    }
  }

  private static String readText(Path file, String name, List<Problem> problems) {
    SourceLocation location = new SourceLocation(name, 0, 0);
    try {
      long size = Files.size(file);
      if (size > 4L * UseCaseCodec.MAX_DOCUMENT_CHARS) {
        problems.add(
            new Problem(
                null,
                "",
                ProblemCode.UNSAFE_DOCUMENT,
                "File has "
                    + size
                    + " bytes, more than the limit; split it into several use-case files",
                location));
        return null;
      }
      return StandardCharsets.UTF_8
          .newDecoder()
          .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file)))
          .toString();
    } catch (CharacterCodingException e) {
      problems.add(
          new Problem(
              null,
              "",
              ProblemCode.UNREADABLE_FILE,
              "File is not UTF-8 text; save it as UTF-8",
              location));
    } catch (IOException e) {
      problems.add(
          new Problem(
              null,
              "",
              ProblemCode.UNREADABLE_FILE,
              "Cannot read file: " + e.getMessage(),
              location));
    }
    return null;
  }

  /**
   * Validates each document on its own, leaving out those with problems, then the rest as one
   * workspace, dropping the files with problems until the rest is clean. A file with problems of
   * its own never takes part in the cross-file checks, so it cannot take valid files down with it
   * (by sharing their use-case name, tables or DAG ids); its references are checked once it is
   * fixed. The compilation of the check that found the rest clean goes to {@code compilation[0]}.
   */
  private static List<LoadedUseCase> validate(
      Map<String, Document> documents,
      Map<String, String> texts,
      List<Problem> problems,
      LeftOut leftOut,
      PlanCompiler.Compilation[] compilation) {
    Map<String, Document> remaining = new LinkedHashMap<>();
    for (Map.Entry<String, Document> entry : documents.entrySet()) {
      String file = entry.getKey();
      Document document = entry.getValue();
      try {
        List<Problem> own = Validator.validate(document.useCase());
        if (own.isEmpty()) {
          remaining.put(file, document);
        } else {
          problems.addAll(locate(file, texts.get(file), own, document.legacy()));
          leftOut.add(file, document.useCase());
        }
      } catch (RuntimeException e) {
        problems.add(internalError(file, "checking", e));
      }
    }
    Set<String> reported = new HashSet<>();
    while (!remaining.isEmpty()) {
      List<UseCase> useCases = remaining.values().stream().map(Document::useCase).toList();
      WorkspaceRules.Checked checked = WorkspaceRules.checkAndCompile(useCases, true, leftOut);
      List<Problem> found = checked.problems();
      if (found.isEmpty()) {
        compilation[0] = checked.compilation();
        break;
      }
      Set<String> failing = new HashSet<>();
      found.forEach(problem -> failing.add(problem.useCase()));
      List<String> dropped = new ArrayList<>();
      for (Map.Entry<String, Document> entry : remaining.entrySet()) {
        if (failing.contains(entry.getValue().useCase().name())) {
          dropped.add(entry.getKey());
        }
      }
      for (String file : dropped) {
        Document document = remaining.remove(file);
        leftOut.add(file, document.useCase());
        List<Problem> own =
            found.stream()
                .filter(problem -> document.useCase().name().equals(problem.useCase()))
                .filter(
                    problem ->
                        reported.add(
                            file + "\u0000" + problem.path() + "\u0000" + problem.message()))
                .toList();
        problems.addAll(locate(file, texts.get(file), own, document.legacy()));
      }
      if (dropped.isEmpty()) {
        break;
      }
    }
    List<LoadedUseCase> valid = new ArrayList<>();
    remaining.forEach(
        (file, document) ->
            valid.add(new LoadedUseCase(file, document.useCase(), document.legacy())));
    return valid;
  }

  /**
   * The problems of the part of a file that could be read, beside its reading problems, so that
   * every problem of the file shows at once: the rules are applied to the use case as far as it was
   * read, leaving out what they say at, above or below a value that could not be read (a wrongly
   * shaped value was read as empty, and "missing" would repeat its problem).
   */
  private static List<Problem> restOfFile(String file, String text, Document document) {
    try {
      return UseCaseCodec.locateBeside(document, text, Validator.validate(document.readable()));
    } catch (RuntimeException e) {
      return List.of(internalError(file, "checking", new IllegalStateException(e)));
    }
  }

  /**
   * The last line of defence: a bug met while reading or checking one file becomes an {@link
   * ProblemCode#INTERNAL} problem of that file, so that the other files still load. The stack trace
   * is logged at INFO ({@code lakeplan --verbose} shows it). Every such bug is to be fixed where it
   * happens; the generated-input tests (FrontEndFuzzTest) fail on any of these problems.
   */
  private static Problem internalError(String file, String doing, RuntimeException error) {
    LOG.info("Internal error while {} {}", doing, file, error);
    String message = error.getMessage() == null ? "" : ": " + error.getMessage();
    return new Problem(
        null,
        "",
        ProblemCode.INTERNAL,
        "Internal error while "
            + doing
            + " this file ("
            + error.getClass().getSimpleName()
            + message
            + "); the file is left out, the others are not affected. This is a Lakeplan bug:"
            + " please report it with the file",
        new SourceLocation(file, 0, 0));
  }

  private static List<Problem> locate(
      String file, String text, List<Problem> problems, boolean legacy) {
    if (problems.isEmpty()) {
      return List.of(); // nothing to locate: the file need not be parsed again
    }
    try {
      return UseCaseCodec.locate(file, text, problems, legacy);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("A file that loaded once failed to load again: " + file, e);
    }
  }

  /** The valid use cases, by file path order. */
  public List<LoadedUseCase> useCases() {
    return useCases;
  }

  /** Every problem of every file, located by file, line and column. */
  public List<Problem> problems() {
    return problems;
  }

  /**
   * What the valid use cases risk without being invalid ({@link Validator#warnings}), located like
   * problems; they never leave a file out or fail a strict load.
   */
  public List<Problem> warnings() {
    return warnings;
  }

  /** How many use-case files were found. */
  public int fileCount() {
    return files;
  }

  /** Whether every file loaded without problems. */
  public boolean isClean() {
    return problems.isEmpty();
  }

  /** The plan of the valid use cases. */
  public Plan plan() {
    if (compilation != null) {
      return compilation.plan();
    }
    return Planner.plan(useCases.stream().map(LoadedUseCase::useCase).toList());
  }
}
