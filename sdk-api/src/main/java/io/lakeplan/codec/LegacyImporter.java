package io.lakeplan.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakeplan.model.DagKind;
import io.lakeplan.model.Dependency;
import io.lakeplan.model.NotificationPolicy;
import io.lakeplan.model.Schedule;
import io.lakeplan.model.SparkJob;
import io.lakeplan.model.UseCase;
import io.lakeplan.validation.Problem;
import io.lakeplan.validation.ProblemCode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Imports the legacy use-case format (one file per use case: {@code owner} and {@code dags[]}, each
 * DAG running one Spark job) into a use case of Spark-job steps, one DAG each, keeping DAG names,
 * types, schedules, tags, notifications and {@code depends_on}. Problems use the legacy paths
 * ({@code dags[payments_ingestion].spark.entrypoint}).
 */
final class LegacyImporter {
  private static final Set<String> ROOT_KEYS = Set.of("owner", "dags", "description");
  private static final Set<String> DAG_KEYS =
      Set.of("name", "type", "tags", "notification", "spark", "schedule", "depends_on");
  private static final Set<String> NOTIFICATION_KEYS =
      Set.of("on_success_callback", "on_failure_callback");
  private static final Set<String> SPARK_KEYS =
      Set.of("entrypoint", "arguments", "spark_submit_parameters");
  private static final Map<String, DagKind> TYPES =
      Map.of(
          "migration", DagKind.MIGRATION,
          "ingestion", DagKind.INGESTION,
          "transformation", DagKind.TRANSFORMATION,
          "maintenance", DagKind.MAINTENANCE);

  /**
   * The imported use case (null when the file has problems), the problems, and the use case as far
   * as it could be imported (for checking the rest of the file).
   */
  record Result(UseCase useCase, List<Problem> problems, UseCase readable) {}

  private final String useCaseName;
  private final List<Problem> problems = new ArrayList<>();

  private LegacyImporter(String useCaseName) {
    this.useCaseName = useCaseName;
  }

  /** The use-case name a legacy file gets: its base name, lower-cased, unsafe characters as -. */
  public static String useCaseName(String file) {
    String base = file.replace('\\', '/');
    base = base.substring(base.lastIndexOf('/') + 1);
    int dot = base.lastIndexOf('.');
    if (dot > 0) {
      base = base.substring(0, dot);
    }
    String name = base.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "-");
    return name.isEmpty() ? "legacy" : name;
  }

  /**
   * The use-case name a legacy file gets when another file in the workspace has its base name: its
   * path in the workspace, folders included ({@code team-a/orders.yaml} → {@code team-a-orders}).
   */
  public static String qualifiedUseCaseName(String file) {
    String path = file.replace('\\', '/');
    int dot = path.lastIndexOf('.');
    if (dot > path.lastIndexOf('/') + 1) {
      path = path.substring(0, dot);
    }
    String name = path.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "-");
    return name.isEmpty() ? "legacy" : name;
  }

  /** Imports a legacy document already loaded as a tree, as the use case {@code useCaseName}. */
  public static Result importFile(String useCaseName, ObjectNode root) {
    LegacyImporter importer = new LegacyImporter(useCaseName);
    UseCase useCase = importer.convert(root);
    return new Result(importer.problems.isEmpty() ? useCase : null, importer.problems, useCase);
  }

  /** Maps a native problem path of an imported use case to the legacy path it came from. */
  public static String legacyPath(String path) {
    if (!path.startsWith("spark-jobs[")) {
      return path.equals("name") ? "" : path;
    }
    int close = path.indexOf(']');
    String dag = "dags" + path.substring("spark-jobs".length(), close + 1);
    String rest = path.substring(close + 1);
    if (rest.startsWith(".entrypoint")) {
      return dag + ".spark.entrypoint";
    }
    if (rest.startsWith(".arguments")) {
      return dag + ".spark" + rest;
    }
    if (rest.startsWith(".spark-submit-parameters")) {
      return dag + ".spark.spark_submit_parameters";
    }
    if (rest.startsWith(".dependencies")) {
      return dag + ".depends_on" + rest.substring(".dependencies".length());
    }
    if (rest.startsWith(".schedule") || rest.startsWith(".tags")) {
      return dag + rest;
    }
    if (rest.startsWith(".dag")) {
      return dag + ".name";
    }
    return dag;
  }

  private void report(String path, ProblemCode code, String message) {
    problems.add(new Problem(useCaseName, path, code, message, null));
  }

  private void onlyKeys(JsonNode node, Set<String> allowed, String path) {
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!allowed.contains(name)) {
        report(
            (path.isEmpty() ? "" : path + ".") + name,
            ProblemCode.UNKNOWN_KEY,
            "Unknown key '"
                + name
                + "' (known keys here: "
                + String.join(", ", new java.util.TreeSet<>(allowed))
                + ")");
      }
    }
  }

  private String text(JsonNode parent, String key, String path, boolean required) {
    JsonNode value = parent.get(key);
    String at = (path.isEmpty() ? "" : path + ".") + key;
    if (value == null || value.isNull()) {
      if (required) {
        report(at, ProblemCode.REQUIRED, "Missing " + key + "; add it");
      }
      return null;
    }
    if (!value.isValueNode()) {
      report(
          at,
          ProblemCode.WRONG_TYPE,
          "Expected text for " + key + ", found " + (value.isArray() ? "a list" : "a map"));
      return null;
    }
    if (required && value.asText().isBlank()) {
      report(at, ProblemCode.BLANK, "Blank " + key + "; write a value");
      return null;
    }
    return value.asText();
  }

  private List<String> texts(JsonNode parent, String key, String path) {
    JsonNode value = parent.get(key);
    List<String> values = new ArrayList<>();
    if (value == null || value.isNull()) {
      return values;
    }
    if (!value.isArray()) {
      report(path + "." + key, ProblemCode.WRONG_TYPE, "Expected a list for " + key);
      return values;
    }
    for (int i = 0; i < value.size(); i++) {
      JsonNode item = value.get(i);
      if (item == null || !item.isValueNode() || item.isNull()) {
        report(path + "." + key + "[" + i + "]", ProblemCode.WRONG_TYPE, "Expected text in " + key);
      } else {
        values.add(item.asText());
      }
    }
    return values;
  }

  private boolean flag(JsonNode parent, String key, String path, boolean otherwise) {
    String value = text(parent, key, path, false);
    if (value == null) {
      return otherwise;
    }
    // the booleans of YAML 1.1, as PyYAML (which read legacy files) reads them
    switch (value) {
      case "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON" -> {
        return true;
      }
      case "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF" -> {
        return false;
      }
      default -> {
        report(
            path + "." + key,
            ProblemCode.INVALID_VALUE,
            "Invalid " + key + " '" + value + "' (use true or false)");
        return otherwise;
      }
    }
  }

  private UseCase convert(ObjectNode root) {
    onlyKeys(root, ROOT_KEYS, "");
    UseCase.Builder useCase = UseCase.named(useCaseName);
    useCase.owner(text(root, "owner", "", true));
    useCase.description(text(root, "description", "", false));
    JsonNode dags = root.get("dags");
    if (dags == null || !dags.isArray() || dags.isEmpty()) {
      report(
          "dags",
          ProblemCode.REQUIRED,
          "Missing dags; list at least one DAG with name, type and spark");
      return useCase.build();
    }
    for (int i = 0; i < dags.size(); i++) {
      JsonNode dag = dags.get(i);
      String name =
          dag.isObject() && dag.path("name").isTextual() ? dag.get("name").asText() : null;
      String path = "dags[" + (name == null || name.isBlank() ? String.valueOf(i) : name) + "]";
      if (!dag.isObject()) {
        report(path, ProblemCode.WRONG_TYPE, "Expected a map describing a DAG");
        continue;
      }
      SparkJob job = convertDag(dag, path);
      if (job != null) {
        useCase.addSparkJob(job);
      }
    }
    return useCase.build();
  }

  private SparkJob convertDag(JsonNode dag, String path) {
    onlyKeys(dag, DAG_KEYS, path);
    String name = text(dag, "name", path, true);
    SparkJob.Builder job = SparkJob.builder();
    if (name != null) {
      job.id(name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "-")).dag(name);
    }
    String type = text(dag, "type", path, true);
    if (type != null) {
      DagKind kind = TYPES.get(type);
      if (kind == null) {
        report(
            path + ".type",
            ProblemCode.INVALID_VALUE,
            "Invalid DAG type '"
                + type
                + "' (use migration, ingestion, transformation or maintenance)");
      } else {
        job.kind(kind);
      }
    }
    job.tags(texts(dag, "tags", path));
    String schedule = text(dag, "schedule", path, false);
    if (schedule != null) {
      try {
        job.schedule(Schedule.parse(schedule));
      } catch (IllegalArgumentException e) {
        report(path + ".schedule", ProblemCode.INVALID_CRON, e.getMessage());
      }
    }
    List<String> upstreams = texts(dag, "depends_on", path);
    for (int i = 0; i < upstreams.size(); i++) {
      if (upstreams.get(i).isBlank()) {
        report(
            path + ".depends_on[" + i + "]",
            ProblemCode.BLANK,
            "Blank DAG name in depends_on; write the name of the DAG to wait for");
      } else {
        job.addDependency(Dependency.onDag(upstreams.get(i)));
      }
    }
    JsonNode notification = dag.get("notification");
    if (notification != null && !notification.isNull()) {
      if (notification.isObject()) {
        onlyKeys(notification, NOTIFICATION_KEYS, path + ".notification");
        job.notifications(
            NotificationPolicy.builder()
                .onSuccess(flag(notification, "on_success_callback", path + ".notification", false))
                .onFailure(flag(notification, "on_failure_callback", path + ".notification", true))
                .build());
      } else {
        report(
            path + ".notification",
            ProblemCode.WRONG_TYPE,
            "Expected a map with on_success_callback and on_failure_callback");
      }
    }
    JsonNode spark = dag.get("spark");
    if (spark == null || !spark.isObject()) {
      report(
          path + ".spark",
          spark == null ? ProblemCode.REQUIRED : ProblemCode.WRONG_TYPE,
          "Missing spark settings; add spark.entrypoint (the job script or jar)");
      return null;
    }
    onlyKeys(spark, SPARK_KEYS, path + ".spark");
    job.entrypoint(text(spark, "entrypoint", path + ".spark", true));
    job.arguments(texts(spark, "arguments", path + ".spark"));
    String parameters = text(spark, "spark_submit_parameters", path + ".spark", false);
    job.sparkSubmitParameters(
        parameters == null || parameters.isBlank() ? null : parameters.trim());
    return job.build();
  }
}
