package io.lakeplan.examples.jdbc;

import io.lakeplan.examples.ExampleLauncher;
import io.lakeplan.examples.OrderChange;
import io.lakeplan.examples.SampleOrders;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The JDBC example end to end, {@code bin/run-example jdbc-orders}: starts an embedded PostgreSQL
 * on {@value #PORT} (the address {@code examples/jdbc-orders/jdbc-orders.yaml} names) with a fresh
 * password, writes the first wave of {@link SampleOrders} to {@code shop.public.orders}, runs the
 * use case on local Spark ({@code bin/lakeplan run}, the password in {@value #PASSWORD_VARIABLE}),
 * writes the second wave and runs it again — that run reads only the changed orders — then stops
 * the database. The warehouse is {@code examples/jdbc-orders/.lakeplan/warehouse}, cleared first.
 */
public final class JdbcOrdersExample {
  /** The port the use case's JDBC URL names. */
  public static final int PORT = 55432;

  /** The environment variable the use case's password reference names. */
  public static final String PASSWORD_VARIABLE = "SHOP_DB_PASSWORD";

  private JdbcOrdersExample() {}

  /**
   * Runs the example.
   *
   * @param args the repository root (default: the working folder)
   */
  public static void main(String[] args) {
    System.exit(run(ExampleLauncher.of(args, "jdbc-orders")));
  }

  private static int run(ExampleLauncher launcher) {
    Path warehouse = launcher.freshState().resolve("warehouse");
    // made up for this run, known only to the database and the child's environment
    String password = UUID.randomUUID().toString();
    int exitCode;
    try (ShopDatabase database = ShopDatabase.start(PORT, password)) {
      System.out.println(
          "PostgreSQL started: " + database.jdbcUrl() + " (user " + ShopDatabase.USER + ")");
      Map<String, String> secrets = Map.of(PASSWORD_VARIABLE, password);
      exitCode = wave(database, launcher, warehouse, secrets, 1, SampleOrders.firstWave());
      if (exitCode == 0) {
        exitCode = wave(database, launcher, warehouse, secrets, 2, SampleOrders.secondWave());
      }
    }
    System.out.println("PostgreSQL stopped");
    System.out.println(
        exitCode == 0
            ? "Done: raw.pg_orders and process.pg_orders are in " + warehouse
            : "The run failed (exit " + exitCode + "); see the lines above");
    return exitCode;
  }

  private static int wave(
      ShopDatabase database,
      ExampleLauncher launcher,
      Path warehouse,
      Map<String, String> secrets,
      int number,
      List<OrderChange> changes) {
    database.write(changes);
    System.out.println();
    System.out.println("Wave " + number + ": " + changes.size() + " order changes written");
    return launcher.run(warehouse, secrets);
  }
}
