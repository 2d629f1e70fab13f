package io.lakeplan.examples.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeplan.examples.OrderChange;
import io.lakeplan.examples.SampleOrders;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The JDBC example's launcher side: its embedded PostgreSQL starts, serves the sample orders to the
 * use case's user with the password it was started with (and no other), and stops. (The launch's
 * {@code bin/lakeplan run}s on Spark are not run here: see the example's README.)
 */
class JdbcOrdersExampleIT {
  private static final String PASSWORD = "example-it-password";

  @Test
  void database_servesTheLatestVersionOfEachOrder_toTheReaderWithItsPassword_untilStopped()
      throws SQLException {
    String url;
    try (ShopDatabase database = ShopDatabase.start(0, PASSWORD)) {
      url = database.jdbcUrl();
      database.write(SampleOrders.firstWave());

      Map<Long, String> expected = new TreeMap<>();
      for (OrderChange change : SampleOrders.firstWave()) {
        expected.put(change.orderId(), change.status());
      }
      Map<Long, String> read = new TreeMap<>();
      try (Connection connection = DriverManager.getConnection(url, ShopDatabase.USER, PASSWORD);
          Statement statement = connection.createStatement();
          ResultSet rows = statement.executeQuery("SELECT order_id, status FROM public.orders")) {
        while (rows.next()) {
          read.put(rows.getLong(1), rows.getString(2));
        }
      }
      assertThat(read).isEqualTo(expected);
      assertThatThrownBy(() -> DriverManager.getConnection(url, ShopDatabase.USER, "wrong"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("password authentication failed for user \"" + ShopDatabase.USER);
    }
    assertThatThrownBy(() -> DriverManager.getConnection(url, ShopDatabase.USER, PASSWORD))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("Connection to 127.0.0.1");
  }
}
