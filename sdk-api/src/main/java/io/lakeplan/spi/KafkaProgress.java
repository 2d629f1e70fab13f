package io.lakeplan.spi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a Kafka ingestion has committed into its target, read back from the target's snapshot
 * summaries: the decision every engine takes the same way when a batch starts.
 *
 * <p>Each batch commit carries three properties: the batch id ({@link
 * CommitProperties#kafkaBatch}), the identity of the checkpoint that numbered it ({@link
 * CommitProperties#kafkaCheckpoint}: batch ids restart at 0 in a new checkpoint) and the next
 * offset of every partition ingested so far ({@link CommitProperties#kafkaOffsets}, cumulative).
 * From them:
 *
 * <ul>
 *   <li>a batch is a replay — already in the table, skipped — only when a commit by <em>the same
 *       checkpoint</em> carries its id or a later one. A new checkpoint (deleted, moved, or a
 *       second use case writing the table under the same ingestion id) numbers its batches from 0
 *       again, and they are new data, never skipped;
 *   <li>a new checkpoint starts at the offsets the table holds, not at the ingestion's starting
 *       position, so nothing already ingested is read twice and nothing after it is skipped.
 *       Partitions the table has no offset for start at the beginning.
 * </ul>
 */
public final class KafkaProgress {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<TreeMap<String, TreeMap<Integer, Long>>> OFFSETS =
      new TypeReference<>() {};

  private KafkaProgress() {}

  /**
   * The last batch id that checkpoint {@code checkpointId} committed into the table whose snapshot
   * summaries are {@code summariesNewestFirst} (current snapshot first, then its ancestors), or -1
   * when that checkpoint committed none. Commits of other checkpoints are passed over.
   */
  public static long committedBatch(
      Iterable<Map<String, String>> summariesNewestFirst, String ingestionId, String checkpointId) {
    Objects.requireNonNull(checkpointId, "checkpointId");
    String batch = CommitProperties.kafkaBatch(ingestionId);
    String checkpoint = CommitProperties.kafkaCheckpoint(ingestionId);
    for (Map<String, String> summary : summariesNewestFirst) {
      if (summary != null
          && summary.containsKey(batch)
          && checkpointId.equals(summary.get(checkpoint))) {
        return Long.parseLong(summary.get(batch));
      }
    }
    return -1;
  }

  /**
   * The next offset of every partition ingestion {@code ingestionId} committed into the table, by
   * topic then partition; empty when it committed none.
   */
  public static SortedMap<String, SortedMap<Integer, Long>> committedOffsets(
      Iterable<Map<String, String>> summariesNewestFirst, String ingestionId) {
    String offsets = CommitProperties.kafkaOffsets(ingestionId);
    for (Map<String, String> summary : summariesNewestFirst) {
      if (summary != null && summary.containsKey(offsets)) {
        return parseOffsets(summary.get(offsets));
      }
    }
    return Collections.emptySortedMap();
  }

  /**
   * {@code committed} advanced by a batch whose records reached {@code lastOffsets} (the greatest
   * offset read per topic and partition): the next offsets to commit with it.
   */
  public static SortedMap<String, SortedMap<Integer, Long>> advance(
      Map<String, ? extends Map<Integer, Long>> committed,
      Map<String, ? extends Map<Integer, Long>> lastOffsets) {
    SortedMap<String, SortedMap<Integer, Long>> next = copy(committed);
    lastOffsets.forEach(
        (topic, partitions) ->
            partitions.forEach(
                (partition, last) ->
                    next.computeIfAbsent(topic, ignored -> new TreeMap<>())
                        .merge(partition, last + 1, Math::max)));
    return next;
  }

  /**
   * Offsets as one JSON object, {@code {"topic":{"0":42}}}: the form of Spark's Kafka {@code
   * startingOffsets} option.
   */
  public static String formatOffsets(Map<String, ? extends Map<Integer, Long>> offsets) {
    try {
      return JSON.writeValueAsString(copy(offsets));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write Kafka offsets as JSON", e);
    }
  }

  /** The offsets written by {@link #formatOffsets}. */
  public static SortedMap<String, SortedMap<Integer, Long>> parseOffsets(String json) {
    try {
      return copy(JSON.readValue(json, OFFSETS));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "Invalid Kafka offsets in a snapshot summary: "
              + json
              + " ("
              + e.getOriginalMessage()
              + ")",
          e);
    }
  }

  private static SortedMap<String, SortedMap<Integer, Long>> copy(
      Map<String, ? extends Map<Integer, Long>> offsets) {
    SortedMap<String, SortedMap<Integer, Long>> copy = new TreeMap<>();
    offsets.forEach((topic, partitions) -> copy.put(topic, new TreeMap<>(partitions)));
    return copy;
  }
}
