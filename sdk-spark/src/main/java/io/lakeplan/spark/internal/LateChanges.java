package io.lakeplan.spark.internal;

import io.lakeplan.model.Merge;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.util.LongAccumulator;

/**
 * Counts, inside the {@code MERGE} itself, the matched changes a merge skips for being older than
 * their target row: a function that passes its condition through and counts each false in an
 * accumulator. A separate count would join the changes with the target a second time (the merge
 * benchmark measured +45%); this costs one function call per matched row. The merge's last matched
 * clause carries it, so each matched row is counted at most once; a task retried after a failure
 * could count its rows twice, which only the summary would show.
 */
final class LateChanges {
  private static final String PREFIX = "lakeplan_late_";
  private static final AtomicLong SEQUENCE = new AtomicLong();

  private final String function;
  private final LongAccumulator count;

  private LateChanges(String function, LongAccumulator count) {
    this.function = function;
    this.count = count;
  }

  /** A counter for one run of {@code merge}, its function registered in {@code spark}. */
  static LateChanges register(SparkSession spark, Merge merge) {
    String function =
        PREFIX
            + merge.id().replaceAll("[^A-Za-z0-9]", "_").toLowerCase(Locale.ROOT)
            + "_"
            + SEQUENCE.incrementAndGet();
    LongAccumulator count = spark.sparkContext().longAccumulator(function);
    spark.udf().register(function, new CountFalse(count), DataTypes.BooleanType);
    return new LateChanges(function, count);
  }

  /** {@code condition}, counting the rows for which it is not true. */
  String counting(String condition) {
    return function + "(" + condition + ")";
  }

  /** How many rows the condition rejected so far. */
  long count() {
    return count.value();
  }

  /** Drops the counting function from {@code spark}. */
  void drop(SparkSession spark) {
    spark.sql("DROP TEMPORARY FUNCTION IF EXISTS " + function);
  }

  private static final class CountFalse implements UDF1<Boolean, Boolean> {
    private static final long serialVersionUID = 1L;
    private final LongAccumulator count;

    CountFalse(LongAccumulator count) {
      this.count = count;
    }

    @Override
    public Boolean call(Boolean condition) {
      if (!Boolean.TRUE.equals(condition)) {
        count.add(1);
      }
      return condition;
    }
  }
}
