package io.lakeplan.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;

class KafkaProgressTest {

  private static Map<String, String> commit(String checkpoint, long batch) {
    return Map.of(
        CommitProperties.kafkaBatch("orders"),
        Long.toString(batch),
        CommitProperties.kafkaCheckpoint("orders"),
        checkpoint);
  }

  @Test
  void committedBatch_isTheNewestOfTheSameCheckpoint_passingOverOthers() {
    List<Map<String, String>> newestFirst =
        List.of(
            Map.of("other", "x"), commit("new", 0), commit("old", 7), commit("old", 6), Map.of());

    assertThat(KafkaProgress.committedBatch(newestFirst, "orders", "old")).isEqualTo(7);
    assertThat(KafkaProgress.committedBatch(newestFirst, "orders", "new")).isZero();
    assertThat(KafkaProgress.committedBatch(newestFirst, "orders", "third")).isEqualTo(-1);
    assertThat(KafkaProgress.committedBatch(newestFirst, "payments", "old")).isEqualTo(-1);
  }

  @Test
  void committedBatch_ofACommitWithoutCheckpoint_isNoOnesBatch() {
    List<Map<String, String>> legacy = List.of(Map.of(CommitProperties.kafkaBatch("orders"), "9"));

    assertThat(KafkaProgress.committedBatch(legacy, "orders", "any")).isEqualTo(-1);
  }

  @Test
  void advance_movesEachPartitionPastItsLastRecord_andKeepsTheOthers() {
    SortedMap<String, SortedMap<Integer, Long>> committed =
        KafkaProgress.parseOffsets("{\"a\":{\"0\":10,\"1\":4},\"b\":{\"0\":3}}");

    SortedMap<String, SortedMap<Integer, Long>> next =
        KafkaProgress.advance(committed, Map.of("a", Map.of(1, 8L), "c", Map.of(2, 0L)));

    assertThat(KafkaProgress.formatOffsets(next))
        .isEqualTo("{\"a\":{\"0\":10,\"1\":9},\"b\":{\"0\":3},\"c\":{\"2\":1}}");
    assertThat(KafkaProgress.formatOffsets(committed))
        .as("the committed offsets are not changed")
        .isEqualTo("{\"a\":{\"0\":10,\"1\":4},\"b\":{\"0\":3}}");
  }

  @Test
  void advance_neverMovesAPartitionBack() {
    SortedMap<String, SortedMap<Integer, Long>> next =
        KafkaProgress.advance(Map.of("a", Map.of(0, 10L)), Map.of("a", Map.of(0, 3L)));

    assertThat(next.get("a")).containsEntry(0, 10L);
  }

  @Test
  void committedOffsets_areTheNewestRecorded() {
    String key = CommitProperties.kafkaOffsets("orders");
    List<Map<String, String>> newestFirst =
        List.of(Map.of(), Map.of(key, "{\"a\":{\"0\":5}}"), Map.of(key, "{\"a\":{\"0\":2}}"));

    assertThat(KafkaProgress.committedOffsets(newestFirst, "orders"))
        .isEqualTo(KafkaProgress.parseOffsets("{\"a\":{\"0\":5}}"));
    assertThat(KafkaProgress.committedOffsets(List.of(), "orders")).isEmpty();
  }

  @Test
  void parseOffsets_ofSomethingElse_namesTheValue() {
    assertThatThrownBy(() -> KafkaProgress.parseOffsets("{\"a\":[1]}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Invalid Kafka offsets in a snapshot summary: {\"a\":[1]}");
  }
}
