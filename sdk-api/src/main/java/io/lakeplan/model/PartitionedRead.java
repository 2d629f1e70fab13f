package io.lakeplan.model;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import org.immutables.value.Value;

/** Splits a JDBC read into parallel range queries on a numeric or date column. */
@Value.Immutable
@JsonSerialize(as = ImmutablePartitionedRead.class)
@JsonDeserialize(as = ImmutablePartitionedRead.class)
public abstract class PartitionedRead {
  /** The column ranges are taken on. Required. */
  public abstract String column();

  /** The lower bound of the first range (rows below still go to the first). */
  public abstract long lowerBound();

  /** The upper bound of the last range (rows above still go to the last). */
  public abstract long upperBound();

  /** How many parallel queries. Default: 4; valid 1–1024. */
  @Value.Default
  public int partitions() {
    return 4;
  }

  /** A builder of partitioned reads. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link PartitionedRead}; every setter is named after its property. */
  public static final class Builder extends ImmutablePartitionedRead.Builder {}
}
