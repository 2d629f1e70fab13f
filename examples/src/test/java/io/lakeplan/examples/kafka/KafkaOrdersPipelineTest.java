package io.lakeplan.examples.kafka;

import static io.lakeplan.testkit.PipelineAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.examples.OrderChange;
import io.lakeplan.examples.SampleOrders;
import io.lakeplan.model.KafkaIngestion;
import io.lakeplan.testkit.InputTopic;
import io.lakeplan.testkit.PipelineTestDriver;
import io.lakeplan.testkit.PipelineTestExtension;
import io.lakeplan.workspace.Workspace;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Kafka example ({@code examples/kafka-orders}) on the testkit: the same use case file and the
 * same records as {@code bin/run-example kafka-orders}, on an in-memory topic of as many
 * partitions.
 */
class KafkaOrdersPipelineTest {
  private static final Path EXAMPLE = Path.of("kafka-orders");

  @RegisterExtension
  static final PipelineTestExtension PIPELINE =
      PipelineTestExtension.forBuilder(
          () ->
              PipelineTestDriver.builder()
                  .useCases(EXAMPLE)
                  .startTime(Instant.parse("2026-03-02T12:00:00Z")));

  private static void send(PipelineTestDriver driver, List<OrderEvent> events) {
    InputTopic topic = driver.inputTopic(OrderEventsBroker.TOPIC, OrderEventsBroker.PARTITIONS);
    events.forEach(event -> topic.send(event.key(), event.value()));
  }

  private static List<Map<String, Object>> rows(Collection<OrderChange> changes) {
    return changes.stream().map(OrderChange::toRow).toList();
  }

  /** Each order's change with the greatest updated_at. */
  private static Collection<OrderChange> latestPerOrder(List<OrderChange> changes) {
    Map<Long, OrderChange> latest = new TreeMap<>();
    for (OrderChange change : changes) {
      latest.merge(
          change.orderId(),
          change,
          (old, candidate) -> candidate.updatedAt().isAfter(old.updatedAt()) ? candidate : old);
    }
    return latest.values();
  }

  @Test
  void firstWave_keepsEveryEvent_theTruncatedOneAsADeadLetter_andTheLatestStatus(
      PipelineTestDriver driver) {
    send(driver, OrderEvent.firstWave());

    driver.runAll().forEach(run -> assertThat(run).succeeded());

    assertThat(driver.table("raw.order_events"))
        .containsExactlyInAnyOrderElementsOf(rows(SampleOrders.firstWave()));
    assertThat(driver.table("raw.order_events_dead_letter").rows())
        .singleElement()
        .satisfies(
            deadLetter -> {
              assertThat(deadLetter)
                  .containsEntry("topic", OrderEventsBroker.TOPIC)
                  .containsEntry("record_key", OrderEvent.TRUNCATED.key())
                  .containsEntry("record_value", OrderEvent.TRUNCATED.value());
              assertThat(deadLetter.get("reason")).asString().isNotBlank();
            });
    assertThat(driver.table("process.order_status"))
        .containsExactlyInAnyOrderElementsOf(rows(latestPerOrder(SampleOrders.firstWave())));
  }

  @Test
  void secondWave_readsOnlyTheNewRecords_andUpdatesTheStatuses(PipelineTestDriver driver) {
    send(driver, OrderEvent.firstWave());
    driver.runAll();

    send(driver, OrderEvent.secondWave());
    driver.runAll().forEach(run -> assertThat(run).succeeded());

    List<OrderChange> everything = new ArrayList<>(SampleOrders.firstWave());
    everything.addAll(SampleOrders.secondWave());
    assertThat(driver.table("raw.order_events"))
        .containsExactlyInAnyOrderElementsOf(rows(everything));
    assertThat(driver.table("raw.order_events_dead_letter")).hasRowCount(1);
    assertThat(driver.table("process.order_status"))
        .containsExactlyInAnyOrderElementsOf(rows(latestPerOrder(everything)));
  }

  @Test
  void useCase_readsTheLaunchersBrokerAndTopic() {
    KafkaIngestion ingestion =
        Workspace.loadStrict(EXAMPLE).useCases().get(0).useCase().kafkaIngestions().get(0);
    assertThat(ingestion.bootstrapServers()).isEqualTo("127.0.0.1:" + KafkaOrdersExample.PORT);
    assertThat(ingestion.topics()).containsExactly(OrderEventsBroker.TOPIC);
  }
}
