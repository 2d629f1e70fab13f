package io.lakeplan.cli;

import io.lakeplan.spark.TestKafka;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import kafka.testkit.KafkaClusterTestKit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The password-protected sources of the ITs that run ingestions through {@code bin/lakeplan}: a
 * PostgreSQL whose user must give its password (SCRAM over TCP; only the server's own superuser is
 * trusted, for the set-up) with a table {@code public.orders}, a KRaft broker on SASL PLAIN with a
 * topic {@code payments}, and the use case that ingests both with its passwords as {@code env:}
 * references.
 */
final class SecuredSources {
  private SecuredSources() {}

  /**
   * Starts a PostgreSQL in {@code data} whose {@code user} logs in with {@code password} and reads
   * {@code public.orders}: {@code rows} orders 1…rows, status {@code paid}, updated a minute apart
   * from 2026-01-01.
   */
  static EmbeddedPostgres postgres(Path data, String user, String password, int rows)
      throws Exception {
    EmbeddedPostgres postgres =
        EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(true).start();
    try (Connection connection =
            DriverManager.getConnection(postgres.getJdbcUrl("postgres", "postgres"));
        Statement statement = connection.createStatement()) {
      statement.execute("SET password_encryption = 'scram-sha-256'");
      statement.execute(
          "CREATE ROLE " + user + " LOGIN PASSWORD '" + password.replace("'", "''") + "'");
      statement.execute(
          "CREATE TABLE public.orders (order_id bigint PRIMARY KEY, status text, updated_at"
              + " timestamp)");
      statement.execute(
          "INSERT INTO public.orders SELECT i, 'paid', timestamp '2026-01-01 00:00:00' + i *"
              + " interval '1 minute' FROM generate_series(1, "
              + rows
              + ") i");
      statement.execute("GRANT SELECT ON public.orders TO " + user);
      Files.writeString(
          data.resolve("pg_hba.conf"),
          "local all all trust\n"
              + "host all postgres 127.0.0.1/32 trust\n"
              + "host all all 127.0.0.1/32 scram-sha-256\n"
              + "host all all ::1/128 scram-sha-256\n");
      statement.execute("SELECT pg_reload_conf()");
    }
    return postgres;
  }

  /**
   * Starts a broker that knows {@code user} with {@code password} and holds {@code records}
   * payments (JSON, order ids 1…records) in a topic {@code payments} of {@code partitions}.
   */
  static KafkaClusterTestKit kafka(String user, String password, int partitions, int records)
      throws Exception {
    KafkaClusterTestKit kafka = TestKafka.startWithSasl(user, password);
    Map<String, Object> client =
        TestKafka.saslClientProperties(kafka.bootstrapServers(), user, password);
    try (Admin admin = Admin.create(client)) {
      admin.createTopics(List.of(new NewTopic("payments", partitions, (short) 1))).all().get();
    }
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(client, new StringSerializer(), new StringSerializer())) {
      for (int i = 1; i <= records; i++) {
        producer.send(
            new ProducerRecord<>(
                "payments",
                Integer.toString(i),
                "{\"order_id\": " + i + ", \"status\": \"paid\"}"));
      }
      producer.flush();
    }
    return kafka;
  }

  /**
   * The lines of use case {@code name}: a JDBC ingestion {@code orders-db} of {@code public.orders}
   * into {@code raw.orders} (with {@code extraJdbcLines} in its block) and a Kafka ingestion {@code
   * payments} into {@code raw.payments}, the passwords the environment variables {@code pgVariable}
   * and {@code kafkaVariable}. Callers append sections of their own.
   */
  static List<String> useCase(
      String name,
      EmbeddedPostgres postgres,
      KafkaClusterTestKit kafka,
      String user,
      String pgVariable,
      String kafkaVariable,
      Path checkpoint,
      List<String> extraJdbcLines) {
    String port =
        postgres.getJdbcUrl("postgres", "postgres").replaceAll(".*://[^:]+:(\\d+)/.*", "$1");
    List<String> lines =
        new ArrayList<>(
            List.of(
                "api-version: lakeplan/v1",
                "name: " + name,
                "owner: data-platform@example.com",
                "retries: 0",
                "tables:",
                "  - table: raw.orders",
                "    columns:",
                "      - {name: order_id, type: long, required: true}",
                "      - {name: status, type: string}",
                "      - {name: updated_at, type: timestamp}",
                "  - table: raw.payments",
                "    columns:",
                "      - {name: order_id, type: long, required: true}",
                "      - {name: status, type: string}",
                "jdbc-ingestions:",
                "  - id: orders-db",
                "    connection:",
                "      url: jdbc:postgresql://127.0.0.1:" + port + "/postgres",
                "      dialect: postgres",
                "      user: " + user,
                "      password: env:" + pgVariable,
                "    table: public.orders",
                "    incremental-column: updated_at"));
    lines.addAll(extraJdbcLines);
    lines.addAll(
        List.of(
            "    target: raw.orders",
            "kafka-ingestions:",
            "  - id: payments",
            "    bootstrap-servers: " + kafka.bootstrapServers(),
            "    auth:",
            "      mechanism: plain",
            "      username: " + user,
            "      password: env:" + kafkaVariable,
            "    options:",
            "      kafka.security.protocol: SASL_PLAINTEXT",
            "    topics: [payments]",
            "    format: json",
            "    columns:",
            "      - {name: order_id, type: long}",
            "      - {name: status, type: string}",
            "    starting-position: earliest",
            "    checkpoint: " + checkpoint,
            "    target: raw.payments"));
    return lines;
  }

  /** Writes {@code lines} as a YAML file, one per line. */
  static Path write(Path file, List<String> lines) throws IOException {
    return Files.writeString(file, String.join("\n", lines) + "\n");
  }
}
