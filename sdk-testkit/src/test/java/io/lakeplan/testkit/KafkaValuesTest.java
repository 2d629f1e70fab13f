package io.lakeplan.testkit;

import static io.lakeplan.testkit.PipelineAssertions.assertThat;
import static io.lakeplan.testkit.Rows.row;

import io.lakeplan.model.StartingPosition;
import io.lakeplan.model.StreamMode;
import io.lakeplan.model.UseCase;
import io.lakeplan.run.DagRun;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/** How the in-memory Kafka ingestion reads JSON values into columns. */
class KafkaValuesTest {

  private static final Instant START = Instant.parse("2024-05-10T00:00:00Z");

  private static UseCase events() {
    return UseCase.named("events")
        .owner("data@example.com")
        .table(
            "raw.events",
            t ->
                t.requiredColumn("id", "long")
                    .column("amount", "decimal(20,2)")
                    .column("at", "timestamp")
                    .column("note", "string"))
        .ingestKafka(
            k ->
                k.id("events-kafka")
                    .bootstrapServers("localhost:9092")
                    .addTopic("events")
                    .column("id", "long")
                    .column("amount", "decimal(20,2)")
                    .column("at", "timestamp")
                    .column("note", "string")
                    .mode(StreamMode.MICRO_BATCH)
                    .startingPosition(StartingPosition.EARLIEST)
                    .checkpoint("checkpoints/events")
                    .target("raw.events"))
        .build();
  }

  @Test
  void jsonValues_decimalsExactly_timesWithOrWithoutSeconds_otherJsonAsText() {
    try (PipelineTestDriver driver =
        PipelineTestDriver.builder().useCase(events()).startTime(START).build()) {
      InputTopic topic = driver.inputTopic("events");
      // 20 significant digits: a double would keep about 16
      topic.send(
          null,
          "{\"id\":1,\"amount\":123456789012345678.91,\"at\":\"2024-05-01T10:00\","
              + "\"note\":{\"a\":[1,2]}}",
          START);
      topic.send(
          null,
          "{\"note\":\"x\",\"id\":2,\"amount\":\"0.10\",\"at\":\"2024-05-01T10:00:01.5\","
              + "\"ignored\":[{\"deep\":true}]}",
          START);
      topic.send(null, "{\"id\":3,\"amount\":1.5,\"note\":12.50,\"id\":4}", START);

      driver.runAll();

      assertThat(driver.table("raw.events"))
          .containsExactlyInAnyOrder(
              row(
                  "id",
                  1L,
                  "amount",
                  new java.math.BigDecimal("123456789012345678.91"),
                  "at",
                  LocalDateTime.parse("2024-05-01T10:00:00"),
                  "note",
                  "{\"a\":[1,2]}"),
              row(
                  "id",
                  2L,
                  "amount",
                  new java.math.BigDecimal("0.10"),
                  "at",
                  LocalDateTime.parse("2024-05-01T10:00:01.5"),
                  "note",
                  "x"),
              // a repeated field: the last wins; a number in a text column keeps its text
              row(
                  "id",
                  4L,
                  "amount",
                  new java.math.BigDecimal("1.50"),
                  "at",
                  null,
                  "note",
                  "12.50"));
    }
  }

  @Test
  void valuesTheTargetColumnCannotHold_goToTheDeadLetterTableNamingTheColumn() {
    UseCase codes =
        UseCase.named("codes")
            .owner("data@example.com")
            .table("raw.codes", t -> t.requiredColumn("id", "long").column("code", "int"))
            .ingestKafka(
                k ->
                    k.id("codes-kafka")
                        .bootstrapServers("localhost:9092")
                        .addTopic("codes")
                        .column("id", "long")
                        .column("code", "string")
                        .mode(StreamMode.MICRO_BATCH)
                        .startingPosition(StartingPosition.EARLIEST)
                        .checkpoint("checkpoints/codes")
                        .target("raw.codes"))
            .build();
    try (PipelineTestDriver driver =
        PipelineTestDriver.builder().useCase(codes).startTime(START).build()) {
      InputTopic topic = driver.inputTopic("codes");
      topic.send(null, "{\"id\":1,\"code\":\"7\"}", START);
      for (int id = 2; id <= 200; id++) {
        topic.send(null, "{\"id\":" + id + ",\"code\":\"not-" + id + "\"}", START);
      }

      DagRun run = driver.runAll().get(0);

      // one bad value never stops the stream: its record goes to the dead letters, named
      assertThat(run).succeeded();
      Assertions.assertThat(driver.table("raw.codes").rows())
          .containsExactly(Map.of("id", 1L, "code", 7));
      List<Map<String, Object>> letters = driver.table("raw.codes_dead_letter").rows();
      Assertions.assertThat(letters)
          .hasSize(199)
          .allSatisfy(
              letter ->
                  Assertions.assertThat(letter.get("reason"))
                      .isEqualTo("column code: not a number (int)"));
    }
  }
}
