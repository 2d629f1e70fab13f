package io.lakeplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.aws.airflow.AirflowRenderer;
import io.lakeplan.aws.airflow.RenderedFile;
import io.lakeplan.codec.Document;
import io.lakeplan.codec.UseCaseCodec;
import io.lakeplan.env.AirflowSettings;
import io.lakeplan.fuzz.DocumentMutator;
import io.lakeplan.fuzz.MutatedDocument;
import io.lakeplan.fuzz.MutationKind;
import io.lakeplan.fuzz.SeedDocument;
import io.lakeplan.fuzz.SeedDocuments;
import io.lakeplan.workspace.LoadedUseCase;
import io.lakeplan.workspace.Validator;
import io.lakeplan.workspace.Workspace;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generated-input testing of the whole front end (issue 14): 10,000 mutated documents per run
 * through load, read, validate, plan, plan JSON, Airflow rendering, legacy import and the graph, a
 * sample of them through every {@code lakeplan} command, and folders of valid and mutated files.
 *
 * <p>Each run draws a new seed unless {@code -Dlakeplan.fuzz.seed=S} fixes it; a failure names the
 * seed, the documents and their minimised text, so {@code ./mvnw -pl sdk-cli test
 * -Dtest=FrontEndFuzzTest -Dlakeplan.fuzz.seed=S} reproduces it. {@code
 * -Dlakeplan.fuzz.documents=N} changes the count.
 */
class FrontEndFuzzTest {
  private static final long SEED =
      Long.getLong("lakeplan.fuzz.seed", System.nanoTime() ^ System.currentTimeMillis() << 20);
  private static final int DOCUMENTS = Integer.getInteger("lakeplan.fuzz.documents", 10_000);

  /** The machine's cores, at most 4: the documents are independent. */
  private static final int THREADS =
      Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));

  /** One document in this many also goes through every command. */
  private static final int COMMAND_SAMPLE = 50;

  /** Folders of valid and mutated files per run, and mutated files in each. */
  private static final int FOLDER_ROUNDS = 3;

  private static final int MUTANTS_PER_FOLDER = 150;

  private static DocumentMutator mutator;

  @TempDir Path work;

  @BeforeAll
  static void seed() {
    mutator = DocumentMutator.forRepository(SEED);
  }

  private static String reproduce() {
    return "seed "
        + SEED
        + " (rerun: ./mvnw -pl sdk-cli test -Dtest=FrontEndFuzzTest -Dlakeplan.fuzz.seed="
        + SEED
        + ")";
  }

  @Test
  void mutatedDocuments_throughTheWholeFrontEnd_giveOnlyPathAddressedProblems() {
    FuzzReport report = FuzzRun.run(mutator, DOCUMENTS, THREADS, COMMAND_SAMPLE, work);

    System.out.println(report.summary(reproduce()));
    assertThat(report.documentsWithEscapes())
        .as("%s\n%s", reproduce(), report.describeEscapes())
        .isZero();
    int kinds = MutationKind.values().length;
    assertThat(report.documents())
        .as("every kind gets its share")
        .hasSize(kinds)
        .allSatisfy((kind, count) -> assertThat(count).isGreaterThanOrEqualTo(DOCUMENTS / kinds));
    // The generator must keep reaching the planner and the renderer, not only the YAML parser.
    assertThat(report.cleanDocuments())
        .as("documents that still load clean, %s", reproduce())
        .isGreaterThan(DOCUMENTS / 50);
    assertThat(report.documentsWithProblems())
        .as("documents with problems, %s", reproduce())
        .isGreaterThan(DOCUMENTS / 2);
  }

  @Test
  void folderOfValidAndMutatedFiles_yieldsExactlyTheValidUseCasesPlansAndDagFiles()
      throws IOException {
    Map<String, String> valid = validFiles();
    assertThat(valid).as("valid use cases to mix with mutants").hasSizeGreaterThanOrEqualTo(6);
    // Mutants of the valid files themselves share their names, tables and DAG ids.
    List<SeedDocument> seeds = new ArrayList<>();
    valid.forEach((name, text) -> seeds.add(new SeedDocument(name, text)));
    DocumentMutator folderMutator =
        new DocumentMutator(SEED, seeds, SeedDocuments.files(SeedDocuments.repositoryRoot()));
    long next = 0;
    for (int round = 0; round < FOLDER_ROUNDS; round++) {
      Map<String, byte[]> mutants = new TreeMap<>();
      for (; mutants.size() < MUTANTS_PER_FOLDER; next++) {
        MutatedDocument mutant = folderMutator.document(next);
        String name = (next % 3 == 0 ? "team-b/" : "") + mutant.fileName();
        if (hasProblemsOfItsOwn(name, mutant.bytes())) {
          mutants.put(name, mutant.bytes());
        }
      }
      Path validOnly = work.resolve("round-" + round + "/valid");
      Path mixed = work.resolve("round-" + round + "/mixed");
      write(validOnly, valid, Map.of());
      write(mixed, valid, mutants);

      String context = reproduce() + ", folder round " + round + " (mutants up to #" + next + ")";
      assertFolderYieldsTheValidOnes(validOnly, mixed, mutants.keySet(), context);
    }
  }

  private static void assertFolderYieldsTheValidOnes(
      Path validOnly, Path mixed, Set<String> mutants, String context) throws IOException {
    Workspace expected = Workspace.load(validOnly);
    Workspace actual = Workspace.load(mixed);
    assertThat(expected.problems()).as(context).isEmpty();
    assertThat(actual.useCases()).as(context).containsExactlyElementsOf(expected.useCases());
    assertThat(actual.problems())
        .as(context)
        .extracting(problem -> problem.location().file())
        .containsOnlyElementsOf(mutants)
        .containsAll(mutants);
    assertThat(UseCaseCodec.toJson(actual.plan()))
        .as(context)
        .isEqualTo(UseCaseCodec.toJson(expected.plan()));
    assertThat(GraphCommand.mermaid(actual.plan()))
        .as(context)
        .isEqualTo(GraphCommand.mermaid(expected.plan()));
    assertThat(GraphCommand.dot(actual.plan()))
        .as(context)
        .isEqualTo(GraphCommand.dot(expected.plan()));
    for (AirflowSettings target :
        List.of(
            AirflowSettings.defaults(),
            AirflowSettings.builder().crossDagMode(AirflowSettings.CrossDagMode.SENSORS).build())) {
      assertThat(dagFiles(AirflowRenderer.to(target).render(actual).files()))
          .as(context)
          .isEqualTo(dagFiles(AirflowRenderer.to(target).render(expected).files()));
    }

    // The same through the commands: exit 1 instead of 0, the same output and files.
    for (List<String> command : List.of(List.of("plan", "--format", "json"), List.of("graph"))) {
      CliRun clean = cli(command, validOnly);
      CliRun dirty = cli(command, mixed);
      assertThat(clean.exitCode()).as(context + " " + command).isZero();
      assertThat(dirty.exitCode()).as(context + " " + command + dirty.err()).isEqualTo(1);
      assertThat(dirty.out()).as(context + " " + command).isEqualTo(clean.out());
      assertThat(dirty.err()).as(context).doesNotContain("\tat ", "Exception", "lakeplan: error");
    }
    CliRun validate = cli(List.of("validate"), mixed);
    assertThat(validate.exitCode()).as(context).isEqualTo(1);
    assertThat(validate.out())
        .as(context)
        .endsWith(
            expected.useCases().size()
                + " of "
                + (expected.fileCount() + mutants.size())
                + " use-case files valid\n");
    for (List<String> command :
        List.of(List.of("render", "airflow", "--out"), List.of("import-legacy", "--out"))) {
      Path cleanOut = validOnly.resolveSibling(command.get(0) + "-valid");
      Path dirtyOut = mixed.resolveSibling(command.get(0) + "-mixed");
      List<String> args = new ArrayList<>(command.subList(0, command.size() - 1));
      CliRun clean = CliRun.of(concat(args, validOnly.toString(), "--out", cleanOut.toString()));
      assertThat(clean.exitCode()).as(context + " " + command + clean.err() + clean.out()).isZero();
      CliRun dirty = CliRun.of(concat(args, mixed.toString(), "--out", dirtyOut.toString()));
      assertThat(dirty.exitCode()).as(context + " " + command + dirty.err()).isEqualTo(1);
      assertThat(dirty.err()).as(context).doesNotContain("\tat ", "Exception", "lakeplan: error");
      assertThat(filesIn(dirtyOut)).as(context + " " + command).isEqualTo(filesIn(cleanOut));
    }
  }

  /**
   * Renamed copies of every seed file that loads and renders clean alone ({@code orders} becomes
   * {@code orders_a1} in names, tables and DAG ids), kept while the set stays clean as one
   * workspace.
   */
  private Map<String, String> validFiles() throws IOException {
    Map<String, String> chosen = new TreeMap<>();
    List<SeedDocument> seeds = SeedDocuments.files(SeedDocuments.repositoryRoot());
    for (int s = 0; s < seeds.size(); s++) {
      SeedDocument seed = seeds.get(s);
      Path alone = work.resolve("alone/" + s);
      write(alone, Map.of(seed.baseName() + ".yaml", seed.text()), Map.of());
      Workspace workspace = Workspace.load(alone);
      if (!workspace.isClean()
          || workspace.useCases().size() != 1
          // e.g. e-mail targets, which need an environment's topic: render leaves it out
          || !AirflowRenderer.to(AirflowSettings.defaults())
              .render(workspace)
              .problems()
              .isEmpty()) {
        continue;
      }
      LoadedUseCase loaded = workspace.useCases().get(0);
      String token = loaded.legacy() ? seed.baseName() : loaded.useCase().name();
      for (int copy = 1; copy <= 3; copy++) {
        String renamed = token + "_" + (char) ('a' + s) + copy;
        Map<String, String> candidate = new TreeMap<>(chosen);
        candidate.put(renamed + ".yaml", seed.text().replace(token, renamed));
        Path together = work.resolve("together/" + s + "-" + copy);
        write(together, candidate, Map.of());
        if (Workspace.load(together).isClean()) {
          chosen = candidate;
        }
      }
    }
    return chosen;
  }

  /** Whether the document has reading or validation problems of its own (whatever else loads). */
  private static boolean hasProblemsOfItsOwn(String name, byte[] bytes) {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      return true;
    }
    Document document = UseCaseCodec.read(name, text);
    return document.useCase() == null
        || !document.problems().isEmpty()
        || !Validator.validate(document.useCase()).isEmpty();
  }

  private static Map<String, String> dagFiles(List<RenderedFile> files) {
    Map<String, String> byName = new TreeMap<>();
    files.stream()
        .filter(file -> !file.dagId().equals(AirflowRenderer.QUARANTINE_DAG_ID))
        .forEach(file -> byName.put(file.fileName(), file.content()));
    return byName;
  }

  private static Map<String, String> filesIn(Path folder) throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(folder)) {
      for (Path file : walk.filter(Files::isRegularFile).toList()) {
        String name = folder.relativize(file).toString();
        if (!name.equals(AirflowRenderer.QUARANTINE_DAG_ID + ".py")) {
          files.put(name, Files.readString(file));
        }
      }
    }
    return files;
  }

  private static CliRun cli(List<String> command, Path path) {
    return CliRun.of(concat(command, path.toString()));
  }

  private static String[] concat(List<String> command, String... more) {
    List<String> args = new ArrayList<>(command);
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  private static void write(Path folder, Map<String, String> texts, Map<String, byte[]> bytes)
      throws IOException {
    for (Map.Entry<String, String> entry : texts.entrySet()) {
      Path file = folder.resolve(entry.getKey());
      Files.createDirectories(file.getParent());
      Files.writeString(file, entry.getValue());
    }
    for (Map.Entry<String, byte[]> entry : bytes.entrySet()) {
      Path file = folder.resolve(entry.getKey());
      Files.createDirectories(file.getParent());
      Files.write(file, entry.getValue());
    }
  }
}
