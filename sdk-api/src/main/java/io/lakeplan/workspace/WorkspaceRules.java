package io.lakeplan.workspace;

import io.lakeplan.model.Column;
import io.lakeplan.model.Dependency;
import io.lakeplan.model.Durations;
import io.lakeplan.model.JdbcIngestion;
import io.lakeplan.model.KafkaIngestion;
import io.lakeplan.model.Lookback;
import io.lakeplan.model.Maintenance;
import io.lakeplan.model.MaintenanceTask;
import io.lakeplan.model.Merge;
import io.lakeplan.model.Migration;
import io.lakeplan.model.Schedule;
import io.lakeplan.model.StartingPosition;
import io.lakeplan.model.TableDefinition;
import io.lakeplan.model.TableId;
import io.lakeplan.model.UseCase;
import io.lakeplan.model.WriteMode;
import io.lakeplan.validation.Problem;
import io.lakeplan.validation.ProblemCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Rules across use cases: references (tables, DAGs), schemas of declared tables, snapshot retention
 * against incremental readers, and dependency cycles. With {@code complete} false (one use case
 * checked alone) references to things outside it are not reported. A use case with problems of its
 * own gets only those: it is left out of the rules across use cases until they are fixed.
 */
final class WorkspaceRules {
  // sized for the workspace in index(): growing maps of 10,000s of entries rehash them repeatedly
  private Map<TableId, TableDefinition> declared = new HashMap<>();
  private Set<TableId> written = new HashSet<>();
  private Set<TableId> migrated = new HashSet<>();

  /** The watermark column of the migration into each table that has one. */
  private Map<TableId, Column> watermarked = new HashMap<>();

  private Set<String> dagIds = new HashSet<>();
  private Map<TableId, List<Reader>> incrementalReaders = new HashMap<>();
  private final boolean complete;
  private final LeftOut leftOut;

  /**
   * {@link Schedule#longestInterval()} by schedule: it walks the cron's firings, and a workspace
   * has few distinct schedules but one retention check per reader of every expired table.
   */
  private final Map<Schedule, Duration> longestIntervals = new HashMap<>();

  private record Reader(String useCase, String mergeId, Schedule schedule) {}

  private WorkspaceRules(boolean complete, LeftOut leftOut) {
    this.complete = complete;
    this.leftOut = leftOut;
  }

  /** What {@code useCase} risks without being invalid (see {@link Validator#warnings}). */
  public static List<Problem> warnings(UseCase useCase) {
    return UseCaseRules.warnings(useCase);
  }

  /** Local and cross-use-case problems of {@code useCases}. */
  public static List<Problem> check(Collection<UseCase> useCases, boolean complete) {
    return check(useCases, complete, LeftOut.NONE);
  }

  /**
   * Local and cross-use-case problems of {@code useCases}, in a workspace whose invalid files
   * ({@code leftOut}) would have declared some of the tables and DAGs they need.
   */
  public static List<Problem> check(
      Collection<UseCase> useCases, boolean complete, LeftOut leftOut) {
    return checkAndCompile(useCases, complete, leftOut).problems();
  }

  /**
   * The problems of {@code useCases} and, when the checks before compiling found none, the
   * compilation they ran (cycles and unordered writers are found by compiling), so that the planner
   * builds its plan from it instead of compiling the same use cases again.
   */
  record Checked(List<Problem> problems, PlanCompiler.Compilation compilation) {}

  /** As {@link #check(Collection, boolean, LeftOut)}, keeping the compilation. */
  static Checked checkAndCompile(Collection<UseCase> useCases, boolean complete, LeftOut leftOut) {
    List<Problem> problems = new ArrayList<>();
    List<UseCase> locallyValid = new ArrayList<>();
    // each use case's DAGs laid out alone by its local checks: the DAG-id index reads them and
    // the compilation takes them over, so no use case is laid out twice
    Map<UseCase, PlanCompiler.Layout> layouts = new IdentityHashMap<>();
    for (UseCase useCase : useCases) {
      List<Problem> local = UseCaseRules.check(useCase, layouts);
      problems.addAll(local);
      if (local.isEmpty()) {
        locallyValid.add(useCase);
      }
    }
    // Only use cases valid on their own take part: the cross checks (and the DAG layout they
    // need) rely on what local validation guarantees (names, targets, ids present), and a broken
    // use case must not fail valid ones by sharing their name, tables or DAG ids.
    WorkspaceRules rules = new WorkspaceRules(complete, leftOut);
    rules.index(locallyValid, layouts, problems);
    for (UseCase useCase : locallyValid) {
      rules.references(useCase, problems);
    }
    PlanCompiler.Compilation compilation = null;
    if (problems.isEmpty()) {
      compilation = PlanCompiler.compile(locallyValid, layouts);
      for (PlanCompiler.UnorderedWriters writers : compilation.unorderedWriters()) {
        problems.add(
            new Problem(
                writers.useCase(),
                writers.second().origin(),
                ProblemCode.UNORDERED_WRITERS,
                "Table "
                    + writers.table()
                    + " is written here in DAG "
                    + writers.second().dagId()
                    + " and by "
                    + writers.first().origin()
                    + " of use case '"
                    + writers.first().useCase().name()
                    + "' in DAG "
                    + writers.first().dagId()
                    + ", and neither DAG waits for the other, so both could write it at once;"
                    + " write the table from one DAG, or make one wait for the other (a"
                    + " dependency on dag:"
                    + writers.first().dagId()
                    + ")",
                null));
      }
      for (PlanCompiler.Cycle cycle : compilation.cycles()) {
        problems.add(
            new Problem(
                cycle.useCase(),
                cycle.path(),
                ProblemCode.DEPENDENCY_CYCLE,
                (cycle.betweenDags()
                        ? "DAGs wait on each other in a circle: "
                        : "Tasks wait on each other in a circle: ")
                    + String.join(" → ", cycle.members())
                    + "; remove a declared dependency or break the read/write loop",
                null));
      }
    }
    return new Checked(problems, compilation);
  }

  private void index(
      Collection<UseCase> useCases,
      Map<UseCase, PlanCompiler.Layout> layouts,
      List<Problem> problems) {
    int tableCount = 0;
    int writeCount = 0;
    int dagCount = 0;
    for (UseCase useCase : useCases) {
      tableCount += useCase.tables().size() + useCase.migrations().size();
      writeCount +=
          useCase.jdbcIngestions().size()
              + 2 * useCase.kafkaIngestions().size()
              + useCase.merges().size();
      PlanCompiler.Layout layout = layouts.get(useCase);
      dagCount += layout != null ? layout.dagIds().size() : 1;
    }
    declared = new HashMap<>(capacity(tableCount));
    migrated = new HashSet<>(capacity(useCases.size()));
    watermarked = new HashMap<>(capacity(useCases.size()));
    written = new HashSet<>(capacity(writeCount));
    incrementalReaders = new HashMap<>(capacity(useCases.size()));
    dagIds = new HashSet<>(capacity(dagCount));
    Map<String, Integer> names = new HashMap<>(capacity(useCases.size()));
    Map<TableId, String> declaredBy = new HashMap<>(capacity(tableCount));
    Map<String, String> dagOwners = new HashMap<>(capacity(dagCount));
    for (UseCase useCase : useCases) {
      if (useCase.name() != null && names.merge(useCase.name(), 1, Integer::sum) == 2) {
        problems.add(
            new Problem(
                useCase.name(),
                "name",
                ProblemCode.DUPLICATE_ID,
                "Use case '" + useCase.name() + "' is defined twice; use-case names must be unique",
                null));
      }
      List<TableDefinition> tables = new ArrayList<>(useCase.tables());
      useCase.migrations().stream()
          .filter(m -> m.target() != null)
          .forEach(m -> tables.add(m.target()));
      for (TableDefinition table : tables) {
        if (table.table() == null) {
          continue;
        }
        String previous = declaredBy.putIfAbsent(table.table(), useCase.name());
        if (previous != null && !previous.equals(useCase.name())) {
          problems.add(
              new Problem(
                  useCase.name(),
                  "tables[" + table.table() + "]",
                  ProblemCode.DUPLICATE_ID,
                  "Table "
                      + table.table()
                      + " is also declared by use case '"
                      + previous
                      + "'; declare it in one use case only",
                  null));
        }
        declared.putIfAbsent(table.table(), table);
      }
      for (Migration migration : useCase.migrations()) {
        if (migration.target() != null && migration.target().table() != null) {
          migrated.add(migration.target().table());
          if (migration.watermarkColumn() != null) {
            // an undeclared watermark column is reported with the migration; the key still counts
            watermarked.put(
                migration.target().table(), migration.target().column(migration.watermarkColumn()));
          }
        }
      }
      useCase.jdbcIngestions().forEach(i -> add(written, i.target()));
      for (KafkaIngestion ingestion : useCase.kafkaIngestions()) {
        add(written, ingestion.target());
        if (ingestion.target() != null) {
          written.add(ingestion.effectiveDeadLetterTable());
        }
      }
      for (Merge merge : useCase.merges()) {
        add(written, merge.target());
        if (merge.incremental() && merge.source() != null) {
          incrementalReaders
              .computeIfAbsent(merge.source(), key -> new ArrayList<>())
              .add(new Reader(useCase.name(), merge.id(), useCase.schedule()));
        }
      }
      if (useCase.name() != null) {
        PlanCompiler.Layout layout = layouts.get(useCase);
        for (String dagId : layout != null ? layout.dagIds() : PlanCompiler.dagIds(useCase)) {
          String owner = dagOwners.putIfAbsent(dagId, useCase.name());
          if (owner != null && !owner.equals(useCase.name())) {
            problems.add(
                new Problem(
                    useCase.name(),
                    "spark-jobs",
                    ProblemCode.DUPLICATE_ID,
                    "DAG id '"
                        + dagId
                        + "' is also used by use case '"
                        + owner
                        + "'; rename the dag",
                    null));
          }
          dagIds.add(dagId);
        }
      }
    }
  }

  /** The initial capacity of a hash map that holds {@code entries} without growing. */
  static int capacity(int entries) {
    return Math.max(16, (int) (entries / 0.75f) + 1);
  }

  private static void add(Set<TableId> set, TableId table) {
    if (table != null) {
      set.add(table);
    }
  }

  private boolean known(TableId table) {
    return declared.containsKey(table) || written.contains(table);
  }

  private void references(UseCase useCase, List<Problem> problems) {
    Checks root = new Checks(problems, useCase.name(), "");
    for (int i = 0; i < useCase.dependencies().size(); i++) {
      dependency(root.element("dependencies", null, i), useCase.dependencies().get(i));
    }
    for (int i = 0; i < useCase.sparkJobs().size(); i++) {
      var job = useCase.sparkJobs().get(i);
      Checks at = root.element("spark-jobs", job.id(), i);
      for (int d = 0; d < job.dependencies().size(); d++) {
        dependency(at.element("dependencies", null, d), job.dependencies().get(d));
      }
    }
    for (int i = 0; i < useCase.jdbcIngestions().size(); i++) {
      JdbcIngestion ingestion = useCase.jdbcIngestions().get(i);
      Checks at = root.element("jdbc-ingestions", ingestion.id(), i);
      TableDefinition target = declared.get(ingestion.target());
      undeclaredTarget(at, "JDBC", ingestion.target(), List.of());
      boolean merge = ingestion.writeMode() == WriteMode.MERGE;
      if ((merge || ingestion.lookback() != null) && target != null) {
        columnsExist(at, "keys", ingestion.keys(), target, "target " + target.table());
        String incremental = ingestion.incrementalColumn();
        if (incremental != null && target.column(incremental) == null) {
          at.at("incremental-column")
              .report(
                  ProblemCode.UNKNOWN_COLUMN,
                  "Incremental column '"
                      + incremental
                      + "' is not in the declared schema of target "
                      + target.table()
                      + (merge
                          ? ", and a merge keeps the latest row of each key by it; declare it in"
                              + " the target or use write-mode append"
                          : ", and lookback recognises the rows already ingested by it; declare"
                              + " it in the target or remove lookback"));
        }
      }
      lookbackKind(at, ingestion, target);
      handOffToJdbc(at, ingestion, target);
    }
    for (int i = 0; i < useCase.kafkaIngestions().size(); i++) {
      KafkaIngestion ingestion = useCase.kafkaIngestions().get(i);
      Checks at = root.element("kafka-ingestions", ingestion.id(), i);
      undeclaredTarget(at, "Kafka", ingestion.target(), ingestion.columns());
      if (complete
          && ingestion.startingPosition() == StartingPosition.MIGRATION_WATERMARK
          && ingestion.target() != null
          && !watermarked.containsKey(ingestion.target())) {
        at.at("starting-position")
            .report(
                ProblemCode.CONFLICTING_SETTINGS,
                "starting-position migration-watermark needs a migration into "
                    + ingestion.target()
                    + " with a watermark-column; add one, or set starting-position to earliest, latest or timestamp");
      }
      handOffToKafka(at, ingestion);
    }
    for (int i = 0; i < useCase.merges().size(); i++) {
      Merge merge = useCase.merges().get(i);
      merge(root.element("merges", merge.id(), i), merge);
    }
    for (int i = 0; i < useCase.maintenance().size(); i++) {
      Maintenance maintenance = useCase.maintenance().get(i);
      maintenance(root.element("maintenance", maintenance.id(), i), maintenance);
    }
  }

  /**
   * A Kafka ingestion starting at the migration watermark starts at a time: the migration's
   * watermark must be one, not a number.
   */
  private void handOffToKafka(Checks at, KafkaIngestion ingestion) {
    StartingPosition position = ingestion.startingPosition();
    if (position != null && position != StartingPosition.MIGRATION_WATERMARK) {
      return;
    }
    Column watermark = watermarked.get(ingestion.target());
    if (watermark != null && watermark.type() != null && !watermark.type().kind().isTemporal()) {
      at.at("starting-position")
          .report(
              ProblemCode.CONFLICTING_SETTINGS,
              (position == null
                      ? "starting-position (left out: migration-watermark, as a migration with a"
                          + " watermark writes the target)"
                      : "starting-position migration-watermark")
                  + " starts at a time, but the migration into "
                  + ingestion.target()
                  + " records a watermark of "
                  + watermark.type()
                  + " column '"
                  + watermark.name()
                  + "'; use a timestamp or date watermark-column, or set starting-position to"
                  + " earliest, latest or timestamp");
    }
  }

  /**
   * A lookback is subtracted from the watermark of the incremental column: a duration from a time,
   * an amount from a number. Checked when the target declares the column; otherwise the run checks
   * it against the values it reads.
   */
  private void lookbackKind(Checks at, JdbcIngestion ingestion, TableDefinition target) {
    Lookback lookback = ingestion.lookback();
    if (lookback == null || target == null || ingestion.incrementalColumn() == null) {
      return;
    }
    Column incremental = target.column(ingestion.incrementalColumn());
    if (incremental == null || incremental.type() == null) {
      return; // reported where the column is checked
    }
    boolean time = incremental.type().kind().isTemporal();
    boolean duration = lookback.kind() == Lookback.Kind.DURATION;
    if (time != duration && (time || incremental.type().kind().isNumeric())) {
      at.at("lookback")
          .report(
              ProblemCode.CONFLICTING_SETTINGS,
              "lookback "
                  + lookback
                  + " is "
                  + (duration ? "a duration" : "a number")
                  + ", but incremental column '"
                  + ingestion.incrementalColumn()
                  + "' is "
                  + incremental.type()
                  + " in target "
                  + target.table()
                  + "; write "
                  + (time
                      ? "a duration, e.g. lookback: 10m"
                      : "a number of the column's units, e.g. lookback: 1000"));
    }
  }

  /**
   * A JDBC ingestion into a migrated table starts after the migration's watermark, comparing it
   * with its incremental column: both must be times, or both numbers.
   */
  private void handOffToJdbc(Checks at, JdbcIngestion ingestion, TableDefinition target) {
    Column watermark = watermarked.get(ingestion.target());
    if (watermark == null
        || watermark.type() == null
        || target == null
        || ingestion.incrementalColumn() == null) {
      return;
    }
    Column incremental = target.column(ingestion.incrementalColumn());
    if (incremental == null || incremental.type() == null) {
      return; // reported where the column is checked
    }
    boolean watermarkIsTime = watermark.type().kind().isTemporal();
    if (watermarkIsTime != incremental.type().kind().isTemporal()) {
      at.at("incremental-column")
          .report(
              ProblemCode.CONFLICTING_SETTINGS,
              "incremental column '"
                  + ingestion.incrementalColumn()
                  + "' is "
                  + incremental.type()
                  + ", but the migration into "
                  + ingestion.target()
                  + " hands over a watermark of "
                  + watermark.type()
                  + " column '"
                  + watermark.name()
                  + "'; the first run reads after that watermark, so use an incremental column"
                  + " of the same kind ("
                  + (watermarkIsTime ? "a timestamp or date" : "a number")
                  + ") or change the migration's watermark-column");
    }
  }

  /**
   * An ingestion appends to or merges into a table it does not create: a table no use case of the
   * workspace declares (under {@code tables} or as a migration target) would fail the first run.
   */
  private void undeclaredTarget(Checks at, String kind, TableId target, List<Column> columns) {
    if (!complete || target == null || declared.containsKey(target)) {
      return;
    }
    String example =
        columns.isEmpty()
            ? "with its columns"
            : "with the ingestion's columns ("
                + String.join(", ", columns.stream().map(c -> c.name() + " " + c.type()).toList())
                + ")";
    at.at("target")
        .report(
            ProblemCode.UNKNOWN_TABLE,
            kind
                + " ingestion target "
                + target
                + " is not declared, so nothing creates it and the first run would fail; declare"
                + " it under tables "
                + example
                + ", or migrate into it first");
  }

  private void dependency(Checks at, Dependency dependency) {
    if (!complete) {
      return;
    }
    if (dependency.kind() == Dependency.Kind.DAG && !dagIds.contains(dependency.target())) {
      if (leftOutDag(at, "Dependency on DAG '" + dependency.target() + "'", dependency.target())) {
        return;
      }
      at.report(
          ProblemCode.DANGLING_DEPENDENCY,
          "Dependency on DAG '"
              + dependency.target()
              + "', which no use case defines (known: "
              + String.join(", ", new TreeSet<>(dagIds))
              + ")");
    } else if (dependency.kind() == Dependency.Kind.TABLE && !known(dependency.table())) {
      if (leftOut(at, "Dependency on table " + dependency.target(), dependency.table())) {
        return;
      }
      at.report(
          ProblemCode.UNKNOWN_TABLE,
          "Dependency on table "
              + dependency.target()
              + ", which no use case declares or writes; fix the name or declare it under tables");
    }
  }

  /**
   * Reports that {@code what} needs {@code table} from a file left out because it is invalid; false
   * when no left-out file has the table.
   */
  private boolean leftOut(Checks at, String what, TableId table) {
    return leftOut(at, what + " is declared or written in ", leftOut.fileOf(table));
  }

  /** As {@link #leftOut(Checks, String, TableId)} for a DAG. */
  private boolean leftOutDag(Checks at, String what, String dagId) {
    return leftOut(at, what + " is defined in ", leftOut.fileOfDag(dagId));
  }

  private static boolean leftOut(Checks at, String what, String file) {
    if (file != null) {
      at.report(
          ProblemCode.DEPENDS_ON_INVALID,
          what + file + ", which is invalid and left out; fix the problems of that file first");
    }
    return file != null;
  }

  private void merge(Checks at, Merge merge) {
    if (merge.target() != null) {
      TableDefinition target = declared.get(merge.target());
      if (target == null) {
        if (complete
            && !leftOut(at.at("target"), "Merge target " + merge.target(), merge.target())) {
          at.at("target")
              .report(
                  ProblemCode.UNKNOWN_TABLE,
                  "Merge target "
                      + merge.target()
                      + " is not declared; declare it with its columns under tables");
        }
      } else {
        columnsExist(at, "keys", merge.keys(), target, "target " + target.table());
        List<String> targetColumns = target.columns().stream().map(Column::name).toList();
        for (String order : merge.sqlFile() != null ? List.<String>of() : merge.orderBy()) {
          if (merge.targetColumnOf(order, targetColumns) == null) {
            at.at("order-by")
                .report(
                    ProblemCode.UNKNOWN_COLUMN,
                    "order-by column '"
                        + order
                        + "' has no column in target "
                        + target.table()
                        + "; keep it in the target (a column of that name, or one mapped from it"
                        + " under columns) so a late, older change cannot overwrite a newer row");
          }
        }
        if (merge.history() == io.lakeplan.model.MergeHistory.SCD2
            && merge.source() != null
            && merge.orderBy().size() == 1) {
          scd2Columns(at, merge, target);
        }
        for (String column : merge.columns().keySet()) {
          if (target.column(column) == null) {
            at.at("columns")
                .at(column)
                .report(
                    ProblemCode.UNKNOWN_COLUMN,
                    "Column '"
                        + column
                        + "' is not in target "
                        + target.table()
                        + "; fix the mapping");
          }
        }
      }
    }
    if (merge.source() != null) {
      TableDefinition source = declared.get(merge.source());
      if (!known(merge.source())) {
        if (complete
            && !leftOut(at.at("source"), "Merge source " + merge.source(), merge.source())) {
          at.at("source")
              .report(
                  ProblemCode.UNKNOWN_TABLE,
                  "Merge source "
                      + merge.source()
                      + " is not declared or written by any use case; fix the name or declare it under tables");
        }
      } else if (source != null) {
        if (complete
            && !source.isExternal()
            && !written.contains(merge.source())
            && !migrated.contains(merge.source())) {
          at.at("source")
              .report(
                  ProblemCode.UNKNOWN_TABLE,
                  "Merge source "
                      + merge.source()
                      + " is declared but nothing in the workspace writes it, so the merge would"
                      + " only ever read an empty table; add the step that writes it, or mark it"
                      + " 'external: true' under tables when another system writes it");
        }
        List<String> sourceKeys = merge.keys().stream().map(merge::sourceColumn).toList();
        columnsExist(at, "keys", sourceKeys, source, "source " + source.table());
        for (String order : merge.orderBy()) {
          if (source.column(order) == null) {
            at.at("order-by")
                .report(
                    ProblemCode.UNKNOWN_COLUMN,
                    "order-by column '"
                        + order
                        + "' is not in source "
                        + source.table()
                        + "; fix the name");
          }
        }
        if (merge.deleteWhen() != null) {
          for (String column : merge.deleteWhen().columns()) {
            if (source.column(column) == null) {
              at.at("delete-when")
                  .report(
                      ProblemCode.UNKNOWN_COLUMN,
                      "delete-when reads column '"
                          + column
                          + "', which is not in source "
                          + source.table());
            }
          }
        }
      }
    }
  }

  private static void columnsExist(
      Checks at, String field, List<String> columns, TableDefinition table, String what) {
    for (int i = 0; i < columns.size(); i++) {
      String column = columns.get(i);
      if (column != null && table.column(column) == null) {
        at.element(field, null, i)
            .report(
                ProblemCode.UNKNOWN_COLUMN,
                "Key column '"
                    + column
                    + "' is not in the declared schema of "
                    + what
                    + " (columns: "
                    + String.join(", ", table.columns().stream().map(Column::name).toList())
                    + ")");
      }
    }
  }

  private void maintenance(Checks at, Maintenance maintenance) {
    TableId table = maintenance.table();
    if (table == null) {
      return;
    }
    if (!known(table)) {
      if (complete && !leftOut(at.at("table"), "Maintained table " + table, table)) {
        at.at("table")
            .report(
                ProblemCode.UNKNOWN_TABLE,
                "Maintained table "
                    + table
                    + " is not declared or written by any use case; fix the name");
      }
      return;
    }
    TableDefinition definition = declared.get(table);
    for (int i = 0; i < maintenance.tasks().size(); i++) {
      MaintenanceTask task = maintenance.tasks().get(i);
      if (task == null) {
        continue;
      }
      Checks element = at.element("tasks", task.id(), i);
      if (task instanceof MaintenanceTask.HardDelete delete && delete.column() != null) {
        Column column = definition == null ? null : definition.column(delete.column());
        if (definition == null) {
          element
              .at("column")
              .report(
                  ProblemCode.INVALID_HARD_DELETE_COLUMN,
                  "Cannot check hard-delete column '"
                      + delete.column()
                      + "': "
                      + table
                      + " has no declared columns; declare the table under tables");
        } else if (column == null) {
          element
              .at("column")
              .report(
                  ProblemCode.INVALID_HARD_DELETE_COLUMN,
                  "Hard-delete column '"
                      + delete.column()
                      + "' is not in "
                      + table
                      + "; use one of its date or timestamp columns");
        } else if (!column.type().kind().isTemporal()) {
          element
              .at("column")
              .report(
                  ProblemCode.INVALID_HARD_DELETE_COLUMN,
                  "Hard-delete column '"
                      + delete.column()
                      + "' is "
                      + column.type()
                      + "; it must be a date or timestamp");
        }
      }
      if (task instanceof MaintenanceTask.Compact compact
          && compact.strategy() == MaintenanceTask.Compact.Strategy.SORT
          && compact.sortBy().isEmpty()
          && definition != null
          && definition.sortBy().isEmpty()) {
        element
            .at("sort-by")
            .report(
                ProblemCode.REQUIRED,
                "strategy sort needs sort-by here or a sort-by on table " + table);
      }
      if (task instanceof MaintenanceTask.ExpireSnapshots expire && expire.olderThan() != null) {
        for (Reader reader : incrementalReaders.getOrDefault(table, List.of())) {
          Duration gap = reader.schedule() == null ? null : longestInterval(reader.schedule());
          if (gap != null && expire.olderThan().compareTo(gap) <= 0) {
            element
                .at("older-than")
                .report(
                    ProblemCode.RETENTION_TOO_SHORT,
                    "Snapshots of "
                        + table
                        + " expire after "
                        + Durations.format(expire.olderThan())
                        + ", but merge '"
                        + reader.mergeId()
                        + "' of use case '"
                        + reader.useCase()
                        + "' reads them incrementally and runs "
                        + reader.schedule()
                        + " (up to "
                        + Durations.format(gap)
                        + " apart); set older-than above "
                        + Durations.format(gap)
                        + ", e.g. "
                        + Durations.format(gap.multipliedBy(2)));
          }
        }
      }
    }
  }

  private Duration longestInterval(Schedule schedule) {
    if (!longestIntervals.containsKey(schedule)) {
      longestIntervals.put(schedule, schedule.longestInterval());
    }
    return longestIntervals.get(schedule);
  }

  /**
   * An SCD2 merge's target declares the columns Lakeplan fills: {@code valid_from} and {@code
   * valid_to} of the order column's type, {@code is_current} a boolean.
   */
  private static void scd2Columns(Checks at, Merge merge, TableDefinition target) {
    String order =
        merge.targetColumnOf(
            merge.orderBy().get(0), target.columns().stream().map(Column::name).toList());
    Column ordered = order == null ? null : target.column(order);
    for (String name : List.of(Merge.VALID_FROM, Merge.VALID_TO, Merge.IS_CURRENT)) {
      Column column = target.column(name);
      String type =
          name.equals(Merge.IS_CURRENT)
              ? "boolean"
              : ordered == null ? null : ordered.type().toString();
      if (column == null) {
        at.at("history")
            .report(
                ProblemCode.UNKNOWN_COLUMN,
                "history: scd2 fills column "
                    + name
                    + ", which target "
                    + target.table()
                    + " does not declare; add it"
                    + (type == null ? "" : " (" + type + ")"));
      } else if (type != null && !column.type().toString().equals(type)) {
        at.at("history")
            .report(
                ProblemCode.INVALID_VALUE,
                "history: scd2 fills column "
                    + name
                    + " of target "
                    + target.table()
                    + " with "
                    + type
                    + " values, but it is declared "
                    + column.type()
                    + "; declare it "
                    + type);
      }
    }
  }
}
