package io.lakeplan.spark.internal;

import io.lakeplan.model.ColumnType;
import io.lakeplan.model.JdbcConnection;
import io.lakeplan.model.JdbcIngestion;
import io.lakeplan.model.SecretRef;
import io.lakeplan.model.WriteMode;
import io.lakeplan.spark.internal.SchemaEvolution.Evolution;
import io.lakeplan.spi.CommitProperties;
import io.lakeplan.spi.EngineSteps;
import io.lakeplan.spi.JdbcWindow;
import io.lakeplan.spi.Merges;
import io.lakeplan.spi.SchemaChanges;
import io.lakeplan.spi.SecretResolutionException;
import io.lakeplan.spi.TaskResult;
import io.lakeplan.spi.Watermark;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.spark.CommitMetadata;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.execution.datasources.jdbc.JDBCOptions;
import org.apache.spark.sql.execution.datasources.jdbc.JdbcUtils;
import org.apache.spark.sql.jdbc.JdbcDialect;
import org.apache.spark.sql.jdbc.JdbcDialects;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NullType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.jdk.javaapi.CollectionConverters;

/**
 * A JDBC batch ingestion: reads the window ({@link JdbcWindow}) {@code (last watermark, upper bound
 * captured at start]} of the incremental column, or with a lookback {@code [last watermark -
 * lookback, upper bound]} without the rows the target already holds by keys and incremental value
 * ({@link JdbcLookback}), appends it to the Iceberg target or merges it by keys, and moves the
 * watermark.
 *
 * <p>Exactly once, across crashes: the new watermark is written into the Iceberg commit's snapshot
 * summary ({@code lakeplan.jdbc.<id>.watermark}), atomically with the data, and only then copied to
 * the watermark store under the target table's key. At start, a table that is ahead of the store (a
 * crash between the two) repairs the store; the window starts after the greater of the two. The
 * first run after a migration starts strictly after the watermark the migration recorded.
 */
final class JdbcIngestExecutor {

  private static final Logger LOG = LoggerFactory.getLogger(JdbcIngestExecutor.class);

  private JdbcIngestExecutor() {}

  /** The snapshot summary property holding the watermark committed by {@code ingestion}. */
  static String watermarkProperty(JdbcIngestion ingestion) {
    return CommitProperties.jdbcWatermark(ingestion.id());
  }

  static TaskResult run(Context context, JdbcIngestion ingestion) {
    String target = Sql.table(ingestion.target());
    Tables.requireExists(context, ingestion.target());
    String key = ingestion.target().toString();
    JdbcConnection connection = ingestion.connection();
    Map<String, String> options = options(ingestion, password(context, ingestion));

    // where the window starts: the store, unless the table's last commit is ahead of it
    Watermark after =
        EngineSteps.jdbcWindowStart(
            ingestion,
            context.watermarks,
            committedWatermark(Tables.load(context, ingestion.target()), ingestion),
            TaskFailedException::new);

    Bound bound = upperBound(ingestion, options);
    String unread = EngineSteps.jdbcUnread(ingestion, bound.withoutValue());
    if (!unread.isEmpty()) {
      LOG.warn("Ingestion {}: {}", ingestion.id(), unread.substring(2));
    }
    if (bound.max() == null) {
      return TaskResult.succeeded(
          0, 0, 0, Duration.ZERO, EngineSteps.jdbcSourceEmpty(ingestion, unread));
    }
    Watermark max = WatermarkExecutor.toWatermark(bound.max(), ingestion.incrementalColumn());
    JdbcWindow window = JdbcWindow.of(ingestion, after, max, TaskFailedException::new);
    if (window.isEmpty()) {
      return TaskResult.succeeded(
          0, 0, 0, Duration.ZERO, EngineSteps.jdbcNothingToRead(ingestion, window) + unread);
    }

    DataFrameReader read =
        context
            .spark
            .read()
            .format("jdbc")
            .options(options)
            .option("dbtable", JdbcSql.window(ingestion, connection.dialect(), window));
    if (ingestion.partitionedRead() != null) {
      read =
          read.option("partitionColumn", ingestion.partitionedRead().column())
              .option("lowerBound", Long.toString(ingestion.partitionedRead().lowerBound()))
              .option("upperBound", Long.toString(ingestion.partitionedRead().upperBound()))
              .option("numPartitions", Integer.toString(ingestion.partitionedRead().partitions()));
    }
    Dataset<Row> source = read.load();
    // the source's columns against the target's, before anything is read into the target
    StructType targetSchema = context.spark.table(target).schema();
    Evolution evolution =
        SchemaEvolution.decide(SchemaChanges.of(ingestion), source.schema(), targetSchema);
    Map<String, ColumnType> added = evolution.added();
    List<ValueChecks.Conversion> conversions =
        conversions(context, ingestion, source, targetSchema, added);
    Dataset<Row> shaped = shaped(ingestion, source, conversions);
    try {
      if (window.rereads()) {
        // one read of the window and of the target's range, then the counts and the write
        Dataset<Row> marked =
            JdbcLookback.marked(context, ingestion, shaped, window)
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
          Row counts =
              requireKeys(ingestion, marked, "count(1)", "count_if(" + JdbcLookback.INGESTED + ")");
          int first = ingestion.keys().size() + 1;
          long skipped = counts.getLong(first + 1);
          Read again = new Read(counts.getLong(first) - skipped, skipped);
          return write(context, ingestion, marked, key, window, unread, again, evolution);
        } finally {
          marked.unpersist();
        }
      }
      if (ingestion.writeMode() != WriteMode.MERGE) {
        // an append reads the window once, straight into the commit
        return write(context, ingestion, shaped, key, window, unread, null, evolution);
      }
      // a MERGE may scan its source more than once: read the window once into the cache
      Dataset<Row> cached = shaped.persist(StorageLevel.MEMORY_AND_DISK());
      try {
        requireKeys(ingestion, cached);
        return write(context, ingestion, cached, key, window, unread, null, evolution);
      } finally {
        cached.unpersist();
      }
    } catch (TaskFailedException e) {
      if (ValueChecks.isRefusal(e)) {
        throw ValueChecks.refusal(
            source, conversions, "The source of ingestion " + ingestion.id(), e);
      }
      throw e;
    }
  }

  /**
   * What a window read again holds besides the rows already ingested: {@code fresh} rows, and
   * {@code skipped} rows the target already held.
   */
  private record Read(long fresh, long skipped) {}

  /**
   * Appends {@code rows} or merges them by key with the new watermark in the commit, then moves the
   * store. With {@code read} (a window read again), {@code rows} carries {@link
   * JdbcLookback#INGESTED}: those rows are left out, and nothing is committed when nothing is left.
   */
  private static TaskResult write(
      Context context,
      JdbcIngestion ingestion,
      Dataset<Row> rows,
      String key,
      JdbcWindow window,
      String unread,
      Read read,
      Evolution evolution) {
    String target = Sql.table(ingestion.target());
    Table before = Tables.load(context, ingestion.target());
    long beforeId = Tables.currentSnapshotId(before);
    Watermark upTo = window.upTo();
    boolean merge = ingestion.writeMode() == WriteMode.MERGE;
    String view = "lakeplan_jdbc_" + ingestion.id().replace('-', '_').toLowerCase(Locale.ROOT);
    rows.createOrReplaceTempView(view);
    boolean anything = true;
    try {
      String latest = merge ? latestPerKey(ingestion, view, read != null) : null;
      // a window read again may hold nothing the target lacks: then nothing is committed
      if (read != null) {
        anything = merge ? !context.spark.sql(latest).isEmpty() : read.fresh() > 0;
      }
      if (anything) {
        // the new columns in the data's commit
        SchemaCommit.write(
            context,
            ingestion.target(),
            evolution.added(),
            written ->
                CommitMetadata.withCommitProperties(
                    Map.of(watermarkProperty(ingestion), upTo.toString()),
                    () -> {
                      if (merge) {
                        context.spark.sql(mergeStatement(ingestion, written, latest));
                      } else if (read != null) {
                        context
                            .spark
                            .table(view)
                            .where("NOT " + JdbcLookback.INGESTED)
                            .drop(JdbcLookback.INGESTED)
                            .writeTo(written)
                            .append();
                      } else {
                        context.spark.table(view).writeTo(written).append();
                      }
                      return null;
                    },
                    RuntimeException.class));
      }
    } catch (Exception e) {
      throw new TaskFailedException(
          "Ingestion "
              + ingestion.id()
              + " into "
              + ingestion.target()
              + " failed: "
              + Failures.rootMessage(e)
              + " (table unchanged)",
          e);
    } finally {
      context.spark.catalog().dropTempView(view);
    }
    Snapshot snapshot = null;
    if (anything) {
      snapshot = Tables.load(context, ingestion.target()).currentSnapshot();
      if (snapshot == null || snapshot.snapshotId() == beforeId) {
        throw new TaskFailedException("Ingestion " + ingestion.id() + " committed nothing");
      }
    }
    // the data and its watermark are committed; now the store (a crash here is repaired above)
    CrashPoints.reach("after-commit");
    EngineSteps.advanceStore(context.watermarks, key, upTo);
    CrashPoints.reach("after-store-write");
    long written;
    if (read != null) {
      written = read.fresh();
    } else {
      // an append adds exactly the window's rows; a merge reports the rows it read (cached)
      written = merge ? rows.count() : Tables.summaryLong(snapshot, "added-records");
    }
    return TaskResult.succeeded(
        written,
        snapshot == null ? 0 : Tables.summaryLong(snapshot, "added-data-files"),
        snapshot == null ? 0 : Tables.summaryLong(snapshot, "added-files-size"),
        Duration.ZERO,
        EngineSteps.jdbcSummary(ingestion, written, read == null ? 0 : read.skipped(), window)
            + (snapshot == null ? "" : evolution.changes().summary())
            + unread);
  }

  /** The latest watermark committed by this ingestion, walking back the table's snapshots. */
  private static Watermark committedWatermark(Table table, JdbcIngestion ingestion) {
    String value = Tables.latestSummaryValue(table, watermarkProperty(ingestion));
    return value == null ? null : Watermark.parse(value);
  }

  /** The Spark JDBC options of every query of the ingestion: connection, dialect, fetch size. */
  private static Map<String, String> options(JdbcIngestion ingestion, String password) {
    JdbcConnection connection = ingestion.connection();
    Map<String, String> options = new LinkedHashMap<>();
    options.put("url", connection.url());
    if (connection.user() != null) {
      options.put("user", connection.user());
    }
    if (password != null) {
      options.put("password", password);
    }
    options.putAll(JdbcSql.options(connection.dialect(), ingestion.fetchSize()));
    options.putAll(connection.properties());
    return options;
  }

  /**
   * The greatest value of the incremental column now, or null for an empty source. One query on the
   * driver, over a connection made and a value converted exactly as Spark's JDBC source does (its
   * dialect's connection factory, session init statement and type mapping), but without the schema
   * query and the Spark job of a JDBC read: about 0.13 s less per run on a local database.
   */
  /** The window's upper bound (null: no row has a value) and the rows without a value. */
  private record Bound(Object max, long withoutValue) {}

  private static Bound upperBound(JdbcIngestion ingestion, Map<String, String> options) {
    String query = JdbcSql.upperBound(ingestion);
    Map<String, String> settings = new LinkedHashMap<>(options);
    settings.put("query", query);
    JDBCOptions jdbc =
        new JDBCOptions(
            scala.collection.immutable.Map$.MODULE$.from(CollectionConverters.asScala(settings)));
    JdbcDialect dialect = JdbcDialects.get(jdbc.url());
    try (Connection connection = dialect.createConnectionFactory(jdbc).apply(-1);
        Statement statement = connection.createStatement()) {
      statement.setQueryTimeout(jdbc.queryTimeout());
      if (jdbc.sessionInitStatement().isDefined()) {
        statement.execute(jdbc.sessionInitStatement().get());
      }
      try (ResultSet result = statement.executeQuery(query)) {
        StructType schema =
            JdbcUtils.getSchema(connection, result, dialect, false, jdbc.preferTimestampNTZ());
        scala.collection.Iterator<Row> rows = JdbcUtils.resultSetToRows(result, schema, dialect);
        if (!rows.hasNext()) {
          return new Bound(null, 0);
        }
        Row row = rows.next();
        return new Bound(row.get(0), row.isNullAt(1) ? 0 : ((Number) row.get(1)).longValue());
      }
    } catch (SQLException e) {
      if (rejectedCredentials(e)) {
        throw new TaskFailedException(credentialsRejected(ingestion, e), e);
      }
      throw new TaskFailedException(
          "Ingestion "
              + ingestion.id()
              + " cannot read the upper bound of its window ("
              + query
              + "): "
              + e.getMessage(),
          e);
    }
  }

  /**
   * Whether the database refused the connection's credentials: SQLSTATE class 28 (invalid
   * authorization, e.g. PostgreSQL's 28P01) or Oracle's ORA-01017.
   */
  private static boolean rejectedCredentials(SQLException e) {
    String state = e.getSQLState();
    return (state != null && state.startsWith("28")) || e.getErrorCode() == 1017;
  }

  /** One line naming the user and the secret to check, never the value. */
  private static String credentialsRejected(JdbcIngestion ingestion, SQLException e) {
    SecretRef secret = ingestion.connection().password();
    return "Ingestion "
        + ingestion.id()
        + ": the database at "
        + ingestion.connection().url()
        + " rejected the credentials of user "
        + ingestion.connection().user()
        + (secret == null
            ? ": the connection has no password; set connection.password to a secret reference"
            : ": check that secret " + secret + " holds this user's password")
        + " ("
        + e.getMessage()
        + ")";
  }

  /** The password behind the connection's secret reference; never logged. */
  private static String password(Context context, JdbcIngestion ingestion) {
    SecretRef secret = ingestion.connection().password();
    if (secret == null) {
      return null;
    }
    try {
      return context.secrets.resolve(secret);
    } catch (SecretResolutionException e) {
      throw new TaskFailedException(
          e.getMessage() + " (password of ingestion " + ingestion.id() + ")", e);
    }
  }

  /**
   * Each target column from its source column (null when the source has none, which {@link
   * SchemaChanges} allowed), then each column to add from its source column.
   */
  private static List<ValueChecks.Conversion> conversions(
      Context context,
      JdbcIngestion ingestion,
      Dataset<Row> source,
      StructType targetSchema,
      Map<String, ColumnType> added) {
    Map<String, StructField> fields = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (StructField field : source.schema().fields()) {
      fields.put(field.name(), field);
    }
    List<ValueChecks.Conversion> conversions = new ArrayList<>();
    for (StructField column : targetSchema.fields()) {
      StructField field = fields.get(column.name());
      if (field == null) {
        conversions.add(
            new ValueChecks.Conversion(
                column.name(), "NULL", DataTypes.NullType, column.dataType(), null));
      } else {
        conversions.add(
            ValueChecks.conversion(
                context.spark,
                column.name(),
                Sql.quote(field.name()),
                field.dataType(),
                column.dataType()));
      }
    }
    added.forEach(
        (column, type) -> {
          StructField field = fields.get(column);
          conversions.add(
              ValueChecks.conversion(
                  context.spark,
                  column,
                  Sql.quote(field.name()),
                  field.dataType(),
                  DataType.fromDDL(Sql.type(type))));
        });
    return conversions;
  }

  /** The source rows as the target's columns, by the value rules (ValueChecks). */
  private static Dataset<Row> shaped(
      JdbcIngestion ingestion, Dataset<Row> source, List<ValueChecks.Conversion> conversions) {
    List<String> projection = new ArrayList<>();
    for (ValueChecks.Conversion conversion : conversions) {
      projection.add(
          (conversion.from() instanceof NullType
                  ? "CAST(NULL AS " + conversion.to().sql() + ")"
                  : conversion.sql())
              + " AS "
              + Sql.quote(conversion.column()));
    }
    return source.selectExpr(projection.toArray(String[]::new));
  }

  /**
   * Fails before anything is written when a row of the window has no value for a key: in SQL a null
   * key matches nothing, so the row would be inserted again by every run (by a merge, or by an
   * append that reads rows again and recognises them by key). In the same pass it computes the
   * aggregates {@code more}, found in the returned row after one count per key and one in all.
   */
  private static Row requireKeys(JdbcIngestion ingestion, Dataset<Row> window, String... more) {
    List<String> counts = new ArrayList<>();
    List<String> anyNull = new ArrayList<>();
    for (String key : ingestion.keys()) {
      counts.add("count_if(" + Sql.quote(key) + " IS NULL)");
      anyNull.add(Sql.quote(key) + " IS NULL");
    }
    counts.add(0, "count_if(" + String.join(" OR ", anyNull) + ")");
    counts.addAll(List.of(more));
    Row row;
    try {
      row = window.selectExpr(counts.toArray(String[]::new)).first();
    } catch (RuntimeException e) {
      if (ValueChecks.isRefusal(e)) {
        throw new TaskFailedException("Ingestion " + ingestion.id() + " refused a value", e);
      }
      throw e;
    }
    long rows = row.getLong(0);
    if (rows > 0) {
      List<String> columns = new ArrayList<>();
      for (int i = 0; i < ingestion.keys().size(); i++) {
        if (row.getLong(i + 1) > 0) {
          columns.add(ingestion.keys().get(i));
        }
      }
      throw new TaskFailedException(Merges.nullKeys(ingestion, rows, columns));
    }
    return row;
  }

  /**
   * The rows of {@code view} a merge writes: the latest row of each key by the incremental column
   * and, when {@code rereads}, only if the target does not hold it already ({@link
   * JdbcLookback#INGESTED}). Latest first: an older version read again must not replace the newer
   * one the target holds.
   */
  private static String latestPerKey(JdbcIngestion ingestion, String view, boolean rereads) {
    List<String> keys = new ArrayList<>();
    for (String key : ingestion.keys()) {
      keys.add(Sql.quote(key));
    }
    String order = Sql.quote(ingestion.incrementalColumn());
    return "SELECT * EXCEPT (lakeplan_rank"
        + (rereads ? ", " + JdbcLookback.INGESTED : "")
        + ") FROM (SELECT *, row_number() OVER (PARTITION BY "
        + String.join(", ", keys)
        + " ORDER BY "
        + order
        + " DESC) AS lakeplan_rank FROM "
        + Sql.quote(view)
        + ") WHERE lakeplan_rank = 1"
        + (rereads ? " AND NOT " + JdbcLookback.INGESTED : "");
  }

  /** Upsert by keys of the rows {@code latest} selects. */
  private static String mergeStatement(JdbcIngestion ingestion, String target, String latest) {
    List<String> on = new ArrayList<>();
    for (String key : ingestion.keys()) {
      on.add("t." + Sql.quote(key) + " = s." + Sql.quote(key));
    }
    return "MERGE INTO "
        + target
        + " t USING ("
        + latest
        + ") s ON "
        + String.join(" AND ", on)
        + " WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *";
  }
}
