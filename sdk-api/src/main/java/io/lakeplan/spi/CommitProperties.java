package io.lakeplan.spi;

/**
 * The Iceberg snapshot-summary properties through which engines commit their progress atomically
 * with the data: the last merged source snapshot, the JDBC watermark, the Kafka batch id and the
 * input a migration converted. Every engine writes and reads the same names, so one engine's tables
 * can be continued by another and the conformance suite compares like with like. Maintenance
 * commits carry every property with {@link #PREFIX} forward, so expiring the snapshot that wrote
 * one never loses it.
 */
public final class CommitProperties {

  /** The prefix of every Lakeplan summary property. */
  public static final String PREFIX = "lakeplan.";

  private CommitProperties() {}

  /** The source snapshot the last commit of merge {@code mergeId} read up to. */
  public static String mergeSourceSnapshot(String mergeId) {
    return PREFIX + "merge." + mergeId + ".source-snapshot";
  }

  /**
   * The watermark (its {@link Watermark#toString()} form) committed by JDBC ingestion {@code id}.
   */
  public static String jdbcWatermark(String ingestionId) {
    return PREFIX + "jdbc." + ingestionId + ".watermark";
  }

  /** The last streaming batch id committed by Kafka ingestion {@code ingestionId}. */
  public static String kafkaBatch(String ingestionId) {
    return PREFIX + "kafka." + ingestionId + ".batch";
  }

  /**
   * The identity of the checkpoint whose batch ids the commit's {@link #kafkaBatch} counts (Spark's
   * query id, kept in the checkpoint): batch ids restart at 0 in a new checkpoint.
   */
  public static String kafkaCheckpoint(String ingestionId) {
    return PREFIX + "kafka." + ingestionId + ".checkpoint";
  }

  /**
   * The next offset of every topic partition Kafka ingestion {@code ingestionId} has committed, as
   * JSON ({@link KafkaProgress#formatOffsets}): where a new checkpoint starts.
   */
  public static String kafkaOffsets(String ingestionId) {
    return PREFIX + "kafka." + ingestionId + ".offsets";
  }

  /**
   * The fingerprint of the input migration {@code migrationId} last converted ({@link
   * MigrationInputs#fingerprint}): on the conversion's snapshot summary and, so that it outlives
   * snapshot expiry, as a table property.
   */
  public static String migrationSource(String migrationId) {
    return PREFIX + "migration." + migrationId + ".source";
  }

  /** Whether {@code key} is a Lakeplan summary property. */
  public static boolean isLakeplan(String key) {
    return key.startsWith(PREFIX);
  }
}
