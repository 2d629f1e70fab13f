package io.lakeplan.testkit.internal;

import io.lakeplan.model.ColumnType;
import io.lakeplan.model.JdbcIngestion;
import io.lakeplan.model.WriteMode;
import io.lakeplan.spi.CommitProperties;
import io.lakeplan.spi.EngineSteps;
import io.lakeplan.spi.JdbcWindow;
import io.lakeplan.spi.Merges;
import io.lakeplan.spi.SchemaChanges;
import io.lakeplan.spi.TaskResult;
import io.lakeplan.spi.Watermark;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JDBC batch ingestion from an in-memory source table, with the Spark engine's exactly-once
 * protocol: the window ({@link JdbcWindow}: {@code (watermark, upper bound captured at start]}, or
 * {@code [watermark - lookback, upper bound]} without the rows the target already holds by keys and
 * incremental value), the new watermark in the commit's snapshot summary ({@code
 * lakeplan.jdbc.<id>.watermark}), then the store; a table ahead of the store repairs it at start.
 */
final class JdbcIngestTask {

  private static final Logger LOG = LoggerFactory.getLogger(JdbcIngestTask.class);

  private JdbcIngestTask() {}

  static String watermarkProperty(JdbcIngestion ingestion) {
    return CommitProperties.jdbcWatermark(ingestion.id());
  }

  static TaskResult run(InMemoryEngine.Context context, JdbcIngestion ingestion) {
    if (ingestion.query() != null) {
      throw new TaskFailure(
          "JDBC ingestion "
              + ingestion.id()
              + " reads a query, which the in-memory engine cannot run: declare table instead,"
              + " or test the query on the Spark engine against a real database");
    }
    Table table = context.lake().load(ingestion.target());
    Inputs.SourceTableData source = context.inputs().findSourceTable(ingestion.table());
    if (source == null) {
      throw new TaskFailure(
          "Source table "
              + ingestion.table()
              + " of ingestion "
              + ingestion.id()
              + " does not exist (create it with PipelineTestDriver.sourceTable(\""
              + ingestion.table()
              + "\"))");
    }
    String key = ingestion.target().toString();
    Watermark after =
        EngineSteps.jdbcWindowStart(
            ingestion,
            context.watermarks(),
            committedWatermark(table, ingestion),
            TaskFailure::new);
    String column = ingestion.incrementalColumn();
    // the upper bound, captured before reading: rows arriving later wait for the next run
    Watermark max = null;
    long withoutValue = 0;
    List<Map<String, Object>> rows = source.rows();
    for (Map<String, Object> row : rows) {
      Watermark value = watermarkOf(row, column, ingestion);
      if (value == null) {
        withoutValue++;
      } else if (max == null || value.compareTo(max) > 0) {
        max = value;
      }
    }
    String unread = EngineSteps.jdbcUnread(ingestion, withoutValue);
    if (!unread.isEmpty()) {
      LOG.warn("Ingestion {}: {}", ingestion.id(), unread.substring(2));
    }
    if (max == null) {
      return TaskResult.succeeded(
          0, 0, 0, Duration.ZERO, EngineSteps.jdbcSourceEmpty(ingestion, unread));
    }
    JdbcWindow window = JdbcWindow.of(ingestion, after, max, TaskFailure::new);
    if (window.isEmpty()) {
      return TaskResult.succeeded(
          0, 0, 0, Duration.ZERO, EngineSteps.jdbcNothingToRead(ingestion, window) + unread);
    }
    // the source's columns against the target's, before anything is read into the target
    Map<String, ColumnType> sourceColumns = source.columns();
    SchemaChanges.Decision changes =
        SchemaChanges.of(ingestion)
            .decide(
                List.copyOf(sourceColumns.keySet()),
                Values.names(table.schema()),
                requiredColumns(table.schema()),
                TaskFailure::new);
    SchemaEvolution evolution = SchemaEvolution.begin(table, changes, sourceColumns);
    Schema schema = evolution.schema();
    Values.Conformer conformer =
        new Values.Conformer(schema, "the source of ingestion " + ingestion.id(), false)
            .collectingRefusals();
    List<Record> read = new ArrayList<>();
    for (Map<String, Object> row : rows) {
      if (window.contains(watermarkOf(row, column, ingestion))) {
        read.add(shaped(ingestion, schema, conformer, row));
      }
    }
    conformer.failIfRefused("The source of ingestion " + ingestion.id());
    // a merge writes the latest row of each key among all rows read: an older version read again
    // is never chosen over the newer one, which the target may hold already
    if (window.rereads()) {
      requireTargetColumns(ingestion, schema);
      requireKeys(read, ingestion, schema);
    }
    List<Record> written =
        ingestion.writeMode() == WriteMode.MERGE ? latestPerKey(read, ingestion, schema) : read;
    long fresh = read.size();
    if (window.rereads()) {
      Set<List<Object>> ingested = ingested(context, table, ingestion, schema, window);
      fresh = read.stream().filter(r -> !ingested.contains(identity(r, ingestion, schema))).count();
      written =
          written.stream().filter(r -> !ingested.contains(identity(r, ingestion, schema))).toList();
    }
    long skipped = read.size() - fresh;
    Watermark upTo = window.upTo();
    Snapshot snapshot = null;
    if (!written.isEmpty() || !window.rereads()) {
      Map<String, String> properties = Map.of(watermarkProperty(ingestion), upTo.toString());
      Table writeTo = evolution.table();
      snapshot =
          ingestion.writeMode() == WriteMode.MERGE
              ? MergeTask.upsert(
                  context.lake(), writeTo, written, ingestion.keys(), null, properties)
              : Writes.append(context.lake(), writeTo, written, properties);
      evolution.commit(context.lake());
      context.afterCommit(key);
    }
    // the data and its watermark are committed; now the store (a crash here is repaired above)
    EngineSteps.advanceStore(context.watermarks(), key, upTo);
    return TaskResult.succeeded(
        fresh,
        snapshot == null ? 0 : Lake.summaryLong(snapshot, "added-data-files"),
        snapshot == null ? 0 : Lake.summaryLong(snapshot, "added-files-size"),
        Duration.ZERO,
        EngineSteps.jdbcSummary(ingestion, fresh, skipped, window)
            + (snapshot == null ? "" : changes.summary())
            + unread);
  }

  /** The names of the required columns of {@code schema}. */
  static List<String> requiredColumns(Schema schema) {
    List<String> required = new ArrayList<>();
    for (Types.NestedField field : schema.columns()) {
      if (field.isRequired()) {
        required.add(field.name());
      }
    }
    return required;
  }

  /**
   * The keys and incremental values of the target's rows in the window's range: what a run that
   * reads again recognises as already ingested.
   */
  private static Set<List<Object>> ingested(
      InMemoryEngine.Context context,
      Table table,
      JdbcIngestion ingestion,
      Schema schema,
      JdbcWindow window) {
    String column = schema.caseInsensitiveFindField(ingestion.incrementalColumn()).name();
    Set<List<Object>> ingested = new HashSet<>();
    for (Record record : context.lake().rows(table)) {
      Object value = record.getField(column);
      if (value != null
          && window.contains(MigrationTasks.toWatermark(value, ingestion.incrementalColumn()))) {
        ingested.add(identity(record, ingestion, schema));
      }
    }
    return ingested;
  }

  /** A row's keys and incremental value, as compared with the target's rows. */
  private static List<Object> identity(Record record, JdbcIngestion ingestion, Schema schema) {
    List<Object> identity = new ArrayList<>();
    for (String key : ingestion.keys()) {
      Object value = record.getField(schema.caseInsensitiveFindField(key).name());
      identity.add(value instanceof BigDecimal decimal ? decimal.stripTrailingZeros() : value);
    }
    Object value =
        record.getField(schema.caseInsensitiveFindField(ingestion.incrementalColumn()).name());
    identity.add(
        value == null ? null : MigrationTasks.toWatermark(value, ingestion.incrementalColumn()));
    return identity;
  }

  /**
   * Fails before anything is read again when the target lacks a column that recognises a row
   * already ingested.
   */
  private static void requireTargetColumns(JdbcIngestion ingestion, Schema schema) {
    List<String> missing = new ArrayList<>();
    for (String column : ingestion.keys()) {
      if (schema.caseInsensitiveFindField(column) == null) {
        missing.add(column);
      }
    }
    if (schema.caseInsensitiveFindField(ingestion.incrementalColumn()) == null) {
      missing.add(ingestion.incrementalColumn());
    }
    if (!missing.isEmpty()) {
      throw new TaskFailure(EngineSteps.jdbcLookbackColumnsMissing(ingestion, missing));
    }
  }

  private static Watermark committedWatermark(Table table, JdbcIngestion ingestion) {
    String value = Lake.latestSummaryValue(table, watermarkProperty(ingestion));
    return value == null ? null : Watermark.parse(value);
  }

  private static Watermark watermarkOf(
      Map<String, Object> row, String column, JdbcIngestion ingestion) {
    Object value = null;
    boolean found = false;
    for (Map.Entry<String, Object> entry : row.entrySet()) {
      if (entry.getKey().equalsIgnoreCase(column)) {
        value = entry.getValue();
        found = true;
      }
    }
    if (!found) {
      throw new TaskFailure(
          "The source of ingestion "
              + ingestion.id()
              + " has no incremental column "
              + column
              + " (columns: "
              + String.join(", ", row.keySet())
              + ")");
    }
    return value == null ? null : MigrationTasks.toWatermark(value, column);
  }

  /** Whether the column identifies rows: a key of a merge, or of a lookback's comparison. */
  private static boolean isKey(JdbcIngestion ingestion, int position, Schema schema) {
    String column = schema.columns().get(position).name();
    return (ingestion.writeMode() == WriteMode.MERGE || ingestion.lookback() != null)
        && ingestion.keys().stream().anyMatch(column::equalsIgnoreCase);
  }

  /** Fails before anything is written when a row of the window has no value for a key. */
  private static void requireKeys(List<Record> window, JdbcIngestion ingestion, Schema schema) {
    List<String> keys = new ArrayList<>();
    for (String key : ingestion.keys()) {
      keys.add(schema.caseInsensitiveFindField(key).name());
    }
    long rows = 0;
    boolean[] lacking = new boolean[keys.size()];
    for (Record record : window) {
      boolean lacks = false;
      for (int i = 0; i < keys.size(); i++) {
        if (record.getField(keys.get(i)) == null) {
          lacking[i] = true;
          lacks = true;
        }
      }
      rows += lacks ? 1 : 0;
    }
    if (rows > 0) {
      List<String> columns = new ArrayList<>();
      for (int i = 0; i < keys.size(); i++) {
        if (lacking[i]) {
          columns.add(ingestion.keys().get(i));
        }
      }
      throw new TaskFailure(Merges.nullKeys(ingestion, rows, columns));
    }
  }

  /** A source row as a record of the target: its columns by name (any case), cast. */
  private static Record shaped(
      JdbcIngestion ingestion, Schema schema, Values.Conformer conformer, Map<String, Object> row) {
    long refused = conformer.refused();
    Record record = conformer.record(row);
    if (conformer.refused() > refused) {
      return record; // the task fails for the refused value once the window is read
    }
    List<String> missing = new ArrayList<>();
    List<Types.NestedField> columns = schema.columns();
    for (int i = 0; i < columns.size(); i++) {
      // a key without value is refused for the whole window (Merges.nullKeys)
      if (columns.get(i).isRequired() && record.get(i) == null && !isKey(ingestion, i, schema)) {
        missing.add(columns.get(i).name());
      }
    }
    if (!missing.isEmpty()) {
      throw new TaskFailure(
          "The source of ingestion "
              + ingestion.id()
              + " has no value for "
              + String.join(", ", missing)
              + ", required in "
              + ingestion.target()
              + " (table unchanged)");
    }
    return record;
  }

  /** The latest row per key by the incremental column. */
  private static List<Record> latestPerKey(
      List<Record> window, JdbcIngestion ingestion, Schema schema) {
    requireKeys(window, ingestion, schema);
    String order = schema.caseInsensitiveFindField(ingestion.incrementalColumn()).name();
    Map<List<Object>, Record> latest = new LinkedHashMap<>();
    for (Record record : window) {
      List<Object> key = MergeTask.key(record, ingestion.keys(), schema);
      Record previous = latest.get(key);
      if (previous == null
          || MigrationTasks.compareValues(record.getField(order), previous.getField(order)) > 0) {
        latest.put(key, record);
      }
    }
    return new ArrayList<>(latest.values());
  }
}
