package io.lakeplan.workspace;

import io.lakeplan.codec.YamlFormat;
import io.lakeplan.model.Column;
import io.lakeplan.model.ConversionMode;
import io.lakeplan.model.JdbcConnection;
import io.lakeplan.model.JdbcIngestion;
import io.lakeplan.model.KafkaAuth;
import io.lakeplan.model.KafkaIngestion;
import io.lakeplan.model.Lookback;
import io.lakeplan.model.Maintenance;
import io.lakeplan.model.MaintenanceTask;
import io.lakeplan.model.Merge;
import io.lakeplan.model.Migration;
import io.lakeplan.model.MigrationSource;
import io.lakeplan.model.NotificationPolicy;
import io.lakeplan.model.NotificationTarget;
import io.lakeplan.model.PartitionField;
import io.lakeplan.model.PartitionedRead;
import io.lakeplan.model.SchemaChangePolicy;
import io.lakeplan.model.SortField;
import io.lakeplan.model.SparkJob;
import io.lakeplan.model.StartingPosition;
import io.lakeplan.model.StreamMode;
import io.lakeplan.model.TableDefinition;
import io.lakeplan.model.TableId;
import io.lakeplan.model.UseCase;
import io.lakeplan.model.ValueFormat;
import io.lakeplan.model.WriteMode;
import io.lakeplan.spi.S3Encryption;
import io.lakeplan.validation.Problem;
import io.lakeplan.validation.ProblemCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** The rules a use case must follow on its own, without looking at other use cases. */
final class UseCaseRules {
  private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");
  private static final Pattern BOOTSTRAP = Pattern.compile("[A-Za-z0-9.\\-\\[\\]:]+:\\d{1,5}");
  private static final Pattern DAG_ID = Pattern.compile("[A-Za-z0-9_.-]{1,250}");

  /**
   * The longest topic-pattern: compiling a pattern takes time quadratic in its length (a 100,000
   * character pattern took a minute), and no pattern over topic names (at most 249 characters)
   * needs this many.
   */
  static final int MAX_TOPIC_PATTERN_CHARS = 1_000;

  private static final Pattern SNS_ARN =
      Pattern.compile("arn:aws[a-z-]*:sns:[a-z0-9-]+:\\d{12}:[A-Za-z0-9_-]{1,256}(\\.fifo)?");

  private UseCaseRules() {}

  /**
   * The problems of {@code useCase} on its own. When it has none before the Airflow limits, the
   * DAGs it lays out to alone (the limits are checked on them) are put in {@code layouts}, so that
   * the checks across use cases and the compilation need not lay it out again.
   */
  static List<Problem> check(UseCase useCase, Map<UseCase, PlanCompiler.Layout> layouts) {
    List<Problem> problems = new ArrayList<>();
    Checks root = new Checks(problems, useCase.name(), "");
    Checks name = root.at("name");
    if (name.required(useCase.name(), "use-case name")
        && !io.lakeplan.model.Identifiers.isValidStepId(useCase.name())) {
      name.report(
          ProblemCode.INVALID_ID,
          "Invalid use-case name '"
              + useCase.name()
              + "' (use lower-case letters, digits, - and _; it prefixes every DAG id)");
    }
    root.at("owner").required(useCase.owner(), "owner (a team address)");
    for (int i = 0; i < useCase.tags().size(); i++) {
      root.element("tags", null, i).required(useCase.tags().get(i), "tag");
    }
    root.at("retries").range(useCase.retries(), 0, 10, "retries");
    root.at("retry-delay").positive(useCase.retryDelay(), "retry-delay");
    notifications(root.at("notifications"), useCase.notifications());

    for (int i = 0; i < useCase.dependencies().size(); i++) {
      root.item(useCase.dependencies().get(i), "dependencies", i, "dependency");
    }

    List<String> stepIds = new ArrayList<>();
    addIds(useCase.migrations(), Migration::id, stepIds);
    addIds(useCase.jdbcIngestions(), JdbcIngestion::id, stepIds);
    addIds(useCase.kafkaIngestions(), KafkaIngestion::id, stepIds);
    addIds(useCase.merges(), Merge::id, stepIds);
    addIds(useCase.maintenance(), Maintenance::id, stepIds);
    addIds(useCase.sparkJobs(), SparkJob::id, stepIds);
    root.uniqueIds(stepIds, "step id");

    List<String> declared = new ArrayList<>();
    for (int i = 0; i < useCase.tables().size(); i++) {
      TableDefinition table = useCase.tables().get(i);
      if (root.item(table, "tables", i, "table definition")) {
        table(root.element("tables", label(table.table()), i), table);
        declared.add(label(table.table()));
      }
    }
    for (int i = 0; i < useCase.migrations().size(); i++) {
      Migration migration = useCase.migrations().get(i);
      if (root.item(migration, "migrations", i, "migration")) {
        migration(root.element("migrations", migration.id(), i), migration);
        if (migration.target() != null) {
          declared.add(label(migration.target().table()));
        }
      }
    }
    Set<String> seenTables = new HashSet<>();
    for (String table : declared) {
      if (table != null && !seenTables.add(table)) {
        root.at("tables")
            .report(
                ProblemCode.DUPLICATE_ID,
                "Table "
                    + table
                    + " is declared twice (as a table or a migration target; table names are"
                    + " case-insensitive, as in Glue, so raw.Orders and raw.orders are one table);"
                    + " declare it once");
      }
    }
    for (int i = 0; i < useCase.jdbcIngestions().size(); i++) {
      JdbcIngestion ingestion = useCase.jdbcIngestions().get(i);
      if (root.item(ingestion, "jdbc-ingestions", i, "JDBC ingestion")) {
        jdbc(root.element("jdbc-ingestions", ingestion.id(), i), ingestion);
      }
    }
    // a checkpoint holds one query's offsets: two ingestions sharing one mix their topics' offsets
    Map<String, String> checkpoints = new HashMap<>();
    for (int i = 0; i < useCase.kafkaIngestions().size(); i++) {
      KafkaIngestion ingestion = useCase.kafkaIngestions().get(i);
      if (root.item(ingestion, "kafka-ingestions", i, "Kafka ingestion")) {
        Checks at = root.element("kafka-ingestions", ingestion.id(), i);
        kafka(at, ingestion);
        String checkpoint = checkpointKey(ingestion.checkpoint());
        String first =
            checkpoint == null ? null : checkpoints.putIfAbsent(checkpoint, ingestion.id());
        if (first != null) {
          at.at("checkpoint")
              .report(
                  ProblemCode.CONFLICTING_SETTINGS,
                  "Kafka ingestions "
                      + first
                      + " and "
                      + ingestion.id()
                      + " share the checkpoint "
                      + ingestion.checkpoint()
                      + ": a checkpoint keeps one query's offsets, so they would skip or repeat"
                      + " each other's records; give each ingestion its own checkpoint");
        }
      }
    }
    for (int i = 0; i < useCase.merges().size(); i++) {
      Merge merge = useCase.merges().get(i);
      if (root.item(merge, "merges", i, "merge")) {
        merge(root.element("merges", merge.id(), i), merge);
      }
    }
    for (int i = 0; i < useCase.maintenance().size(); i++) {
      Maintenance maintenance = useCase.maintenance().get(i);
      if (root.item(maintenance, "maintenance", i, "maintenance")) {
        maintenance(root.element("maintenance", maintenance.id(), i), maintenance);
      }
    }
    for (int i = 0; i < useCase.sparkJobs().size(); i++) {
      SparkJob job = useCase.sparkJobs().get(i);
      if (root.item(job, "spark-jobs", i, "Spark job")) {
        sparkJob(root.element("spark-jobs", job.id(), i), job);
      }
    }
    if (problems.isEmpty()) {
      airflowLimits(problems, useCase, layouts);
    }
    return problems;
  }

  /**
   * The lengths Airflow enforces on what the use case becomes: tags, DAG ids (which also name the
   * DAG files and, after {@code wait-for.}, the sensor tasks of sensors mode) and task ids. Checked
   * on the use case's own layout, at the step each id comes from.
   */
  private static void airflowLimits(
      List<Problem> problems, UseCase useCase, Map<UseCase, PlanCompiler.Layout> layouts) {
    Checks root = new Checks(problems, useCase.name(), "");
    for (int i = 0; i < useCase.tags().size(); i++) {
      tagLength(root.element("tags", null, i), useCase.tags().get(i));
    }
    for (int j = 0; j < useCase.sparkJobs().size(); j++) {
      SparkJob job = useCase.sparkJobs().get(j);
      for (int i = 0; i < job.tags().size(); i++) {
        tagLength(
            root.element("spark-jobs", job.id(), j).element("tags", null, i), job.tags().get(i));
      }
    }
    PlanCompiler.Layout layout = PlanCompiler.layOutAlone(useCase);
    layouts.put(useCase, layout);
    layout
        .dags()
        .forEach(
            (dagId, dag) -> {
              Map<String, PlanCompiler.DraftTask> tasks = dag.tasks;
              String dagOrigin =
                  tasks.isEmpty() ? "name" : tasks.values().iterator().next().origin();
              if (dagId.length() > AirflowLimits.MAX_DAG_ID_CHARS) {
                new Checks(problems, useCase.name(), dagOrigin)
                    .report(
                        ProblemCode.TOO_LONG,
                        "DAG id '"
                            + dagId
                            + "' has "
                            + dagId.length()
                            + " characters; Airflow allows "
                            + AirflowLimits.AIRFLOW_ID_CHARS
                            + ", and a DAG id also names its file and, after 'wait-for.', the"
                            + " sensor waiting on it, so at most "
                            + AirflowLimits.MAX_DAG_ID_CHARS
                            + ": shorten the use-case name, the step's schedule or its dag");
              }
              tasks.forEach(
                  (taskId, task) -> {
                    if (taskId.length() > AirflowLimits.AIRFLOW_ID_CHARS) {
                      new Checks(problems, useCase.name(), task.origin())
                          .report(
                              ProblemCode.TOO_LONG,
                              "Task id '"
                                  + taskId
                                  + "' has "
                                  + taskId.length()
                                  + " characters; Airflow allows at most "
                                  + AirflowLimits.AIRFLOW_ID_CHARS
                                  + ": shorten the step id or the table name it is made of");
                    }
                  });
            });
  }

  private static void tagLength(Checks at, String tag) {
    if (tag != null && tag.length() > AirflowLimits.AIRFLOW_TAG_CHARS) {
      at.report(
          ProblemCode.TOO_LONG,
          "Tag of "
              + tag.length()
              + " characters; Airflow allows at most "
              + AirflowLimits.AIRFLOW_TAG_CHARS
              + ": shorten it");
    }
  }

  /** The ids of the steps present (empty items are reported where the steps are checked). */
  private static <T> void addIds(List<T> steps, Function<T, String> id, List<String> ids) {
    for (T step : steps) {
      if (step != null) {
        ids.add(id.apply(step));
      }
    }
  }

  static String label(TableId table) {
    return table == null ? null : table.toString();
  }

  private static void notifications(Checks at, NotificationPolicy policy) {
    if (policy == null) {
      return;
    }
    at.at("sla").positive(policy.sla(), "sla");
    if (policy.onSlaMiss() && policy.sla() == null) {
      at.at("sla")
          .report(
              ProblemCode.CONFLICTING_SETTINGS,
              "on-sla-miss is set but sla is missing; set sla, e.g. 2h");
    }
    for (int i = 0; i < policy.targets().size(); i++) {
      NotificationTarget target = policy.targets().get(i);
      Checks element = at.element("targets", null, i);
      at.item(target, "targets", i, "notification target");
      if (target instanceof NotificationTarget.Sns sns) {
        Checks arn = element.at("topic-arn");
        if (arn.required(sns.topicArn(), "SNS topic ARN")
            && !SNS_ARN.matcher(sns.topicArn()).matches()) {
          arn.report(
              ProblemCode.INVALID_VALUE,
              "Invalid SNS topic ARN '"
                  + sns.topicArn()
                  + "' (write arn:aws:sns:REGION:ACCOUNT:TOPIC)");
        }
      } else if (target instanceof NotificationTarget.Email email) {
        Checks address = element.at("address");
        if (address.required(email.address(), "e-mail address")
            && !email.address().matches("[^@\\s]+@[^@\\s]+")) {
          address.report(
              ProblemCode.INVALID_VALUE,
              "Invalid e-mail address '"
                  + email.address()
                  + "' (write one address, e.g. ops@example.com)");
        }
      } else if (target instanceof NotificationTarget.Slack slack) {
        element.at("webhook").required(slack.webhook(), "webhook secret reference");
      }
    }
  }

  static void table(Checks at, TableDefinition table) {
    Checks name = at.at("table");
    if (name.required(table.table(), "table")) {
      name.identifier(table.table().namespace(), "namespace");
      name.identifier(table.table().name(), "table name");
    }
    columns(at, table.columns(), true);
    for (int i = 0; i < table.partitionBy().size(); i++) {
      PartitionField field = table.partitionBy().get(i);
      Checks element = at.element("partition-by", null, i);
      if (!at.item(field, "partition-by", i, "partition field")) {
        continue;
      }
      Column column = table.column(field.column());
      if (column == null) {
        element.report(
            ProblemCode.UNKNOWN_COLUMN,
            "Partition column '"
                + field.column()
                + "' is not in columns; declare it or fix the name");
      } else if (column.type() == null) {
        continue; // the missing type is reported under columns
      } else if (field.transform().ordinal() >= PartitionField.Transform.YEAR.ordinal()
          && field.transform().ordinal() <= PartitionField.Transform.HOUR.ordinal()
          && !column.type().kind().isTemporal()) {
        element.report(
            ProblemCode.INVALID_VALUE,
            "Partition transform "
                + field
                + " needs a date or timestamp column, but '"
                + column.name()
                + "' is "
                + column.type());
      } else if (field.transform() == PartitionField.Transform.HOUR
          && column.type().kind() == io.lakeplan.model.ColumnType.Kind.DATE) {
        element.report(
            ProblemCode.INVALID_VALUE,
            "Partition transform "
                + field
                + " needs a timestamp column, but '"
                + column.name()
                + "' is a date");
      }
    }
    sortColumns(at, table.sortBy(), table);
    at.at("format-version").range(table.formatVersion(), 1, 3, "format-version");
    at.at("properties").noSecretProperties(table.properties());
  }

  private static void sortColumns(Checks at, List<SortField> fields, TableDefinition table) {
    for (int i = 0; i < fields.size(); i++) {
      SortField field = fields.get(i);
      if (!at.item(field, "sort-by", i, "sort field")) {
        continue;
      }
      if (table != null && table.column(field.column()) == null) {
        at.element("sort-by", null, i)
            .report(
                ProblemCode.UNKNOWN_COLUMN,
                "Sort column '"
                    + field.column()
                    + "' is not in columns; declare it or fix the name");
      }
    }
  }

  private static void columns(Checks at, List<Column> columns, boolean required) {
    if (required && columns.isEmpty()) {
      at.at("columns")
          .report(
              ProblemCode.REQUIRED,
              "Missing columns; declare at least one column with name and type");
    }
    List<String> names = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      Column column = columns.get(i);
      if (!at.item(column, "columns", i, "column")) {
        continue;
      }
      Checks element = at.element("columns", column.name(), i);
      element.at("name").identifier(column.name(), "column name");
      element.at("type").required(column.type(), "column type");
      names.add(column.name());
    }
    at.at("columns").uniqueIds(names, "column");
  }

  private static void migration(Checks at, Migration migration) {
    at.at("id").stepId(migration.id());
    Checks source = at.at("source");
    MigrationSource from = migration.source();
    if (source.required(from, "source (a path or a hive-table)")) {
      source.exactlyOne(from.path(), "path", from.hiveTable(), "hive-table");
      source.at("path").location(from.path(), "source path");
      if (from.hiveTable() != null) {
        String[] parts = from.hiveTable().split("\\.", -1);
        if (parts.length != 2) {
          source
              .at("hive-table")
              .report(
                  ProblemCode.INVALID_VALUE,
                  "Invalid Hive table '" + from.hiveTable() + "' (write database.table)");
        } else {
          source.at("hive-table").identifier(parts[0], "Hive database");
          source.at("hive-table").identifier(parts[1], "Hive table name");
        }
      }
      if (migration.mode() == ConversionMode.ADD_FILES && !from.format().supportsAddFiles()) {
        at.at("mode")
            .report(
                ProblemCode.CONFLICTING_SETTINGS,
                "mode add-files cannot register "
                    + YamlFormat.name(from.format())
                    + " files; use mode rewrite, or convert parquet, orc or avro");
      }
      if (migration.mode() == ConversionMode.ADD_FILES
          && migration.onSchemaChange() == SchemaChangePolicy.APPEND_NEW_COLUMNS) {
        at.at("on-schema-change")
            .report(
                ProblemCode.CONFLICTING_SETTINGS,
                "on-schema-change append-new-columns cannot add columns with mode add-files, which"
                    + " registers the files as they are; use mode rewrite, or on-schema-change fail"
                    + " or ignore");
      }
    }
    if (migration.landing() != null) {
      if (at.at("landing").required(migration.landing(), "landing location")) {
        at.at("landing").location(migration.landing(), "landing location");
      }
    }
    Checks target = at.at("target");
    if (target.required(migration.target(), "target table definition")) {
      table(target, migration.target());
      String watermark = migration.watermarkColumn();
      if (watermark != null) {
        Checks column = at.at("watermark-column");
        Column declared = migration.target().column(watermark);
        if (declared == null) {
          column.report(
              ProblemCode.UNKNOWN_COLUMN,
              "Watermark column '"
                  + watermark
                  + "' is not in the target's columns; declare it or fix the name");
        } else if (declared.type() != null // a missing type is reported under columns
            && !declared.type().kind().isTemporal()
            && !declared.type().kind().isNumeric()) {
          column.report(
              ProblemCode.INVALID_VALUE,
              "Watermark column '"
                  + watermark
                  + "' is "
                  + declared.type()
                  + "; use a date, timestamp or numeric column");
        }
      }
    }
  }

  private static void jdbc(Checks at, JdbcIngestion ingestion) {
    at.at("id").stepId(ingestion.id());
    Checks connection = at.at("connection");
    JdbcConnection jdbc = ingestion.connection();
    if (connection.required(jdbc, "connection")) {
      Checks url = connection.at("url");
      if (url.required(jdbc.url(), "JDBC URL")) {
        if (!jdbc.url().startsWith("jdbc:")) {
          url.report(
              ProblemCode.INVALID_VALUE,
              "Invalid JDBC URL (must start with jdbc:, e.g. jdbc:postgresql://host:5432/db)");
        }
        url.noSecretInText(
            jdbc.url().replace('?', ' ').replace('&', ' ').replace(';', ' '), "JDBC URL");
      }
      connection.at("properties").noSecretProperties(jdbc.properties());
      if (jdbc.password() != null) {
        connection.at("password").secretName(jdbc.password());
      }
    }
    at.exactlyOne(ingestion.table(), "table", ingestion.query(), "query");
    if (ingestion.query() != null && !ingestion.query().isBlank()) {
      String why = QueryText.problem(ingestion.query());
      if (why != null) {
        at.at("query")
            .report(
                ProblemCode.UNSAFE_QUERY,
                "The query cannot be read as one derived table: "
                    + why
                    + "; write a single SELECT whose quotes, comments and parentheses close");
      }
    }
    if (ingestion.table() != null && !ingestion.table().isBlank()) {
      for (String part : ingestion.table().split("\\.", -1)) {
        at.at("table").identifier(part, "source table part");
      }
    }
    if (ingestion.incrementalColumn() != null) {
      at.at("incremental-column").identifier(ingestion.incrementalColumn(), "incremental column");
    }
    PartitionedRead read = ingestion.partitionedRead();
    if (read != null) {
      Checks partitioned = at.at("partitioned-read");
      partitioned.at("column").identifier(read.column(), "partition column");
      partitioned.at("partitions").range(read.partitions(), 1, 1024, "partitions");
      if (read.lowerBound() >= read.upperBound()) {
        partitioned
            .at("upper-bound")
            .report(
                ProblemCode.OUT_OF_RANGE,
                "Invalid bounds: lower-bound "
                    + read.lowerBound()
                    + " must be below upper-bound "
                    + read.upperBound());
      }
    }
    at.at("fetch-size").range(ingestion.fetchSize(), 1, 1_000_000, "fetch-size");
    target(at.at("target"), ingestion.target());
    keys(at, ingestion.keys());
    Lookback lookback = ingestion.lookback();
    if (ingestion.writeMode() == WriteMode.MERGE && ingestion.keys().isEmpty()) {
      at.at("keys")
          .report(ProblemCode.REQUIRED, "write-mode merge needs keys; list the key columns");
    } else if (lookback != null && ingestion.keys().isEmpty()) {
      at.at("keys")
          .report(
              ProblemCode.REQUIRED,
              "lookback needs keys: a row read again is recognised as already ingested by its"
                  + " keys and incremental value, so that it does not land twice; list the key"
                  + " columns, or remove lookback");
    }
    if (lookback != null) {
      Checks field = at.at("lookback");
      if (lookback.isNegative()) {
        field.report(
            ProblemCode.OUT_OF_RANGE,
            "Invalid lookback: "
                + lookback
                + " (must not be negative; 0 reads again only the rows at the watermark)");
      }
      if (ingestion.incrementalColumn() == null) {
        field.report(
            ProblemCode.CONFLICTING_SETTINGS,
            "lookback needs incremental-column: without one every run reads the whole source;"
                + " set incremental-column, or remove lookback");
      }
    }
  }

  /**
   * Each JSON Kafka ingestion into a table the use case declares, compared as its {@code
   * on-schema-change} policy compares it on the first run: a mismatch that run would fail on is a
   * warning (the table may gain columns before then, e.g. by a migration's append-new-columns).
   */
  private static void kafkaSchemas(Checks root, UseCase useCase) {
    Map<io.lakeplan.model.TableId, io.lakeplan.model.TableDefinition> tables = new HashMap<>();
    useCase.tables().forEach(table -> tables.put(table.table(), table));
    useCase.migrations().stream()
        .filter(migration -> migration != null && migration.target() != null)
        .forEach(migration -> tables.put(migration.target().table(), migration.target()));
    for (int i = 0; i < useCase.kafkaIngestions().size(); i++) {
      KafkaIngestion ingestion = useCase.kafkaIngestions().get(i);
      io.lakeplan.model.TableDefinition target =
          ingestion == null || ingestion.target() == null ? null : tables.get(ingestion.target());
      if (target == null || ingestion.format() != io.lakeplan.model.ValueFormat.JSON) {
        continue;
      }
      List<String> columns = target.columns().stream().map(Column::name).toList();
      try {
        io.lakeplan.spi.SchemaChanges.of(ingestion)
            .decide(
                ingestion.columns().stream().map(Column::name).toList(),
                io.lakeplan.spi.SchemaChanges.kafkaFilled(ingestion, columns),
                target.columns().stream().filter(Column::required).map(Column::name).toList(),
                IllegalArgumentException::new);
      } catch (IllegalArgumentException e) {
        root.element("kafka-ingestions", ingestion.id(), i)
            .at("columns")
            .report(
                ProblemCode.SCHEMA_MISMATCH,
                e.getMessage().replaceFirst(" \\([^()]* unchanged\\)$", "")
                    + "; as declared, the first run fails");
      }
    }
  }

  /**
   * What a valid use case risks without being wrong: each JDBC ingestion with an incremental column
   * and no lookback (or a lookback of zero) never reads a row committed late with a value below (or
   * at) its watermark.
   */
  static List<Problem> warnings(UseCase useCase) {
    List<Problem> warnings = new ArrayList<>();
    Checks root = new Checks(warnings, useCase.name(), "");
    kafkaSchemas(root, useCase);
    for (int i = 0; i < useCase.jdbcIngestions().size(); i++) {
      JdbcIngestion ingestion = useCase.jdbcIngestions().get(i);
      if (ingestion == null || ingestion.incrementalColumn() == null) {
        continue;
      }
      Lookback lookback = ingestion.lookback();
      String column = ingestion.incrementalColumn();
      Checks at = root.element("jdbc-ingestions", ingestion.id(), i).at("lookback");
      if (lookback == null) {
        at.report(
            ProblemCode.LATE_ROWS_UNREAD,
            "No lookback: each run reads only rows with "
                + column
                + " after the last run's watermark, so a row committed after a run with "
                + column
                + " at or below that watermark (the same second, a transaction committing late)"
                + " is never read; set lookback to the longest time a row can take to commit"
                + " (e.g. lookback: 10m, or a number for a numeric column), which needs keys");
      } else if (lookback.isZero()) {
        at.report(
            ProblemCode.LATE_ROWS_UNREAD,
            "lookback "
                + lookback
                + " reads again only the rows with "
                + column
                + " equal to the last run's watermark, so a row committed after a run with "
                + column
                + " below that watermark (a transaction committing late) is never read; set"
                + " lookback to the longest time a row can take to commit");
      }
    }
    return warnings;
  }

  private static void target(Checks at, TableId table) {
    if (at.required(table, "target table")) {
      at.identifier(table.namespace(), "namespace");
      at.identifier(table.name(), "table name");
    }
  }

  private static void keys(Checks at, List<String> keys) {
    for (int i = 0; i < keys.size(); i++) {
      at.element("keys", null, i).identifier(keys.get(i), "key column");
    }
    at.at("keys").uniqueIds(keys, "key column");
  }

  private static void kafka(Checks at, KafkaIngestion ingestion) {
    at.at("id").stepId(ingestion.id());
    Checks servers = at.at("bootstrap-servers");
    if (servers.required(ingestion.bootstrapServers(), "bootstrap-servers")) {
      for (String server : ingestion.bootstrapServers().split(",")) {
        if (!BOOTSTRAP.matcher(server.trim()).matches()) {
          servers.report(
              ProblemCode.INVALID_VALUE,
              "Invalid bootstrap server '"
                  + server.trim()
                  + "' (write host:port, comma-separated)");
        }
      }
    }
    KafkaAuth auth = ingestion.auth();
    if (auth != null && auth.mechanism() != KafkaAuth.Mechanism.AWS_MSK_IAM) {
      at.at("auth").at("username").required(auth.username(), "username");
      if (at.at("auth").at("password").required(auth.password(), "password secret reference")) {
        at.at("auth").at("password").secretName(auth.password());
      }
    }
    if (ingestion.format() == ValueFormat.RAW
        && ingestion.onSchemaChange() != SchemaChangePolicy.FAIL) {
      at.at("on-schema-change")
          .report(
              ProblemCode.CONFLICTING_SETTINGS,
              "on-schema-change "
                  + YamlFormat.name(ingestion.onSchemaChange())
                  + " compares the declared columns of JSON values with the target, and format raw"
                  + " declares none; remove on-schema-change, or use format json with columns");
    }
    at.exactlyOne(ingestion.topics(), "topics", ingestion.topicPattern(), "topic-pattern");
    for (int i = 0; i < ingestion.topics().size(); i++) {
      String topic = ingestion.topics().get(i);
      if (topic == null || !TOPIC.matcher(topic).matches()) {
        at.element("topics", null, i)
            .report(
                ProblemCode.INVALID_VALUE,
                "Invalid topic '" + topic + "' (letters, digits, . _ and - only)");
      }
    }
    if (ingestion.topicPattern() != null
        && ingestion.topicPattern().length() > MAX_TOPIC_PATTERN_CHARS) {
      at.at("topic-pattern")
          .report(
              ProblemCode.OUT_OF_RANGE,
              "Invalid topic-pattern: "
                  + ingestion.topicPattern().length()
                  + " characters (at most "
                  + MAX_TOPIC_PATTERN_CHARS
                  + "; list the topics instead)");
    } else if (ingestion.topicPattern() != null) {
      try {
        Pattern.compile(ingestion.topicPattern());
      } catch (PatternSyntaxException e) {
        at.at("topic-pattern")
            .report(ProblemCode.INVALID_VALUE, "Invalid topic-pattern: " + e.getDescription());
      }
    }
    if (ingestion.format() == ValueFormat.JSON) {
      columns(at, ingestion.columns(), true);
    } else {
      columns(at, ingestion.columns(), false);
    }
    if (ingestion.mode() == StreamMode.STREAMING) {
      at.at("trigger").positive(ingestion.trigger(), "trigger");
    }
    if (at.at("checkpoint").required(ingestion.checkpoint(), "checkpoint location")) {
      at.at("checkpoint").location(ingestion.checkpoint(), "checkpoint location");
    }
    boolean timestamp = ingestion.startingPosition() == StartingPosition.TIMESTAMP;
    if (timestamp && ingestion.startingTimestamp() == null) {
      at.at("starting-timestamp")
          .report(
              ProblemCode.REQUIRED,
              "starting-position timestamp needs starting-timestamp, e.g. 2024-05-01T00:00:00Z");
    } else if (!timestamp && ingestion.startingTimestamp() != null) {
      at.at("starting-timestamp")
          .report(
              ProblemCode.CONFLICTING_SETTINGS,
              "starting-timestamp is set but starting-position is "
                  + (ingestion.startingPosition() == null
                      ? "not"
                      : YamlFormat.name(ingestion.startingPosition()))
                  + "; set starting-position: timestamp or remove it");
    }
    target(at.at("target"), ingestion.target());
    if (ingestion.deadLetterTable() != null) {
      target(at.at("dead-letter-table"), ingestion.deadLetterTable());
    }
    at.at("options").noSecretProperties(ingestion.options());
  }

  private static void merge(Checks at, Merge merge) {
    at.at("id").stepId(merge.id());
    target(at.at("target"), merge.target());
    at.exactlyOne(merge.source(), "source", merge.sqlFile(), "sql-file");
    at.at("sql-file").location(merge.sqlFile(), "sql-file");
    if (merge.source() != null) {
      target(at.at("source"), merge.source());
      if (merge.keys().isEmpty()) {
        at.at("keys")
            .report(
                ProblemCode.REQUIRED,
                "Missing keys; list the columns that match source and target rows");
      }
      if (merge.source().equals(merge.target())) {
        at.at("source")
            .report(
                ProblemCode.CONFLICTING_SETTINGS,
                "A merge cannot read the table it writes (" + merge.target() + ")");
      }
    }
    keys(at, merge.keys());
    for (String column : merge.orderBy()) {
      at.at("order-by").identifier(column, "order-by column");
    }
    at.at("order-by").uniqueIds(merge.orderBy(), "order-by column");
    if (merge.history() == io.lakeplan.model.MergeHistory.SCD2) {
      if (merge.source() == null) {
        at.at("history")
            .report(
                ProblemCode.CONFLICTING_SETTINGS,
                "history: scd2 needs a source table (a SQL file owns its own semantics); set"
                    + " source, or remove history");
      } else if (merge.orderBy().size() != 1) {
        at.at("order-by")
            .report(
                ProblemCode.CONFLICTING_SETTINGS,
                "history: scd2 needs exactly one order-by column (each version is valid from its"
                    + " value), found "
                    + merge.orderBy().size());
      }
    }
    Duration tombstones = merge.tombstoneRetention();
    if (tombstones != null && tombstones.isNegative()) {
      at.at("tombstone-retention")
          .report(
              ProblemCode.NON_POSITIVE_DURATION,
              "Invalid tombstone-retention: "
                  + io.lakeplan.model.Durations.format(tombstones)
                  + " (must be positive, e.g. 7d, or 0 to keep no tombstones)");
    } else if (tombstones != null
        && !tombstones.isZero()
        && (merge.deleteWhen() == null || merge.orderBy().isEmpty())) {
      at.at("tombstone-retention")
          .report(
              ProblemCode.CONFLICTING_SETTINGS,
              "tombstone-retention needs delete-when and order-by (tombstones remember deletes by"
                  + " their order values); add them, or remove tombstone-retention");
    }
    if (merge.deleteWhen() != null) {
      for (String column : merge.deleteWhen().columns()) {
        at.at("delete-when").identifier(column, "delete-when column");
      }
    }
    merge
        .columns()
        .forEach(
            (targetColumn, sourceColumn) -> {
              at.at("columns").at(targetColumn).identifier(targetColumn, "target column");
              at.at("columns").at(targetColumn).identifier(sourceColumn, "source column");
            });
  }

  private static void maintenance(Checks at, Maintenance maintenance) {
    at.at("id").stepId(maintenance.id());
    target(at.at("table"), maintenance.table());
    if (maintenance.tasks().isEmpty()) {
      at.at("tasks")
          .report(
              ProblemCode.REQUIRED,
              "Missing tasks; add at least one (expire-snapshots, compact, …)");
    }
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < maintenance.tasks().size(); i++) {
      MaintenanceTask task = maintenance.tasks().get(i);
      if (!at.item(task, "tasks", i, "maintenance task")) {
        continue;
      }
      ids.add(task.id());
      Checks element = at.element("tasks", task.id(), i);
      element.at("id").stepId(task.id());
      if (task instanceof MaintenanceTask.ExpireSnapshots expire) {
        if (element.at("older-than").required(expire.olderThan(), "older-than")) {
          element.at("older-than").positive(expire.olderThan(), "older-than");
        }
        element.at("retain-last").range(expire.retainLast(), 1, Integer.MAX_VALUE, "retain-last");
      } else if (task instanceof MaintenanceTask.RemoveOldMetadata metadata) {
        element.at("keep").range(metadata.keep(), 1, 10_000, "keep");
      } else if (task instanceof MaintenanceTask.Compact compact) {
        element.at("min-input-files").range(compact.minInputFiles(), 1, 100_000, "min-input-files");
        if (compact.targetFileSize().bytes() < 1024 * 1024) {
          element
              .at("target-file-size")
              .report(
                  ProblemCode.OUT_OF_RANGE,
                  "Invalid target-file-size: "
                      + compact.targetFileSize()
                      + " (must be at least 1MB)");
        }
        if (compact.strategy() == MaintenanceTask.Compact.Strategy.BINPACK
            && !compact.sortBy().isEmpty()) {
          element
              .at("sort-by")
              .report(
                  ProblemCode.CONFLICTING_SETTINGS,
                  "sort-by is only used by strategy sort; remove it or set strategy: sort");
        }
      } else if (task instanceof MaintenanceTask.RemoveOrphans orphans) {
        Duration olderThan = orphans.olderThan();
        element.at("older-than").positive(olderThan, "older-than");
        if (olderThan != null
            && olderThan.compareTo(Duration.ofDays(1)) < 0
            && !olderThan.isNegative()
            && !olderThan.isZero()) {
          element
              .at("older-than")
              .report(
                  ProblemCode.OUT_OF_RANGE,
                  "Invalid older-than: "
                      + io.lakeplan.model.Durations.format(olderThan)
                      + " (must be at least 1d, so files of writes still in progress are never removed)");
        }
      } else if (task instanceof MaintenanceTask.HardDelete delete) {
        element.at("column").identifier(delete.column(), "hard-delete column");
        if (element.at("older-than").required(delete.olderThan(), "older-than")) {
          element.at("older-than").positive(delete.olderThan(), "older-than");
        }
      }
    }
    at.at("tasks").uniqueIds(ids, "maintenance task id");
  }

  private static void sparkJob(Checks at, SparkJob job) {
    at.at("id").stepId(job.id());
    if (at.at("entrypoint").required(job.entrypoint(), "entrypoint (the job script or jar)")) {
      at.at("entrypoint").location(job.entrypoint(), "entrypoint");
    }
    at.noSecretInArguments(job.arguments());
    at.at("spark-submit-parameters")
        .noSecretInText(job.sparkSubmitParameters(), "spark-submit parameters");
    for (String key : S3Encryption.encryptionSettings(job.sparkSubmitParameters())) {
      at.at("spark-submit-parameters")
          .report(
              ProblemCode.INVALID_VALUE,
              "--conf " + key + " configures S3 encryption (" + S3Encryption.FIX + ")");
    }
    if (job.dag() != null && !DAG_ID.matcher(job.dag()).matches()) {
      at.at("dag")
          .report(
              ProblemCode.INVALID_ID,
              "Invalid DAG id '" + job.dag() + "' (letters, digits, _, . and - only)");
    }
    for (int i = 0; i < job.tags().size(); i++) {
      at.item(job.tags().get(i), "tags", i, "tag");
    }
    for (int i = 0; i < job.dependencies().size(); i++) {
      at.item(job.dependencies().get(i), "dependencies", i, "dependency");
    }
    notifications(at.at("notifications"), job.notifications());
  }

  /** A checkpoint location as compared for sharing: without trailing slashes; null when blank. */
  static String checkpointKey(String checkpoint) {
    if (checkpoint == null || checkpoint.isBlank()) {
      return null;
    }
    String key = checkpoint.trim();
    while (key.length() > 1 && key.endsWith("/")) {
      key = key.substring(0, key.length() - 1);
    }
    return key;
  }
}
