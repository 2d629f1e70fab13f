package io.lakeplan.testkit.conformance;

/**
 * Where a conformance scenario's use case points: a Kafka broker and a JDBC database the engine can
 * reach. The in-memory engine ignores them (any values do).
 *
 * @param kafkaBootstrapServers Kafka's bootstrap servers
 * @param jdbcUrl the JDBC URL of a PostgreSQL database
 * @param jdbcUser the database user
 * @param jdbcPasswordVariable the environment variable holding the password
 */
public record Endpoints(
    String kafkaBootstrapServers, String jdbcUrl, String jdbcUser, String jdbcPasswordVariable) {

  /** Placeholders for engines that reach no server. */
  public static Endpoints none() {
    return new Endpoints(
        "127.0.0.1:9", "jdbc:postgresql://127.0.0.1:9/none", "none", "LAKEPLAN_UNUSED");
  }
}
