package io.lakeplan.workspace;

import io.lakeplan.codec.UseCaseCodec;
import io.lakeplan.model.DagKind;
import io.lakeplan.model.Dependency;
import io.lakeplan.model.JdbcIngestion;
import io.lakeplan.model.KafkaIngestion;
import io.lakeplan.model.Maintenance;
import io.lakeplan.model.MaintenanceTask;
import io.lakeplan.model.Merge;
import io.lakeplan.model.Migration;
import io.lakeplan.model.ReconcileLevel;
import io.lakeplan.model.Schedule;
import io.lakeplan.model.SparkJob;
import io.lakeplan.model.StartingPosition;
import io.lakeplan.model.TableDefinition;
import io.lakeplan.model.TableId;
import io.lakeplan.model.UseCase;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.DagDependency;
import io.lakeplan.plan.Edge;
import io.lakeplan.plan.Plan;
import io.lakeplan.plan.Task;
import io.lakeplan.plan.TaskSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Compiles valid use cases into a plan: DAG layout, task ids, in-DAG edges from lineage and the
 * migration chain, and cross-DAG dependencies from lineage, watermarks and declarations. Pure and
 * deterministic. Also finds dependency cycles, which validation reports.
 */
final class PlanCompiler {

  /** A task with the use case and path of the step it came from (for problem messages). */
  record DraftTask(
      String dagId,
      UseCase useCase,
      Task task,
      String origin,
      Set<TableId> reads,
      Set<TableId> writes) {
    /**
     * The task's spec reads and writes are taken once: the compiler asks for them many times, and
     * each call of the spec builds its sets anew.
     */
    DraftTask(String dagId, UseCase useCase, Task task, String origin) {
      this(dagId, useCase, task, origin, task.spec().reads(), task.spec().writes());
    }
  }

  /** A DAG under construction. */
  static final class DraftDag {
    final String id;
    final UseCase useCase;
    final DagKind kind;
    final Schedule schedule;
    final List<String> extraTags = new ArrayList<>();
    io.lakeplan.model.NotificationPolicy notifications;
    final Map<String, DraftTask> tasks = new TreeMap<>();
    final Set<Edge> edges = new TreeSet<>();
    final Set<Dependency> declared = new TreeSet<>();

    /** Where each declared dependency is written, e.g. {@code dependencies[0]} (the first). */
    final Map<Dependency, String> declaredAt = new HashMap<>();

    DraftDag(String id, UseCase useCase, DagKind kind, Schedule schedule) {
      this.id = id;
      this.useCase = useCase;
      this.kind = kind;
      this.schedule = schedule;
      this.notifications = useCase.notifications();
    }

    void add(String taskId, TaskSpec spec, String origin) {
      tasks.put(taskId, new DraftTask(id, useCase, Task.of(taskId, spec), origin));
    }

    void declare(List<Dependency> dependencies, String path) {
      for (int i = 0; i < dependencies.size(); i++) {
        declared.add(dependencies.get(i));
        declaredAt.putIfAbsent(dependencies.get(i), path + "[" + i + "]");
      }
    }
  }

  /** A dependency cycle: the ids in order, first repeated last, and where to report it. */
  record Cycle(String useCase, String path, List<String> members, boolean betweenDags) {}

  /**
   * Two steps write one table from DAGs that nothing orders, so their runs could write it at the
   * same time: {@code first} and {@code second} are the writing tasks, {@code second} the one the
   * problem is reported at.
   */
  record UnorderedWriters(TableId table, DraftTask first, DraftTask second) {
    /** The use case of the writer the problem is reported at. */
    public String useCase() {
      return second.useCase().name();
    }
  }

  /**
   * The result: the cycles found and the writers of one table that nothing orders; {@link #plan()}
   * builds the plan from them on demand, since validation needs only the cycles and writers (and
   * building hashes every use case for its spec version).
   */
  static final class Compilation {
    private final PlanCompiler compiler;
    private final Map<String, Map<String, DagDependency>> upstream;
    private final List<Cycle> cycles;
    private final List<UnorderedWriters> unorderedWriters;

    private Compilation(
        PlanCompiler compiler,
        Map<String, Map<String, DagDependency>> upstream,
        List<Cycle> cycles,
        List<UnorderedWriters> unorderedWriters) {
      this.compiler = compiler;
      this.upstream = upstream;
      this.cycles = cycles;
      this.unorderedWriters = unorderedWriters;
    }

    /** The plan; null when cycles make it impossible. Built once per call: call it once. */
    Plan plan() {
      return cycles.isEmpty() ? compiler.build(upstream) : null;
    }

    List<Cycle> cycles() {
      return cycles;
    }

    List<UnorderedWriters> unorderedWriters() {
      return unorderedWriters;
    }
  }

  private final Map<String, DraftDag> dags = new TreeMap<>();

  /**
   * The DAGs of each use case (those whose {@code useCase} it is), by id, so that laying out one
   * use case looks at its own DAGs instead of scanning every DAG of the workspace (which made
   * compilation quadratic in the number of use cases).
   */
  private final Map<UseCase, Map<String, DraftDag>> dagsByUseCase;

  /** Tables a migration with a watermark column writes: where Kafka can take over by default. */
  private final Set<TableId> migratedWithWatermark = new HashSet<>();

  private final Map<TableId, List<DraftTask>> writers = new HashMap<>();

  /**
   * Per DAG, per upstream DAG: the use-case path of the first step that made the link (the task
   * reading the table, or the declared dependency), where a cycle through the link is reported.
   */
  private Map<String, Map<String, String>> linkOrigins = new HashMap<>();

  private final Map<TableId, List<DraftTask>> watermarkRecorders = new HashMap<>();

  /** The create-table task of each table (one, once validation has run). */
  private final Map<TableId, List<DraftTask>> creators = new HashMap<>();

  /** A compiler for about {@code useCases} use cases. */
  private PlanCompiler(int useCases) {
    dagsByUseCase = new IdentityHashMap<>(useCases);
  }

  /**
   * The DAGs of one use case laid out alone, with no other use case known: what the Airflow-limit
   * check and the DAG-id index read, and what {@link #compile(Collection, Map)} takes over instead
   * of laying the use case out a second time.
   */
  static final class Layout {
    private final UseCase useCase;
    private final PlanCompiler compiler;

    private Layout(UseCase useCase, PlanCompiler compiler) {
      this.useCase = useCase;
      this.compiler = compiler;
    }

    /** The DAGs by id, in id order. */
    Map<String, DraftDag> dags() {
      return Collections.unmodifiableMap(compiler.dags);
    }

    /** The DAG ids, in order. */
    Set<String> dagIds() {
      return Collections.unmodifiableSet(compiler.dags.keySet());
    }
  }

  /**
   * A Kafka task laid out while its ingestion left the starting position open: laid out alone, it
   * starts at the earliest offsets; in the workspace, after the migration watermark when a
   * migration records one for its target.
   */
  private record OpenStart(DraftDag dag, DraftTask task, KafkaIngestion ingestion) {}

  /** Kafka tasks laid out with an open starting position (filled in {@link #layOut}). */
  private final List<OpenStart> openStarts = new ArrayList<>();

  /** Compiles {@code useCases}, which must have passed local validation. */
  public static Compilation compile(Collection<UseCase> useCases) {
    return compile(useCases, new IdentityHashMap<>());
  }

  /**
   * Compiles {@code useCases}, which must have passed local validation, taking over the layouts in
   * {@code layouts} (by use case, made by {@link #layOutAlone}; each is used once and removed)
   * instead of laying those use cases out again. The plan is the same either way.
   */
  static Compilation compile(Collection<UseCase> useCases, Map<UseCase, Layout> layouts) {
    PlanCompiler compiler = new PlanCompiler(useCases.size());
    List<UseCase> sorted = new ArrayList<>(useCases);
    sorted.sort(Comparator.comparing(UseCase::name));
    compiler.migratedWithWatermark.addAll(watermarkedTargets(sorted));
    for (UseCase useCase : sorted) {
      Layout layout = layouts.remove(useCase);
      if (layout == null || layout.useCase != useCase || !compiler.adopt(layout)) {
        compiler.layOut(useCase);
      }
    }
    compiler.indexLineage();
    compiler.linkOrigins = new HashMap<>(WorkspaceRules.capacity(compiler.dags.size()));
    List<Cycle> cycles = new ArrayList<>();
    Map<String, Map<String, DagDependency>> upstream = new TreeMap<>();
    for (DraftDag dag : compiler.dags.values()) {
      compiler.linkTasks(dag);
      cycles.addAll(compiler.taskCycles(dag));
      upstream.put(dag.id, compiler.upstreamOf(dag));
    }
    cycles.addAll(compiler.dagCycles(upstream));
    List<UnorderedWriters> unordered = compiler.unorderedWriters(upstream);
    return new Compilation(compiler, upstream, List.copyOf(cycles), unordered);
  }

  /** The targets of migrations that record a watermark, across {@code useCases}. */
  static Set<TableId> watermarkedTargets(Collection<UseCase> useCases) {
    Set<TableId> tables = new HashSet<>();
    for (UseCase useCase : useCases) {
      for (Migration migration : useCase.migrations()) {
        if (migration.target() != null
            && migration.target().table() != null
            && migration.watermarkColumn() != null) {
          tables.add(migration.target().table());
        }
      }
    }
    return tables;
  }

  /**
   * {@code ingestion} with its starting position decided when the use case leaves it open: after
   * the migration watermark when a migration records one for the target, else the earliest offsets.
   */
  private KafkaIngestion withStartingPosition(KafkaIngestion ingestion) {
    if (ingestion.startingPosition() != null) {
      return ingestion;
    }
    return KafkaIngestion.builder()
        .from(ingestion)
        .startingPosition(
            migratedWithWatermark.contains(ingestion.target())
                ? StartingPosition.MIGRATION_WATERMARK
                : StartingPosition.EARLIEST)
        .build();
  }

  /**
   * Takes over the DAGs of a use case laid out alone, as {@link #layOut} would lay it out here:
   * false, taking nothing, when one of its DAG ids is taken already (then the use cases share a
   * DAG, which only an invalid workspace does, and laying it out here merges them as before).
   */
  private boolean adopt(Layout layout) {
    PlanCompiler alone = layout.compiler;
    for (String id : alone.dags.keySet()) {
      if (dags.containsKey(id)) {
        return false;
      }
    }
    dags.putAll(alone.dags);
    dagsByUseCase.putAll(alone.dagsByUseCase);
    for (OpenStart open : alone.openStarts) {
      // the task may have been replaced by a later step with the same id, as it would be here
      if (open.dag.tasks.get(open.task.task().id()) == open.task
          && migratedWithWatermark.contains(open.ingestion.target())) {
        open.dag.add(
            open.task.task().id(),
            TaskSpec.IngestKafka.of(withStartingPosition(open.ingestion)),
            open.task.origin());
      }
    }
    return true;
  }

  /** The ids of the DAGs {@code useCase} compiles to, without linking anything. */
  static Set<String> dagIds(UseCase useCase) {
    return layOutAlone(useCase).dagIds();
  }

  /** The DAGs of {@code useCase} laid out alone (see {@link Layout}). */
  static Layout layOutAlone(UseCase useCase) {
    PlanCompiler compiler = new PlanCompiler(1);
    compiler.layOut(useCase);
    return new Layout(useCase, compiler);
  }

  /** The id of the DAG a use case's tasks of {@code kind} go to by default. */
  public static String dagId(String useCase, DagKind kind) {
    return useCase + KIND_SUFFIXES[kind.ordinal()];
  }

  /** {@code .} and the lower-case name of each DAG kind, by ordinal. */
  private static final String[] KIND_SUFFIXES =
      Arrays.stream(DagKind.values())
          .map(kind -> "." + kind.name().toLowerCase(Locale.ROOT))
          .toArray(String[]::new);

  /** The id of the maintenance DAG for tasks on {@code schedule}. */
  static String maintenanceDagId(UseCase useCase, Schedule schedule) {
    String base = dagId(useCase.name(), DagKind.MAINTENANCE);
    if (schedule == null ? useCase.schedule() == null : schedule.equals(useCase.schedule())) {
      return base;
    }
    if (schedule == null) {
      return base + ".manual";
    }
    String text = schedule.toString();
    if (schedule.isPreset()) {
      return base + "." + text.substring(1);
    }
    StringBuilder slug = new StringBuilder();
    for (char c : text.toCharArray()) {
      slug.append(
          switch (c) {
            case ' ' -> "_";
            case '*', '?' -> "x";
            case '/' -> "e";
            case ',' -> "c";
            case '-' -> "t";
            default ->
                c < 128 && Character.isLetterOrDigit(c)
                    ? String.valueOf(Character.toLowerCase(c))
                    : "_";
          });
    }
    return base + ".cron_" + slug;
  }

  private DraftDag newDag(String id, UseCase useCase, DagKind kind, Schedule schedule) {
    DraftDag dag = new DraftDag(id, useCase, kind, schedule);
    dagsByUseCase.computeIfAbsent(useCase, key -> new TreeMap<>()).put(id, dag);
    return dag;
  }

  /** The DAGs of {@code useCase}, by id: the same as filtering all DAGs on their use case. */
  private Collection<DraftDag> dagsOf(UseCase useCase) {
    return dagsByUseCase.getOrDefault(useCase, Collections.emptyMap()).values();
  }

  private DraftDag dag(UseCase useCase, DagKind kind) {
    Schedule schedule = kind == DagKind.MIGRATION ? null : useCase.schedule();
    return dags.computeIfAbsent(
        dagId(useCase.name(), kind), id -> newDag(id, useCase, kind, schedule));
  }

  private void layOut(UseCase useCase) {
    for (Migration migration : useCase.migrations()) {
      DraftDag dag = dag(useCase, DagKind.MIGRATION);
      String origin = "migrations[" + migration.id() + "]";
      String id = migration.id();
      dag.add(
          id + ".create-table", TaskSpec.CreateTable.of(migration.target()), origin + ".target");
      if (migration.landing() != null) {
        dag.add(id + ".copy", TaskSpec.Copy.of(migration), origin);
        dag.edges.add(Edge.of(id + ".copy", id + ".convert"));
      }
      dag.add(id + ".convert", TaskSpec.Convert.of(migration), origin);
      dag.edges.add(Edge.of(id + ".create-table", id + ".convert"));
      String last = id + ".convert";
      if (migration.reconcile() != ReconcileLevel.NONE) {
        dag.add(id + ".reconcile", TaskSpec.Reconcile.of(migration), origin);
        dag.edges.add(Edge.of(last, id + ".reconcile"));
        last = id + ".reconcile";
      }
      if (migration.watermarkColumn() != null) {
        dag.add(id + ".watermark", TaskSpec.RecordWatermark.of(migration), origin);
        dag.edges.add(Edge.of(last, id + ".watermark"));
      }
    }
    for (JdbcIngestion ingestion : useCase.jdbcIngestions()) {
      dag(useCase, DagKind.INGESTION)
          .add(
              ingestion.id(),
              TaskSpec.IngestJdbc.of(ingestion),
              "jdbc-ingestions[" + ingestion.id() + "]");
    }
    for (KafkaIngestion ingestion : useCase.kafkaIngestions()) {
      DraftDag dag = dag(useCase, DagKind.INGESTION);
      dag.add(
          ingestion.id(),
          TaskSpec.IngestKafka.of(withStartingPosition(ingestion)),
          "kafka-ingestions[" + ingestion.id() + "]");
      if (ingestion.startingPosition() == null) {
        openStarts.add(new OpenStart(dag, dag.tasks.get(ingestion.id()), ingestion));
      }
    }
    for (Merge merge : useCase.merges()) {
      dag(useCase, DagKind.TRANSFORMATION)
          .add(merge.id(), TaskSpec.MergeInto.of(merge), "merges[" + merge.id() + "]");
    }
    for (SparkJob job : useCase.sparkJobs()) {
      String origin = "spark-jobs[" + job.id() + "]";
      DraftDag dag;
      if (job.dag() != null) {
        Schedule schedule = job.schedule() != null ? job.schedule() : useCase.schedule();
        dag = dags.computeIfAbsent(job.dag(), id -> newDag(id, useCase, job.kind(), schedule));
        dag.extraTags.addAll(job.tags());
        if (job.notifications() != null) {
          dag.notifications = job.notifications();
        }
      } else {
        dag = dag(useCase, job.kind());
      }
      dag.add(job.id(), TaskSpec.RunSparkJob.of(job), origin);
      dag.declare(job.dependencies(), origin + ".dependencies");
    }
    for (Maintenance maintenance : useCase.maintenance()) {
      for (MaintenanceTask task : maintenance.tasks()) {
        Schedule schedule =
            task.schedule() != null
                ? task.schedule()
                : maintenance.schedule() != null ? maintenance.schedule() : useCase.schedule();
        String dagId = maintenanceDagId(useCase, schedule);
        DraftDag dag =
            dags.computeIfAbsent(dagId, id -> newDag(id, useCase, DagKind.MAINTENANCE, schedule));
        dag.add(
            maintenance.id() + "." + task.id(),
            TaskSpec.Maintain.of(maintenance.table(), task),
            "maintenance[" + maintenance.id() + "].tasks[" + task.id() + "]");
      }
    }
    placeTableCreation(useCase);
    for (DraftDag dag : dagsOf(useCase)) {
      if (dag.useCase == useCase && dag.kind != DagKind.MAINTENANCE) {
        dag.declare(useCase.dependencies(), "dependencies");
      }
    }
  }

  /** Each declared table is created in the DAG of its first writer, else of its first reader. */
  private void placeTableCreation(UseCase useCase) {
    for (TableDefinition table : useCase.tables()) {
      DraftDag home = null;
      for (boolean writing : new boolean[] {true, false}) {
        for (DraftDag dag : dagsOf(useCase)) {
          if (dag.useCase != useCase || dag.kind == DagKind.MAINTENANCE || home != null) {
            continue;
          }
          for (DraftTask task : dag.tasks.values()) {
            Set<TableId> touched = writing ? task.writes() : task.reads();
            if (touched.contains(table.table())) {
              home = dag;
              break;
            }
          }
        }
      }
      if (home == null) {
        home = dag(useCase, DagKind.MIGRATION);
      }
      home.add(
          "create." + table.table(),
          TaskSpec.CreateTable.of(table),
          "tables[" + table.table() + "]");
    }
  }

  private void indexLineage() {
    for (DraftDag dag : dags.values()) {
      for (DraftTask task : dag.tasks.values()) {
        TaskSpec spec = task.task().spec();
        for (TableId table : task.writes()) {
          writers.computeIfAbsent(table, key -> new ArrayList<>()).add(task);
          if (spec instanceof TaskSpec.CreateTable) {
            creators.computeIfAbsent(table, key -> new ArrayList<>()).add(task);
          }
        }
        if (spec instanceof TaskSpec.RecordWatermark watermark) {
          watermarkRecorders
              .computeIfAbsent(watermark.migration().target().table(), key -> new ArrayList<>())
              .add(task);
        }
      }
    }
  }

  private void linkTasks(DraftDag dag) {
    for (DraftTask task : dag.tasks.values()) {
      TaskSpec spec = task.task().spec();
      if (spec instanceof TaskSpec.CreateTable create) {
        TableId table = create.table().table();
        for (DraftTask other : dag.tasks.values()) {
          if (other != task
              && !(other.task().spec() instanceof TaskSpec.CreateTable)
              && (other.writes().contains(table) || other.reads().contains(table))) {
            dag.edges.add(Edge.of(task.task().id(), other.task().id()));
          }
        }
        continue;
      }
      for (TableId table : task.reads()) {
        for (DraftTask writer : writers.getOrDefault(table, List.of())) {
          if (writer.dagId().equals(dag.id)
              && writer != task
              && !(writer.task().spec() instanceof TaskSpec.CreateTable)) {
            dag.edges.add(Edge.of(writer.task().id(), task.task().id()));
          }
        }
      }
    }
    // Writers of one table in one DAG run one after the other, in task id order: Iceberg commits
    // of concurrent writers conflict, and an order makes every run write the same way.
    // (the edges are a sorted set: the order of the tables does not matter, the order of each
    // table's writers does)
    Map<TableId, List<String>> tableWriters = new HashMap<>();
    for (DraftTask task : dag.tasks.values()) {
      if (!(task.task().spec() instanceof TaskSpec.CreateTable)) {
        for (TableId table : task.writes()) {
          tableWriters.computeIfAbsent(table, key -> new ArrayList<>()).add(task.task().id());
        }
      }
    }
    for (List<String> ids : tableWriters.values()) {
      for (int i = 1; i < ids.size(); i++) {
        dag.edges.add(Edge.of(ids.get(i - 1), ids.get(i)));
      }
    }
    // The migration chain reads the table it writes; those edges point forward already.
    dag.edges.removeIf(edge -> edge.from().equals(edge.to()));
  }

  private Map<String, DagDependency> upstreamOf(DraftDag dag) {
    Map<String, DagDependency.Reason> reasons = new TreeMap<>();
    Map<String, Set<TableId>> tables = new TreeMap<>();
    Map<String, String> origins = linkOrigins.computeIfAbsent(dag.id, key -> new HashMap<>());
    for (DraftTask task : dag.tasks.values()) {
      TaskSpec spec = task.task().spec();
      for (TableId table : task.reads()) {
        List<DraftTask> tableWriters = writers.getOrDefault(table, List.of());
        // A read is satisfied inside the DAG when the DAG writes the table itself (a migration's
        // reconcile reads its own conversion, not the ingestion that continues after it).
        if (writesInDag(tableWriters, dag.id)) {
          continue;
        }
        for (DraftTask writer : tableWriters) {
          link(dag, writer.dagId(), DagDependency.Reason.LINEAGE, table, reasons, tables);
          origins.putIfAbsent(writer.dagId(), task.origin());
        }
      }
      if (!(spec instanceof TaskSpec.CreateTable)) {
        for (TableId table : task.writes()) {
          for (DraftTask creator : creators.getOrDefault(table, List.of())) {
            link(dag, creator.dagId(), DagDependency.Reason.CREATION, table, reasons, tables);
            origins.putIfAbsent(creator.dagId(), task.origin());
          }
        }
      }
      TableId continued = continuedTable(spec);
      if (continued != null) {
        for (DraftTask recorder : watermarkRecorders.getOrDefault(continued, List.of())) {
          link(dag, recorder.dagId(), DagDependency.Reason.WATERMARK, continued, reasons, tables);
          origins.putIfAbsent(recorder.dagId(), task.origin());
        }
      }
    }
    for (Dependency dependency : dag.declared) {
      if (dependency.kind() == Dependency.Kind.DAG) {
        if (dags.containsKey(dependency.target())) {
          link(dag, dependency.target(), DagDependency.Reason.DECLARED, null, reasons, tables);
          origins.putIfAbsent(dependency.target(), dag.declaredAt.get(dependency));
        }
      } else {
        for (DraftTask writer : writers.getOrDefault(dependency.table(), List.of())) {
          link(
              dag,
              writer.dagId(),
              DagDependency.Reason.DECLARED,
              dependency.table(),
              reasons,
              tables);
          origins.putIfAbsent(writer.dagId(), dag.declaredAt.get(dependency));
        }
      }
    }
    Map<String, DagDependency> upstream = new LinkedHashMap<>();
    reasons.forEach(
        (upstreamId, reason) ->
            upstream.put(
                upstreamId,
                DagDependency.builder()
                    .dag(upstreamId)
                    .reason(reason)
                    .tables(tables.getOrDefault(upstreamId, Set.of()))
                    .build()));
    return upstream;
  }

  private static boolean writesInDag(List<DraftTask> writers, String dagId) {
    for (DraftTask writer : writers) {
      if (writer.dagId().equals(dagId)) {
        return true;
      }
    }
    return false;
  }

  private static TableId continuedTable(TaskSpec spec) {
    if (spec instanceof TaskSpec.IngestKafka kafka
        && kafka.ingestion().startingPosition() == StartingPosition.MIGRATION_WATERMARK) {
      return kafka.ingestion().target();
    }
    if (spec instanceof TaskSpec.IngestJdbc jdbc && jdbc.ingestion().incrementalColumn() != null) {
      return jdbc.ingestion().target();
    }
    return null;
  }

  private static void link(
      DraftDag dag,
      String upstreamId,
      DagDependency.Reason reason,
      TableId table,
      Map<String, DagDependency.Reason> reasons,
      Map<String, Set<TableId>> tables) {
    if (upstreamId.equals(dag.id)) {
      return;
    }
    reasons.merge(upstreamId, reason, (a, b) -> a.compareTo(b) <= 0 ? a : b);
    if (table != null) {
      tables.computeIfAbsent(upstreamId, key -> new TreeSet<>()).add(table);
    }
  }

  /**
   * Writers of one table in different DAGs where neither DAG waits for the other (directly or
   * through others): nothing orders their runs. The table's creator is not among them, since every
   * other writer waits for it.
   */
  private List<UnorderedWriters> unorderedWriters(
      Map<String, Map<String, DagDependency>> upstream) {
    Map<String, Set<String>> ancestors = new HashMap<>();
    List<UnorderedWriters> found = new ArrayList<>();
    // only tables written from two DAGs or more can have unordered writers; most have one
    Map<TableId, List<DraftTask>> shared = new TreeMap<>();
    for (Map.Entry<TableId, List<DraftTask>> entry : writers.entrySet()) {
      String dagId = null;
      for (DraftTask writer : entry.getValue()) {
        if (!(writer.task().spec() instanceof TaskSpec.CreateTable)) {
          if (dagId == null) {
            dagId = writer.dagId();
          } else if (!dagId.equals(writer.dagId())) {
            shared.put(entry.getKey(), entry.getValue());
            break;
          }
        }
      }
    }
    for (Map.Entry<TableId, List<DraftTask>> entry : shared.entrySet()) {
      Map<String, DraftTask> byDag = new TreeMap<>();
      for (DraftTask writer : entry.getValue()) {
        if (!(writer.task().spec() instanceof TaskSpec.CreateTable)) {
          byDag.putIfAbsent(writer.dagId(), writer);
        }
      }
      List<DraftTask> first = List.copyOf(byDag.values());
      for (int i = 0; i < first.size(); i++) {
        for (int j = i + 1; j < first.size(); j++) {
          String a = first.get(i).dagId();
          String b = first.get(j).dagId();
          if (!ancestors(b, upstream, ancestors).contains(a)
              && !ancestors(a, upstream, ancestors).contains(b)) {
            found.add(new UnorderedWriters(entry.getKey(), first.get(i), first.get(j)));
          }
        }
      }
    }
    return found;
  }

  private static Set<String> ancestors(
      String dagId,
      Map<String, Map<String, DagDependency>> upstream,
      Map<String, Set<String>> memo) {
    Set<String> known = memo.get(dagId);
    if (known != null) {
      return known;
    }
    Set<String> seen = new HashSet<>();
    List<String> stack = new ArrayList<>(upstream.getOrDefault(dagId, Map.of()).keySet());
    while (!stack.isEmpty()) {
      String next = stack.remove(stack.size() - 1);
      if (seen.add(next)) {
        stack.addAll(upstream.getOrDefault(next, Map.of()).keySet());
      }
    }
    memo.put(dagId, seen);
    return seen;
  }

  private List<Cycle> taskCycles(DraftDag dag) {
    if (dag.edges.isEmpty()) {
      return List.of();
    }
    // task ids in id order (the tasks map's), each task's successors in edge order
    String[] ids = dag.tasks.keySet().toArray(new String[0]);
    int[] counts = new int[ids.length];
    int[] from = new int[dag.edges.size()];
    int[] to = new int[dag.edges.size()];
    int e = 0;
    for (Edge edge : dag.edges) {
      from[e] = Arrays.binarySearch(ids, edge.from());
      if (from[e] < 0) {
        throw new IllegalStateException("Edge from unknown task " + edge.from() + " in " + dag.id);
      }
      int target = Arrays.binarySearch(ids, edge.to());
      to[e] = target < 0 ? -1 : target;
      counts[from[e]]++;
      e++;
    }
    int[][] successors = new int[ids.length][];
    for (int i = 0; i < ids.length; i++) {
      successors[i] = new int[counts[i]];
      counts[i] = 0;
    }
    for (int i = 0; i < from.length; i++) {
      successors[from[i]][counts[from[i]]++] = to[i];
    }
    List<Cycle> cycles = new ArrayList<>();
    for (List<String> cycle : Cycles.find(ids, successors)) {
      DraftTask first = dag.tasks.get(cycle.get(0));
      cycles.add(new Cycle(dag.useCase.name(), first.origin(), cycle, false));
    }
    return cycles;
  }

  private List<Cycle> dagCycles(Map<String, Map<String, DagDependency>> upstream) {
    List<Cycle> cycles = new ArrayList<>();
    for (List<String> cycle : Cycles.findInKeys(upstream)) {
      List<String> downstreamFirst = new ArrayList<>(cycle);
      java.util.Collections.reverse(downstreamFirst);
      DraftDag first = dags.get(cycle.get(0));
      String origin = linkOrigins.getOrDefault(first.id, Map.of()).get(cycle.get(1));
      cycles.add(
          new Cycle(first.useCase.name(), origin == null ? "" : origin, downstreamFirst, true));
    }
    return cycles;
  }

  private Plan build(Map<String, Map<String, DagDependency>> upstream) {
    // by identity: a use case's hash code walks all of it, once per DAG
    Map<UseCase, String> versions = new IdentityHashMap<>();
    Plan.Builder plan = Plan.builder();
    for (DraftDag draft : dags.values()) {
      UseCase useCase = draft.useCase;
      Set<String> tags = new TreeSet<>(useCase.tags());
      tags.addAll(draft.extraTags);
      Dag.Builder dag =
          Dag.builder()
              .id(draft.id)
              .useCase(useCase.name())
              .specVersion(versions.computeIfAbsent(useCase, UseCaseCodec::specVersion))
              .kind(draft.kind)
              .schedule(draft.schedule)
              .owner(useCase.owner())
              .tags(tags)
              .notifications(draft.notifications)
              .retries(useCase.retries())
              .retryDelay(useCase.retryDelay())
              .dependsOnPast(useCase.dependsOnPast())
              .edges(draft.edges)
              .upstream(upstream.get(draft.id).values());
      draft.tasks.values().forEach(task -> dag.addTask(task.task()));
      plan.addDag(dag.build());
    }
    return plan.build();
  }
}
