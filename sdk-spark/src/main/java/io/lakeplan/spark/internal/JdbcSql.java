package io.lakeplan.spark.internal;

import io.lakeplan.model.Identifiers;
import io.lakeplan.model.JdbcDialect;
import io.lakeplan.model.JdbcIngestion;
import io.lakeplan.spi.JdbcWindow;
import io.lakeplan.spi.Watermark;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The SQL a JDBC ingestion sends to its source, per dialect. Source identifiers are not quoted
 * (PostgreSQL folds unquoted names to lower case, Oracle to upper case, as their users expect) but
 * validated as plain identifiers; watermark bounds are rendered as literals of their type, never
 * from user text.
 */
final class JdbcSql {

  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

  private JdbcSql() {}

  /** What the ingestion reads: its table, or its query as a derived table. */
  static String relation(JdbcIngestion ingestion) {
    if (ingestion.table() != null) {
      for (String part : ingestion.table().split("\\.", -1)) {
        requireIdentifier(part, "source table " + ingestion.table());
      }
      return ingestion.table();
    }
    // a derived table needs an alias; no AS, which Oracle does not accept for table aliases. The
    // line break ends a -- comment on the query's last line, which would otherwise swallow the
    // parenthesis and the window (validation refuses queries that do not close, see QueryText)
    return "(" + ingestion.query() + "\n) lakeplan_query";
  }

  /**
   * The query that captures the upper bound of the window when a run starts, and counts the rows
   * without an incremental value (no window holds them).
   */
  static String upperBound(JdbcIngestion ingestion) {
    String column = requireIdentifier(ingestion.incrementalColumn(), "incremental column");
    return "SELECT MAX("
        + column
        + ") AS upper_bound, COUNT(*) - COUNT("
        + column
        + ") AS without_value FROM "
        + relation(ingestion);
  }

  /**
   * The rows of {@code window} ({@code (after, upTo]}, or {@code [from, upTo]} when it reads again)
   * as a derived table for Spark's {@code dbtable} option (so partitioned reads can add their own
   * predicates); no lower bound on a first run.
   */
  static String window(JdbcIngestion ingestion, JdbcDialect dialect, JdbcWindow window) {
    String column = requireIdentifier(ingestion.incrementalColumn(), "incremental column");
    StringBuilder sql = new StringBuilder("(SELECT * FROM ").append(relation(ingestion));
    sql.append(" WHERE ");
    if (window.rereads()) {
      sql.append(column).append(" >= ").append(literal(dialect, window.from())).append(" AND ");
    } else if (window.after() != null) {
      sql.append(column).append(" > ").append(literal(dialect, window.after())).append(" AND ");
    }
    sql.append(column).append(" <= ").append(literal(dialect, window.upTo()));
    return sql.append(") lakeplan_window").toString();
  }

  /** A literal of the watermark's type, readable by the dialect. */
  static String literal(JdbcDialect dialect, Watermark watermark) {
    switch (watermark.type()) {
      case LONG:
        return Long.toString(watermark.asLong());
      case DECIMAL:
        return watermark.asDecimal().toPlainString();
      case TIMESTAMP:
        // Lakeplan timestamps are UTC wall-clock times; the session is set to UTC (see options)
        String text =
            TIMESTAMP.format(LocalDateTime.ofInstant(watermark.asInstant(), ZoneOffset.UTC));
        return dialect == JdbcDialect.ORACLE
            ? "TO_TIMESTAMP('" + text + "', 'YYYY-MM-DD HH24:MI:SS.FF6')"
            : "TIMESTAMP '" + text + "'";
      default:
        throw new IllegalArgumentException("Unknown watermark type " + watermark.type());
    }
  }

  /**
   * Spark JDBC options of the dialect: the session time zone set to UTC so timestamps mean the same
   * on both sides, and the fetch size.
   */
  static Map<String, String> options(JdbcDialect dialect, int fetchSize) {
    Map<String, String> options = new LinkedHashMap<>();
    options.put("fetchsize", Integer.toString(fetchSize));
    // zone-less source timestamps stay zone-less (UTC wall-clock times), whatever the JVM zone
    options.put("preferTimestampNTZ", "true");
    switch (dialect) {
      case POSTGRES:
        options.put("driver", "org.postgresql.Driver");
        options.put("sessionInitStatement", "SET TIME ZONE 'UTC'");
        break;
      case ORACLE:
        options.put("driver", "oracle.jdbc.OracleDriver");
        options.put("sessionInitStatement", "ALTER SESSION SET TIME_ZONE = 'UTC'");
        options.put("oracle.jdbc.timezoneAsRegion", "false");
        break;
      default:
        break;
    }
    return options;
  }

  private static String requireIdentifier(String name, String what) {
    if (name == null || !Identifiers.isSafeSqlIdentifier(name)) {
      throw new TaskFailedException(
          "Unsafe or missing " + what + ": '" + name + "' (must match [A-Za-z_][A-Za-z0-9_]*)");
    }
    return name;
  }
}
