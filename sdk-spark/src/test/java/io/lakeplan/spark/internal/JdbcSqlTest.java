package io.lakeplan.spark.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeplan.model.JdbcDialect;
import io.lakeplan.model.JdbcIngestion;
import io.lakeplan.model.SecretRef;
import io.lakeplan.spi.JdbcWindow;
import io.lakeplan.spi.Watermark;
import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The SQL sent to JDBC sources, per dialect (Oracle has no server in the test suite). */
class JdbcSqlTest {

  private static JdbcIngestion.Builder ingestion(JdbcDialect dialect) {
    JdbcIngestion.Builder builder = JdbcIngestion.builder();
    builder
        .id("orders")
        .connection(
            c ->
                c.url("jdbc:oracle:thin:@//db:1521/SALES")
                    .dialect(dialect)
                    .user("etl")
                    .password(SecretRef.env("PASSWORD")))
        .table("SALES.ORDERS")
        .incrementalColumn("UPDATED_AT")
        .target("raw.orders");
    return builder;
  }

  private static final Watermark FROM = Watermark.of(Instant.parse("2024-05-01T10:00:00Z"));
  private static final Watermark TO = Watermark.of(Instant.parse("2024-05-02T00:00:00.123456Z"));

  @Test
  void window_oracle_usesToTimestampAndNoAsForTheAlias() {
    assertThat(
            JdbcSql.window(ingestion(JdbcDialect.ORACLE).build(), JdbcDialect.ORACLE, window(FROM)))
        .isEqualTo(
            "(SELECT * FROM SALES.ORDERS WHERE UPDATED_AT > TO_TIMESTAMP('2024-05-01"
                + " 10:00:00.000000', 'YYYY-MM-DD HH24:MI:SS.FF6') AND UPDATED_AT <="
                + " TO_TIMESTAMP('2024-05-02 00:00:00.123456', 'YYYY-MM-DD HH24:MI:SS.FF6'))"
                + " lakeplan_window");
  }

  @Test
  void window_postgres_usesAnsiTimestampLiterals() {
    assertThat(
            JdbcSql.window(
                ingestion(JdbcDialect.POSTGRES).build(), JdbcDialect.POSTGRES, window(FROM)))
        .isEqualTo(
            "(SELECT * FROM SALES.ORDERS WHERE UPDATED_AT > TIMESTAMP '2024-05-01 10:00:00.000000'"
                + " AND UPDATED_AT <= TIMESTAMP '2024-05-02 00:00:00.123456') lakeplan_window");
  }

  @Test
  void window_withoutLowerBound_readsFromTheBeginning_andNumbersArePlain() {
    assertThat(
            JdbcSql.window(
                ingestion(JdbcDialect.ORACLE).build(),
                JdbcDialect.ORACLE,
                JdbcWindow.of(
                    ingestion(JdbcDialect.ORACLE).build(),
                    null,
                    Watermark.of(new BigDecimal("1E+3")),
                    IllegalStateException::new)))
        .isEqualTo("(SELECT * FROM SALES.ORDERS WHERE UPDATED_AT <= 1000) lakeplan_window");
  }

  @Test
  void window_withLookback_readsFromTheWatermarkLessTheLookback_included() {
    JdbcIngestion lookingBack =
        ingestion(JdbcDialect.POSTGRES)
            .addKey("ORDER_ID")
            .lookback(java.time.Duration.ofMinutes(10))
            .build();

    assertThat(
            JdbcSql.window(
                lookingBack,
                JdbcDialect.POSTGRES,
                JdbcWindow.of(lookingBack, FROM, TO, IllegalStateException::new)))
        .isEqualTo(
            "(SELECT * FROM SALES.ORDERS WHERE UPDATED_AT >= TIMESTAMP '2024-05-01 09:50:00.000000'"
                + " AND UPDATED_AT <= TIMESTAMP '2024-05-02 00:00:00.123456') lakeplan_window");
  }

  private static JdbcWindow window(Watermark after) {
    return JdbcWindow.of(
        ingestion(JdbcDialect.POSTGRES).build(), after, TO, IllegalStateException::new);
  }

  @Test
  void query_isReadAsADerivedTableWithAnAlias() {
    JdbcIngestion fromQuery =
        ingestion(JdbcDialect.ORACLE)
            .table(null)
            .query("SELECT o.*, c.REGION FROM ORDERS o JOIN CUSTOMERS c ON c.ID = o.CUSTOMER_ID")
            .build();

    assertThat(JdbcSql.upperBound(fromQuery))
        .isEqualTo(
            "SELECT MAX(UPDATED_AT) AS upper_bound, COUNT(*) - COUNT(UPDATED_AT) AS without_value"
                + " FROM (SELECT o.*, c.REGION FROM ORDERS o JOIN CUSTOMERS c ON c.ID ="
                + " o.CUSTOMER_ID\n) lakeplan_query");
  }

  @Test
  void options_setTheDriverAndAUtcSessionPerDialect() {
    assertThat(JdbcSql.options(JdbcDialect.ORACLE, 5000))
        .containsEntry("driver", "oracle.jdbc.OracleDriver")
        .containsEntry("sessionInitStatement", "ALTER SESSION SET TIME_ZONE = 'UTC'")
        .containsEntry("fetchsize", "5000");
    assertThat(JdbcSql.options(JdbcDialect.POSTGRES, 10))
        .containsEntry("driver", "org.postgresql.Driver")
        .containsEntry("sessionInitStatement", "SET TIME ZONE 'UTC'");
    assertThat(JdbcSql.options(JdbcDialect.GENERIC, 10)).doesNotContainKey("driver");
  }

  @Test
  void unsafeIdentifiers_areRejectedBeforeAnySql() {
    JdbcIngestion unsafe =
        ingestion(JdbcDialect.POSTGRES).incrementalColumn("x; DROP TABLE t").build();

    assertThatThrownBy(() -> JdbcSql.upperBound(unsafe))
        .hasMessageContaining("Unsafe or missing incremental column: 'x; DROP TABLE t'");
    JdbcIngestion quoted = ingestion(JdbcDialect.POSTGRES).table("public.o'rders").build();
    assertThatThrownBy(() -> JdbcSql.upperBound(quoted))
        .hasMessageContaining("source table public.o'rders");
  }
}
