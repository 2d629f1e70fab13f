package io.lakeplan.aws.airflow;

import io.lakeplan.aws.emr.EmrServerlessJob;
import io.lakeplan.env.AirflowSettings;
import io.lakeplan.env.AirflowSettings.CrossDagMode;
import io.lakeplan.env.Environment;
import io.lakeplan.model.Schedule;
import io.lakeplan.model.TableId;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.DagDependency;
import io.lakeplan.plan.Edge;
import io.lakeplan.plan.Plan;
import io.lakeplan.plan.Task;
import io.lakeplan.plan.TaskSpec;
import io.lakeplan.run.NotificationMessage;
import io.lakeplan.run.RunEvent;
import io.lakeplan.validation.Problem;
import io.lakeplan.workspace.Workspace;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Renders a {@link Plan} as Airflow DAG files: one static Python file per DAG, named {@code
 * <dag_id>.py}, that imports on Airflow 2.10/2.11 and 3.x. The files read nothing at parse time (no
 * YAML, no JSON): the structure is fixed when they are rendered, so they parse fast and a DAG
 * changes only when it is rendered again. The same plan and target give byte-identical files.
 *
 * <ul>
 *   <li>Spark tasks run the Lakeplan job jar on EMR Serverless ({@code
 *       EmrServerlessStartJobOperator}, main class {@code io.lakeplan.spark.JobMain}, arguments:
 *       plan location, DAG id, task id); a team's own Spark job runs its own entry point.
 *   <li>Copy tasks run a DataSync task ({@code DataSyncOperator}).
 *   <li>Cross-DAG dependencies become assets (datasets on Airflow 2) or sensors, see {@link
 *       CrossDagMode}. In assets mode a table's asset is updated by the task that ends the DAG's
 *       work on it (a migration's watermark, not its convert); a consumer DAG with a cron schedule
 *       keeps it and also runs when its upstream assets are updated ({@code AssetOrTimeSchedule},
 *       {@code DatasetOrTimeSchedule} on Airflow 2), a manual or {@code @once} consumer runs on the
 *       assets only, and a first gate task ({@value #GATE_TASK_ID}) skips runs until each consumed
 *       asset has been updated once. In sensors mode a sensor waits for the upstream's latest
 *       firing; a DAG waiting for a manual DAG is refused with a problem.
 *   <li>A table's writers and maintenance run in one Airflow pool of one slot per table ({@link
 *       Rendering#pools()}, written to {@value Rendering#POOLS_FILE}).
 *   <li>Failure, retry, success and SLA-miss notifications go to the DAG's targets — SNS topics,
 *       e-mail through the environment's e-mail topic, Slack webhooks behind secret references —
 *       with the subject, text and message attributes of a Java run's notification ({@link
 *       #notificationTemplate}), Jinja filling in the task instance. An SLA becomes what the
 *       target's Airflow version has ({@link AirflowSettings#version()}): {@code sla} and an {@code
 *       sla_miss_callback} on 2.x, a deadline alert on 3.1+; a DAG whose notifications the target
 *       cannot carry (an SLA on 3.0, e-mail without the environment's e-mail topic) is not rendered
 *       and is reported as a problem.
 * </ul>
 */
public final class AirflowRenderer {
  /** The id of the DAG that lists the problems of invalid use-case files. */
  public static final String QUARANTINE_DAG_ID = "lakeplan_quarantine";

  /** The main class of the Lakeplan job jar ({@link EmrServerlessJob#JOB_MAIN_CLASS}). */
  public static final String JOB_MAIN_CLASS = EmrServerlessJob.JOB_MAIN_CLASS;

  /**
   * The Airflow Variable holding the KMS key ARN that encrypts the EMR job logs when the
   * environment sets no {@code kms-key}.
   */
  public static final String KMS_KEY_VARIABLE = "lakeplan_kms_key_arn";

  /**
   * The prefix of the task id of a SENSORS-mode sensor; followed by the upstream DAG id, and by as
   * many underscores as it takes to differ from the DAG's task ids.
   */
  public static final String SENSOR_TASK_PREFIX = "wait-for.";

  private final Environment environment;
  private final AirflowSettings target;

  private AirflowRenderer(Environment environment) {
    this.environment = Objects.requireNonNull(environment, "environment");
    this.target = environment.airflow();
  }

  /**
   * A renderer for {@code environment}: its {@link Environment#airflow()} settings, its region and
   * its default SNS topic.
   */
  public static AirflowRenderer to(Environment environment) {
    return new AirflowRenderer(environment);
  }

  /** A renderer for {@code settings} in an otherwise default environment (no region, no topic). */
  public static AirflowRenderer to(AirflowSettings settings) {
    return new AirflowRenderer(Environment.builder().airflow(settings).build());
  }

  /** The asset URI of an Iceberg table: {@code iceberg://<namespace>/<table>}. */
  public static String tableAssetUri(TableId table) {
    return "iceberg://" + table.namespace() + "/" + table.name();
  }

  /**
   * The prefix of the asset URIs a DAG's last tasks update when they complete, for dependencies
   * that are not about reading a table (declared, watermark, creation): {@code
   * lakeplan://dags/<dag_id>}; see {@link #completionAssetUri}.
   */
  public static String dagAssetUri(String dagId) {
    return "lakeplan://dags/" + dagId;
  }

  /**
   * The asset URI one of a DAG's last tasks updates when it completes: {@code
   * lakeplan://dags/<dag_id>/<task_id>}. A DAG has completed once each of its last tasks has.
   */
  public static String completionAssetUri(String dagId, String taskId) {
    return dagAssetUri(dagId) + "/" + taskId;
  }

  /** The asset URIs that together say {@code dag} has completed: one per last task. */
  public static List<String> completionAssetUris(Dag dag) {
    Set<String> from = new HashSet<>();
    dag.edges().forEach(edge -> from.add(edge.from()));
    return dag.tasks().stream()
        .filter(task -> !from.contains(task.id()))
        .map(task -> completionAssetUri(dag.id(), task.id()))
        .toList();
  }

  /**
   * The asset URIs a DAG consumes for one upstream dependency in DATASETS mode: the tables' assets
   * for a lineage dependency, else the completion assets of the upstream DAG {@code upstream}.
   */
  public static List<String> assetUris(DagDependency dependency, Dag upstream) {
    if (isLineage(dependency)) {
      return dependency.tables().stream().map(AirflowRenderer::tableAssetUri).toList();
    }
    return completionAssetUris(upstream);
  }

  /** Renders the workspace's valid use cases and reports its problems. */
  public Rendering render(Workspace workspace) {
    return render(workspace.plan(), workspace.problems());
  }

  /** Renders every DAG of {@code plan}. */
  public Rendering render(Plan plan) {
    return render(plan, List.of());
  }

  /**
   * Renders every DAG of {@code plan} and, when the target asks for it, the quarantine DAG listing
   * {@code problems}.
   */
  public Rendering render(Plan plan, List<Problem> problems) {
    Map<String, Dag> byId = new HashMap<>();
    plan.dags().forEach(dag -> byId.put(dag.id(), dag));
    Set<String> completionAssets = new HashSet<>();
    for (Dag dag : plan.dags()) {
      for (DagDependency dependency : dag.upstream()) {
        if (!isLineage(dependency)) {
          completionAssets.add(dependency.dag());
        }
      }
    }
    List<Problem> all = new ArrayList<>(problems);
    Set<String> refused = new TreeSet<>();
    if (target.crossDagMode() == CrossDagMode.SENSORS) {
      for (Dag dag : plan.dags()) {
        Problem refusal = sensorsRefusal(dag, byId);
        if (refusal != null) {
          all.add(refusal);
          refused.add(dag.id());
        }
      }
    }
    for (Dag dag : plan.dags()) {
      Problem refusal = Callbacks.refusal(environment, dag);
      if (refusal != null) {
        all.add(refusal);
        refused.add(dag.id());
      }
    }
    Pools pools = Pools.of(plan);
    List<RenderedFile> files = new ArrayList<>();
    for (Dag dag : plan.dags()) {
      if (refused.contains(dag.id())) {
        continue;
      }
      String source = new DagFile(dag, completionAssets.contains(dag.id()), byId, pools).render();
      files.add(new RenderedFile(dag.id() + ".py", dag.id(), source));
    }
    if (target.quarantineDag()) {
      files.add(
          new RenderedFile(
              QUARANTINE_DAG_ID + ".py", QUARANTINE_DAG_ID, quarantine(new Rendering(files, all))));
    }
    files.sort((left, right) -> left.fileName().compareTo(right.fileName()));
    return new Rendering(files, all, pools.descriptions());
  }

  /**
   * In SENSORS mode, a DAG waiting for a manual or {@code @once} DAG cannot be rendered: an {@code
   * ExternalTaskSensor} waits for the upstream run of a computed logical date, and a manual run has
   * whatever date it was triggered at, so every run would wait out the sensor timeout.
   */
  private Problem sensorsRefusal(Dag dag, Map<String, Dag> byId) {
    List<String> manual = new ArrayList<>();
    for (DagDependency dependency : dag.upstream()) {
      Dag upstream = byId.get(dependency.dag());
      if (upstream != null && (upstream.schedule() == null || upstream.schedule().isOnce())) {
        manual.add(upstream.id() + (upstream.schedule() == null ? " (manual)" : " (@once)"));
      }
    }
    if (manual.isEmpty()) {
      return null;
    }
    return new Problem(
        dag.useCase(),
        "",
        io.lakeplan.validation.ProblemCode.CONFLICTING_SETTINGS,
        "DAG "
            + dag.id()
            + " waits for "
            + String.join(", ", manual)
            + ", which has no schedule: in cross-dag-mode sensors an ExternalTaskSensor waits for"
            + " the upstream run of a scheduled logical date, which a manual run never has, so every"
            + " run would wait out the sensor timeout; render with cross-dag-mode datasets (the"
            + " default), where the DAG runs only once the upstream has completed, or give the"
            + " upstream a schedule",
        null);
  }

  private static boolean isLineage(DagDependency dependency) {
    return dependency.reason() == DagDependency.Reason.LINEAGE && !dependency.tables().isEmpty();
  }

  private String quarantine(Rendering rendering) {
    Map<String, List<Problem>> byUseCase = rendering.problemsByUseCase();
    StringBuilder doc = new StringBuilder("# Lakeplan quarantine\n\n");
    if (byUseCase.isEmpty()) {
      doc.append("Every use-case file rendered; nothing is quarantined.\n");
    } else {
      doc.append(byUseCase.size())
          .append(
              " use cases were left out because their files are invalid. Fix them and render"
                  + " again.\n");
      byUseCase.forEach(
          (useCase, own) -> {
            doc.append("\n## ").append(useCase).append("\n\n");
            own.forEach(problem -> doc.append("- `").append(problem).append("`\n"));
          });
    }
    StringBuilder out = new StringBuilder();
    header(out, QUARANTINE_DAG_ID, "Invalid use-case files and their problems.");
    out.append("from __future__ import annotations\n\n");
    out.append("import pendulum\n\n");
    importDag(out, false);
    out.append("\nDOC_MD = ").append(Python.string(doc.toString())).append("\n\n");
    out.append("with DAG(\n");
    out.append("    dag_id=").append(Python.string(QUARANTINE_DAG_ID)).append(",\n");
    out.append("    description=")
        .append(Python.string(byUseCase.size() + " invalid use cases left out of rendering"))
        .append(",\n");
    out.append("    schedule=None,\n");
    out.append("    start_date=").append(startDate()).append(",\n");
    out.append("    catchup=False,\n");
    out.append("    tags=").append(Python.strings(List.of("lakeplan", "quarantine"))).append(",\n");
    out.append("    doc_md=DOC_MD,\n");
    out.append(") as dag:\n");
    out.append("    pass\n");
    return out.toString();
  }

  private static void header(StringBuilder out, String dagId, String what) {
    out.append("# Airflow DAG ").append(Python.comment(dagId)).append('\n');
    out.append("# ").append(Python.comment(what)).append('\n');
    out.append("# Generated by Lakeplan — do not edit: change the use case and render again.\n");
  }

  private static void importDag(StringBuilder out, boolean withAsset) {
    out.append("try:\n");
    out.append("    from airflow.sdk import DAG").append(withAsset ? ", Asset" : "").append('\n');
    out.append("except ImportError:  # Airflow 2\n");
    out.append("    from airflow import DAG\n");
    if (withAsset) {
      out.append("    from airflow.datasets import Dataset as Asset\n");
    }
  }

  private String startDate() {
    ZonedDateTime start = target.startDate().atZone(ZoneOffset.UTC);
    return String.format(
        "pendulum.datetime(%d, %d, %d, %d, %d, %d, tz=\"UTC\")",
        start.getYear(),
        start.getMonthValue(),
        start.getDayOfMonth(),
        start.getHour(),
        start.getMinute(),
        start.getSecond());
  }

  /** The task id of the DATASETS-mode gate, with underscores added when a task has it. */
  public static final String GATE_TASK_ID = "upstream-completed";

  /** The Jinja expression of the task id in a task callback's notification. */
  public static final String JINJA_TASK_ID = "{{ ti.task_id }}";

  /** The Jinja expression of the DAG run id in a callback's notification. */
  public static final String JINJA_RUN_ID = "{{ run_id }}";

  /** The Jinja expression of the attempt that failed in a task callback's notification. */
  public static final String JINJA_ATTEMPT = "{{ ti.try_number }}";

  /** The Jinja expression of the attempts a task may take in a task callback's notification. */
  public static final String JINJA_ATTEMPTS = "{{ ti.task.retries + 1 }}";

  /**
   * The Jinja expression of a task callback's summary: the exception's text on one line, or {@value
   * NotificationMessage#UNKNOWN}.
   */
  public static final String JINJA_SUMMARY =
      "{{ exception | default('-', true) | string | replace('\\n', ' | ') }}";

  /** The Jinja expression of the task instance's log in a task callback's notification. */
  public static final String JINJA_LOG = "{{ ti.log_url }}";

  /**
   * The Jinja expression of the DAG run id in an SLA-miss notification: {@code dag_run} is the run
   * in Airflow 2's SLA callback, and the run as the deadline alert's context has it on 3.x ({@code
   * dag_run_id} there on 3.1).
   */
  public static final String JINJA_DAG_RUN_ID =
      "{{ dag_run.run_id if dag_run.run_id is defined else dag_run.dag_run_id }}";

  /**
   * The notification a rendered callback of {@code dag} sends for {@code kind}: the text of a Java
   * run's notification ({@link NotificationMessage}) with Jinja expressions ({@code JINJA_*}) for
   * what only the callback knows. A {@link RunEvent.Kind#SUCCESS} or {@link RunEvent.Kind#SLA_MISS}
   * callback is the DAG run's: no task, attempt or log; an SLA miss's summary is {@link
   * RunEvent#slaMissed} of the DAG's SLA.
   */
  public static NotificationMessage notificationTemplate(RunEvent.Kind kind, Dag dag) {
    if (kind == RunEvent.Kind.SLA_MISS) {
      return new NotificationMessage(
          kind.name(),
          dag.useCase(),
          dag.id(),
          NotificationMessage.UNKNOWN,
          JINJA_DAG_RUN_ID,
          NotificationMessage.UNKNOWN,
          RunEvent.slaMissed(dag.notifications().sla()),
          NotificationMessage.UNKNOWN);
    }
    if (kind == RunEvent.Kind.SUCCESS) {
      return new NotificationMessage(
          kind.name(),
          dag.useCase(),
          dag.id(),
          NotificationMessage.UNKNOWN,
          JINJA_RUN_ID,
          NotificationMessage.UNKNOWN,
          RunEvent.RUN_SUCCEEDED,
          NotificationMessage.UNKNOWN);
    }
    return new NotificationMessage(
        kind.name(),
        dag.useCase(),
        dag.id(),
        JINJA_TASK_ID,
        JINJA_RUN_ID,
        NotificationMessage.attempt(JINJA_ATTEMPT, JINJA_ATTEMPTS),
        JINJA_SUMMARY,
        JINJA_LOG);
  }

  /** The source of one DAG file. */
  private final class DagFile {
    private final Dag dag;
    private final boolean completionAsset;
    private final Map<String, Dag> dags;
    private final Pools pools;
    private final CrossDagMode mode = target.crossDagMode();
    private final Map<String, String> variables = new LinkedHashMap<>();
    private final Map<String, String> sensorIds = new HashMap<>();
    private final Callbacks callbacks;
    private String gateId;

    DagFile(Dag dag, boolean completionAsset, Map<String, Dag> dags, Pools pools) {
      this.dag = dag;
      this.completionAsset = completionAsset;
      this.dags = dags;
      this.pools = pools;
      this.callbacks = new Callbacks(environment, dag);
      Set<String> used = new HashSet<>();
      List<String> ids = new ArrayList<>();
      Set<String> taskIds = new HashSet<>();
      dag.tasks().forEach(task -> taskIds.add(task.id()));
      if (!gatingUpstream().isEmpty()) {
        String id = GATE_TASK_ID;
        while (taskIds.contains(id)) {
          id = id + "_";
        }
        gateId = id;
        ids.add(id);
      }
      if (mode == CrossDagMode.SENSORS) {
        for (DagDependency dependency : dag.upstream()) {
          // a task of this DAG may already have the id (migration "wait-for" waiting on a DAG
          // named "convert" has a task wait-for.convert): the sensor then takes an underscore
          String id = SENSOR_TASK_PREFIX + dependency.dag();
          while (taskIds.contains(id)) {
            id = id + "_";
          }
          sensorIds.put(dependency.dag(), id);
          ids.add(id);
        }
      }
      dag.tasksInOrder().forEach(task -> ids.add(task.id()));
      for (String id : ids) {
        String name = Python.identifier(id);
        String unique = name;
        for (int i = 2; !used.add(unique); i++) {
          unique = name + "_" + i;
        }
        variables.put(id, unique);
      }
    }

    /**
     * The upstream DAGs a DATASETS-mode gate waits for: all of them. Assets only trigger runs, and
     * the DAG's own cron (asset-or-time) would run it before its upstream DAGs ever ran; the gate
     * skips such a run until every upstream asset it consumes has been updated at least once.
     */
    private List<DagDependency> gatingUpstream() {
      return mode == CrossDagMode.DATASETS ? dag.upstream() : List.of();
    }

    /** What the gate reads: the assets the DAG is scheduled on. */
    private List<String> gateAssets() {
      Set<String> uris = new TreeSet<>();
      gatingUpstream()
          .forEach(dependency -> uris.addAll(assetUris(dependency, dags.get(dependency.dag()))));
      return List.copyOf(uris);
    }

    private boolean hasSpark() {
      return dag.tasks().stream().anyMatch(task -> task.spec().runsOnSpark());
    }

    /** Whether any task runs the job jar's JobMain (rather than a team's own Spark job). */
    private boolean hasJobMain() {
      return dag.tasks().stream()
          .anyMatch(
              task -> task.spec().runsOnSpark() && !(task.spec() instanceof TaskSpec.RunSparkJob));
    }

    private boolean hasCopy() {
      return dag.tasks().stream().anyMatch(task -> !task.spec().runsOnSpark());
    }

    private boolean usesAssets() {
      return mode == CrossDagMode.DATASETS
          && (!dag.upstream().isEmpty()
              || completionAsset
              || dag.tasks().stream().anyMatch(task -> !task.spec().writes().isEmpty()));
    }

    private boolean assetOrTime() {
      return mode == CrossDagMode.DATASETS
          && !dag.upstream().isEmpty()
          && dag.schedule() != null
          && !dag.schedule().isOnce();
    }

    String render() {
      StringBuilder out = new StringBuilder();
      header(
          out,
          dag.id(),
          "Use case "
              + dag.useCase()
              + ", spec version "
              + dag.specVersion()
              + ", "
              + dag.kind().name().toLowerCase(java.util.Locale.ROOT)
              + " DAG.");
      out.append('"').append("\"\"\n").append(Python.docstring(docMd()));
      out.append("\"\"\"\n\n");
      imports(out);
      constants(out);
      callbacks.functions(out);
      if (hasJobMain()) {
        jobMainFunction(out);
      }
      if (gateId != null) {
        gateFunction(out);
      }
      if (needsUpstreamDate()) {
        upstreamDateFunction(out);
      }
      defaultArgs(out);
      out.append("with DAG(\n");
      out.append("    dag_id=DAG_ID,\n");
      out.append("    description=")
          .append(Python.string("Lakeplan " + dag.useCase() + " " + kindName()))
          .append(",\n");
      out.append("    schedule=").append(schedule()).append(",\n");
      out.append("    start_date=").append(startDate()).append(",\n");
      out.append("    catchup=False,\n");
      out.append("    max_active_runs=").append(target.maxActiveRuns()).append(",\n");
      out.append("    tags=").append(Python.strings(dag.tags())).append(",\n");
      out.append("    default_args=default_args,\n");
      callbacks.dagArguments(out);
      out.append("    doc_md=__doc__,\n");
      out.append(") as dag:\n");
      if (mode == CrossDagMode.SENSORS) {
        dag.upstream().forEach(dependency -> sensor(out, dependency));
      }
      if (gateId != null) {
        out.append("    ").append(variables.get(gateId)).append(" = ShortCircuitOperator(\n");
        out.append("        task_id=").append(Python.string(gateId)).append(",\n");
        out.append("        python_callable=upstream_assets_updated,\n");
        out.append("        inlets=UPSTREAM_COMPLETED,\n");
        out.append("    )\n");
      }
      for (Task task : dag.tasksInOrder()) {
        task(out, task);
      }
      edges(out);
      return out.toString();
    }

    private String kindName() {
      return dag.kind().name().toLowerCase(java.util.Locale.ROOT);
    }

    private String docMd() {
      StringBuilder doc = new StringBuilder();
      doc.append("# ").append(dag.id()).append("\n\n");
      doc.append("The ")
          .append(kindName())
          .append(" DAG of the Lakeplan use case `")
          .append(dag.useCase())
          .append("` (spec version `")
          .append(dag.specVersion())
          .append("`), owned by ")
          .append(dag.owner())
          .append(".\n");
      if (!dag.upstream().isEmpty()) {
        doc.append("\nWaits for:\n\n");
        for (DagDependency dependency : dag.upstream()) {
          doc.append("- `")
              .append(dependency.dag())
              .append("` (")
              .append(dependency.reason().name().toLowerCase(java.util.Locale.ROOT));
          if (!dependency.tables().isEmpty()) {
            doc.append(": ");
            doc.append(
                String.join(", ", dependency.tables().stream().map(TableId::toString).toList()));
          }
          doc.append(")\n");
        }
        if (assetOrTime()) {
          doc.append("\nRuns on its schedule `")
              .append(dag.schedule())
              .append("` and whenever these DAGs have updated the assets it waits for;");
        } else if (mode == CrossDagMode.DATASETS) {
          doc.append("\nRuns whenever these DAGs have updated the assets it waits for;");
        }
        if (mode == CrossDagMode.DATASETS) {
          doc.append(
                  " a run before each of them has completed its work at least once is skipped"
                      + " (task `")
              .append(gateId)
              .append("`).\n");
        }
      }
      return doc.toString();
    }

    private void imports(StringBuilder out) {
      out.append("from __future__ import annotations\n\n");
      out.append("from datetime import timedelta\n\n");
      out.append("import pendulum\n\n");
      importDag(out, usesAssets());
      if (hasSpark()) {
        out.append(
            "from airflow.providers.amazon.aws.operators.emr import"
                + " EmrServerlessStartJobOperator\n");
      }
      if (hasCopy()) {
        out.append(
            "from airflow.providers.amazon.aws.operators.datasync import DataSyncOperator\n");
      }
      callbacks.imports(out);
      if (dag.schedule() != null && !dag.schedule().isOnce()) {
        out.append("from airflow.timetables.trigger import CronTriggerTimetable\n");
      }
      if (assetOrTime()) {
        out.append("\ntry:\n");
        out.append("    from airflow.timetables.assets import AssetOrTimeSchedule\n");
        out.append("except ImportError:  # Airflow 2\n");
        out.append("    from airflow.timetables.datasets import DatasetOrTimeSchedule\n\n");
        out.append("    def AssetOrTimeSchedule(*, timetable, assets):\n");
        out.append("        return DatasetOrTimeSchedule(timetable=timetable, datasets=assets)\n");
      }
      if (gateId != null) {
        out.append("\ntry:\n");
        out.append(
            "    from airflow.providers.standard.operators.python import ShortCircuitOperator\n");
        out.append("except ImportError:  # Airflow 2\n");
        out.append("    from airflow.operators.python import ShortCircuitOperator\n");
      }
      if (mode == CrossDagMode.SENSORS && !dag.upstream().isEmpty()) {
        out.append("\ntry:\n");
        out.append(
            "    from airflow.providers.standard.sensors.external_task import"
                + " ExternalTaskSensor\n");
        out.append("except ImportError:  # Airflow 2\n");
        out.append("    from airflow.sensors.external_task import ExternalTaskSensor\n");
      }
      callbacks.versionedImports(out);
      out.append('\n');
    }

    /**
     * The Amazon provider that Airflow 2.10.3 shipped with (9.0.0, MWAA's 2.10.3) has no {@code
     * region_name} on {@code EmrServerlessStartJobOperator}: its hook takes the connection's
     * region. Rather than a file per Airflow version, the file gives the operator there a hook in
     * {@code REGION_NAME}, so the job runs in the environment's region on every version; newer
     * providers (an {@code AwsBaseOperator}, which has {@code aws_hook_class}) take {@code
     * region_name} as they are. The EMR Serverless tasks pass {@code **EMR_REGION}: the argument
     * where the operator has it, nothing on 9.0. The subclass has no {@code __init__} of its own:
     * {@code BaseOperator} wraps every {@code __init__} a class defines (default arguments merged
     * once more per task, the signature read when the class is created): about 8% of a file's
     * profiled parse time on Airflow 2.10.3.
     */
    private static void emrServerlessRegionShim(StringBuilder out) {
      out.append("\nif hasattr(EmrServerlessStartJobOperator, \"aws_hook_class\"):\n");
      out.append("    EMR_REGION = {\"region_name\": REGION_NAME}\n");
      out.append("else:\n");
      out.append(
          "    # Amazon provider 9.0 (Airflow 2.10.3's): no region_name, its hook would take the\n");
      out.append("    # connection's region; this one takes REGION_NAME, as newer providers do\n");
      out.append("    from functools import cached_property\n\n");
      out.append("    from airflow.providers.amazon.aws.hooks.emr import EmrServerlessHook\n\n");
      out.append("    class EmrServerlessStartJobOperator(EmrServerlessStartJobOperator):\n");
      out.append("        @cached_property\n");
      out.append("        def hook(self):\n");
      out.append(
          "            return EmrServerlessHook(aws_conn_id=self.aws_conn_id,"
              + " region_name=REGION_NAME)\n\n");
      out.append("    EMR_REGION = {}\n");
    }

    private void constants(StringBuilder out) {
      out.append("DAG_ID = ").append(Python.string(dag.id())).append('\n');
      out.append("AWS_CONN_ID = ").append(Python.string(target.awsConnectionId())).append('\n');
      out.append("REGION_NAME = ").append(Python.stringOrNone(environment.region())).append('\n');
      if (hasSpark()) {
        out.append("EMR_APPLICATION_ID = ")
            .append(Python.string(target.emrApplicationId()))
            .append('\n');
        out.append("EXECUTION_ROLE_ARN = ")
            .append(Python.string(target.executionRoleArn()))
            .append('\n');
        out.append("JOB_JAR = ").append(Python.string(target.jobJar())).append('\n');
        out.append("SPEC_LOCATION = ").append(Python.string(specLocation())).append('\n');
        out.append("ENVIRONMENT_LOCATION = ")
            .append(Python.string(EmrServerlessJob.environmentLocation(environment, dag)))
            .append('\n');
      }
      if (hasSpark()) {
        out.append("LOG_URI = ").append(Python.string(target.logUri())).append('\n');
        out.append("KMS_KEY_ARN = ").append(Python.string(kmsKeyArn())).append('\n');
        emrServerlessRegionShim(out);
      }
      out.append('\n');
    }

    /**
     * The environment's {@code kms-key}, else the Airflow Variable {@code lakeplan_kms_key_arn}
     * (like the other AWS settings the environment leaves open).
     */
    private String kmsKeyArn() {
      return environment.kmsKey() != null
          ? environment.kmsKey()
          : "{{ var.value." + KMS_KEY_VARIABLE + " }}";
    }

    private String specLocation() {
      return EmrServerlessJob.specLocation(target, dag);
    }

    /**
     * The one function that builds every JobMain task: the tasks differ only in their id (and
     * outlets), and one definition keeps the file short, readable and quick to compile when Airflow
     * parses it.
     */
    private void jobMainFunction(StringBuilder out) {
      // the arguments and parameters EmrServerlessEngine sends too (EmrServerlessJob)
      String parameters = EmrServerlessJob.jobMainParameters(target.sparkSubmitParameters());
      String arguments =
          String.join(
              ", ",
              EmrServerlessJob.jobMainArguments(
                  "SPEC_LOCATION", "ENVIRONMENT_LOCATION", "DAG_ID", "task_id", Python::string));
      while (!out.toString().endsWith("\n\n\n")) {
        out.append('\n'); // two blank lines before a top-level function
      }
      out.append("def job_main(task_id, name=None, **kwargs):\n");
      out.append(
          "    \"\"\"Task `task_id` of this DAG: the Lakeplan job jar (JobMain) on EMR"
              + " Serverless.\"\"\"\n");
      out.append("    return EmrServerlessStartJobOperator(\n");
      out.append("        task_id=task_id,\n");
      // a name too long for EMR Serverless comes shortened (EmrServerlessJob.name)
      out.append("        name=name or DAG_ID + ")
          .append(Python.string(EmrServerlessJob.NAME_SEPARATOR))
          .append(" + task_id,\n");
      out.append("        application_id=EMR_APPLICATION_ID,\n");
      out.append("        execution_role_arn=EXECUTION_ROLE_ARN,\n");
      out.append("        job_driver={\n");
      out.append("            \"sparkSubmit\": {\n");
      out.append("                \"entryPoint\": JOB_JAR,\n");
      out.append("                \"entryPointArguments\": [").append(arguments).append("],\n");
      out.append("                \"sparkSubmitParameters\": ")
          .append(Python.string(parameters))
          .append(",\n");
      out.append("            }\n");
      out.append("        },\n");
      configurationOverrides(out);
      out.append("        aws_conn_id=AWS_CONN_ID,\n");
      out.append("        waiter_delay=").append(target.pollInterval().getSeconds()).append(",\n");
      out.append("        waiter_max_attempts=").append(target.maxAttempts()).append(",\n");
      out.append("        **EMR_REGION,\n");
      out.append("        **kwargs,\n");
      out.append("    )\n\n\n");
    }

    /**
     * The job run's logs: under LOG_URI, SSE-KMS with the environment's key (what {@code
     * EmrServerlessEngine} sends too).
     */
    private static void configurationOverrides(StringBuilder out) {
      out.append("        configuration_overrides={\n");
      out.append("            \"monitoringConfiguration\": {\n");
      out.append("                \"s3MonitoringConfiguration\": {\n");
      out.append("                    \"logUri\": LOG_URI,\n");
      out.append("                    \"encryptionKeyArn\": KMS_KEY_ARN,\n");
      out.append("                }\n");
      out.append("            }\n");
      out.append("        },\n");
    }

    private void gateFunction(StringBuilder out) {
      while (!out.toString().endsWith("\n\n\n")) {
        out.append('\n');
      }
      out.append("UPSTREAM_COMPLETED = ").append(assets(gateAssets())).append("\n\n\n");
      out.append("def upstream_assets_updated(inlet_events, **_):\n");
      out.append(
          "    \"\"\"Whether every asset this DAG waits for has been updated at least once (each"
              + " upstream DAG\n");
      out.append(
          "    has completed its work on a table read, or all its work); else the run is"
              + " skipped.\"\"\"\n");
      out.append(
          "    return all(len(inlet_events[asset]) > 0 for asset in UPSTREAM_COMPLETED)\n\n\n");
    }

    private boolean needsUpstreamDate() {
      return mode == CrossDagMode.SENSORS
          && dag.upstream().stream()
              .anyMatch(
                  dependency -> !dags.get(dependency.dag()).schedule().equals(dag.schedule()));
    }

    private void upstreamDateFunction(StringBuilder out) {
      while (!out.toString().endsWith("\n\n\n")) {
        out.append('\n');
      }
      out.append("def latest_firing(cron):\n");
      out.append(
          "    \"\"\"The logical date of the upstream run to wait for: the upstream schedule's"
              + " latest firing\n");
      out.append(
          "    at or before this run's logical date (both run on CronTriggerTimetable, whose"
              + " logical date\n");
      out.append("    is the firing time).\"\"\"\n\n");
      out.append("    def upstream_logical_date(logical_date, **_):\n");
      out.append("        from datetime import datetime\n\n");
      out.append("        from croniter import croniter\n\n");
      out.append(
          "        return croniter(cron, logical_date + timedelta(seconds=1)).get_prev(datetime)\n\n");
      out.append("    return upstream_logical_date\n\n\n");
    }

    private void defaultArgs(StringBuilder out) {
      out.append("default_args = {\n");
      out.append("    \"owner\": ").append(Python.string(dag.owner())).append(",\n");
      out.append("    \"retries\": ").append(dag.retries()).append(",\n");
      out.append("    \"retry_delay\": ").append(Python.timedelta(dag.retryDelay())).append(",\n");
      out.append("    \"depends_on_past\": ")
          .append(dag.dependsOnPast() ? "True" : "False")
          .append(",\n");
      callbacks.defaultArgs(out);
      out.append("}\n\n");
    }

    private String schedule() {
      Schedule schedule = dag.schedule();
      String time;
      if (schedule == null) {
        time = "None";
      } else if (schedule.isOnce()) {
        time = Python.string("@once");
      } else {
        time = "CronTriggerTimetable(" + Python.string(schedule.toString()) + ", timezone=\"UTC\")";
      }
      if (mode != CrossDagMode.DATASETS || dag.upstream().isEmpty()) {
        return time;
      }
      Set<String> uris = new TreeSet<>();
      dag.upstream()
          .forEach(dependency -> uris.addAll(assetUris(dependency, dags.get(dependency.dag()))));
      String assets =
          uris.stream()
              .map(uri -> "Asset(" + Python.string(uri) + ")")
              .collect(java.util.stream.Collectors.joining(", ", "[", "]"));
      if (assetOrTime()) {
        return "AssetOrTimeSchedule(\n        timetable="
            + time
            + ",\n        assets="
            + assets
            + ",\n    )";
      }
      return assets;
    }

    private String sensorTaskId(DagDependency dependency) {
      return sensorIds.get(dependency.dag());
    }

    private void sensor(StringBuilder out, DagDependency dependency) {
      out.append("    ")
          .append(variables.get(sensorTaskId(dependency)))
          .append(" = ExternalTaskSensor(\n");
      out.append("        task_id=").append(Python.string(sensorTaskId(dependency))).append(",\n");
      out.append("        external_dag_id=").append(Python.string(dependency.dag())).append(",\n");
      out.append("        external_task_id=None,\n");
      Schedule upstream = dags.get(dependency.dag()).schedule();
      if (!upstream.equals(dag.schedule())) {
        out.append("        execution_date_fn=latest_firing(")
            .append(Python.string(upstream.toString()))
            .append("),\n");
      }
      out.append("        allowed_states=[\"success\"],\n");
      out.append("        failed_states=[\"failed\"],\n");
      out.append("        mode=\"reschedule\",\n");
      out.append("        poke_interval=").append(target.pollInterval().getSeconds()).append(",\n");
      out.append("        timeout=").append(target.sensorTimeout().getSeconds()).append(",\n");
      out.append("    )\n");
    }

    private void task(StringBuilder out, Task task) {
      String variable = variables.get(task.id());
      TaskSpec spec = task.spec();
      if (spec.runsOnSpark() && !(spec instanceof TaskSpec.RunSparkJob)) {
        out.append("    ").append(variable).append(" = job_main(").append(Python.string(task.id()));
        String name = EmrServerlessJob.name(dag.id(), task.id());
        if (!name.equals(dag.id() + EmrServerlessJob.NAME_SEPARATOR + task.id())) {
          out.append(", name=").append(Python.string(name));
        }
        List<String> outlets = outlets(task);
        if (!outlets.isEmpty()) {
          out.append(", outlets=").append(assets(outlets));
        }
        String pool = pools.of(task);
        if (pool != null) {
          out.append(", pool=").append(Python.string(pool));
        }
        out.append(")\n");
        return;
      }
      if (!spec.runsOnSpark()) {
        TaskSpec.Copy copy = (TaskSpec.Copy) spec;
        out.append("    ").append(variable).append(" = DataSyncOperator(\n");
        out.append("        task_id=").append(Python.string(task.id())).append(",\n");
        out.append("        task_arn=")
            .append(Python.string(target.dataSyncTaskArn(copy.migration().id())))
            .append(",\n");
        out.append("        aws_conn_id=AWS_CONN_ID,\n");
        out.append("        region_name=REGION_NAME,\n");
        out.append("        wait_interval_seconds=")
            .append(target.pollInterval().getSeconds())
            .append(",\n");
        out.append("        max_iterations=").append(target.maxAttempts()).append(",\n");
      } else if (spec instanceof TaskSpec.RunSparkJob run) {
        // a team's own Spark job: its entry point, arguments and parameters as they are
        EmrServerlessJob job = EmrServerlessJob.sparkJob(dag, task, run.job());
        String entryPoint = Python.string(job.entryPoint());
        String arguments = Python.strings(job.entryPointArguments());
        String parameters = Python.string(job.sparkSubmitParameters());
        out.append("    ").append(variable).append(" = EmrServerlessStartJobOperator(\n");
        out.append("        task_id=").append(Python.string(task.id())).append(",\n");
        out.append("        name=").append(Python.string(job.name())).append(",\n");
        out.append("        application_id=EMR_APPLICATION_ID,\n");
        out.append("        execution_role_arn=EXECUTION_ROLE_ARN,\n");
        out.append("        job_driver={\n");
        out.append("            \"sparkSubmit\": {\n");
        out.append("                \"entryPoint\": ").append(entryPoint).append(",\n");
        out.append("                \"entryPointArguments\": ").append(arguments).append(",\n");
        out.append("                \"sparkSubmitParameters\": ").append(parameters).append(",\n");
        out.append("            }\n");
        out.append("        },\n");
        configurationOverrides(out);
        out.append("        aws_conn_id=AWS_CONN_ID,\n");
        out.append("        **EMR_REGION,\n");
        out.append("        waiter_delay=")
            .append(target.pollInterval().getSeconds())
            .append(",\n");
        out.append("        waiter_max_attempts=").append(target.maxAttempts()).append(",\n");
      }
      List<String> outlets = outlets(task);
      if (!outlets.isEmpty()) {
        out.append("        outlets=").append(assets(outlets)).append(",\n");
      }
      String pool = pools.of(task);
      if (pool != null) {
        out.append("        pool=").append(Python.string(pool)).append(",\n");
      }
      out.append("    )\n");
    }

    private static String assets(List<String> uris) {
      return "["
          + String.join(
              ", ", uris.stream().map(uri -> "Asset(" + Python.string(uri) + ")").toList())
          + "]";
    }

    private List<String> outlets(Task task) {
      if (mode != CrossDagMode.DATASETS) {
        return List.of();
      }
      Set<String> uris = new TreeSet<>();
      for (TableId table : writtenTables()) {
        if (completes(task, table)) {
          uris.add(tableAssetUri(table));
        }
      }
      if (completionAsset && isSink(task)) {
        uris.add(completionAssetUri(dag.id(), task.id()));
      }
      return List.copyOf(uris);
    }

    /** The tables whose data this DAG writes (creating a table changes no data). */
    private Set<TableId> writtenTables() {
      Set<TableId> tables = new TreeSet<>();
      for (Task task : dag.tasks()) {
        if (!(task.spec() instanceof TaskSpec.CreateTable)) {
          tables.addAll(task.spec().writes());
        }
      }
      return tables;
    }

    /**
     * Whether {@code task} ends this DAG's work on {@code table}: it writes or reads the table and
     * no task after it does. The table's asset is updated there, so readers start only once the
     * data is written and proven (a migration's reconcile and watermark, not its convert).
     */
    private boolean completes(Task task, TableId table) {
      if (!touches(task, table)) {
        return false;
      }
      Set<String> after = new HashSet<>();
      List<String> next = new ArrayList<>(List.of(task.id()));
      while (!next.isEmpty()) {
        String id = next.remove(next.size() - 1);
        for (Edge edge : dag.edges()) {
          if (edge.from().equals(id) && after.add(edge.to())) {
            next.add(edge.to());
          }
        }
      }
      return after.stream().noneMatch(id -> touches(dag.task(id), table));
    }

    private static boolean touches(Task task, TableId table) {
      return !(task.spec() instanceof TaskSpec.CreateTable)
          && (task.spec().writes().contains(table) || task.spec().reads().contains(table));
    }

    private boolean isSink(Task task) {
      return dag.edges().stream().noneMatch(edge -> edge.from().equals(task.id()));
    }

    private void edges(StringBuilder out) {
      List<String> lines = new ArrayList<>();
      if (mode == CrossDagMode.SENSORS && !dag.upstream().isEmpty()) {
        Set<String> withUpstream = new HashSet<>();
        dag.edges().forEach(edge -> withUpstream.add(edge.to()));
        for (DagDependency dependency : dag.upstream()) {
          for (Task task : dag.tasksInOrder()) {
            if (!withUpstream.contains(task.id())) {
              lines.add(
                  variables.get(sensorTaskId(dependency)) + " >> " + variables.get(task.id()));
            }
          }
        }
      }
      if (gateId != null) {
        Set<String> withUpstream = new HashSet<>();
        dag.edges().forEach(edge -> withUpstream.add(edge.to()));
        for (Task task : dag.tasksInOrder()) {
          if (!withUpstream.contains(task.id())) {
            lines.add(variables.get(gateId) + " >> " + variables.get(task.id()));
          }
        }
      }
      for (Edge edge : dag.edges()) {
        lines.add(variables.get(edge.from()) + " >> " + variables.get(edge.to()));
      }
      lines = groupedBySource(lines);
      if (!lines.isEmpty()) {
        out.append('\n');
        lines.forEach(line -> out.append("    ").append(line).append('\n'));
      }
    }

    /**
     * {@code a >> b} and {@code a >> c} as one {@code a >> [b, c]}, in the order each source first
     * appears: the same dependencies, but Airflow resolves each statement once (on 2.10 each one
     * also calls the listener hooks), so fewer statements mean less work per parse.
     */
    private static List<String> groupedBySource(List<String> lines) {
      Map<String, List<String>> targets = new LinkedHashMap<>();
      for (String line : lines) {
        int arrow = line.indexOf(" >> ");
        targets
            .computeIfAbsent(line.substring(0, arrow), from -> new ArrayList<>())
            .add(line.substring(arrow + 4));
      }
      List<String> grouped = new ArrayList<>();
      targets.forEach(
          (from, to) ->
              grouped.add(
                  from
                      + " >> "
                      + (to.size() == 1 ? to.get(0) : "[" + String.join(", ", to) + "]")));
      return grouped;
    }
  }
}
