package io.lakeplan.testkit.internal;

import io.lakeplan.spi.ValueRuleException;
import io.lakeplan.spi.ValueRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;

/**
 * The values of one batch that their target columns refuse ({@link ValueRules}), by column: how
 * many, and the least of them (as the Spark engine's check takes {@code min}), whose problem the
 * failure quotes — so both engines name the same problem for the same input.
 */
final class Refusals {
  private final Schema target;
  private final Map<Integer, Column> byPosition = new TreeMap<>();
  private long count;

  private static final class Column {
    long count;
    Object least;
  }

  Refusals(Schema target) {
    this.target = target;
  }

  /** Notes that column {@code position} of the target refused {@code value}. */
  synchronized void add(int position, Object value) {
    Column column = byPosition.computeIfAbsent(position, ignored -> new Column());
    column.count++;
    count++;
    if (column.least == null || less(value, column.least)) {
      column.least = value;
    }
  }

  /** Adds what {@code other} counted (for the same target). */
  synchronized void addAll(Refusals other) {
    synchronized (other) {
      other.byPosition.forEach(
          (position, column) -> {
            Column mine = byPosition.computeIfAbsent(position, ignored -> new Column());
            mine.count += column.count;
            count += column.count;
            if (mine.least == null || less(column.least, mine.least)) {
              mine.least = column.least;
            }
          });
    }
  }

  synchronized long count() {
    return count;
  }

  /** Fails the task, before anything is written, when a value was refused. */
  synchronized void failIfAny(String what) {
    if (byPosition.isEmpty()) {
      return;
    }
    List<ValueRules.Refusal> refusals = new ArrayList<>();
    byPosition.forEach(
        (position, column) -> {
          Types.NestedField field = target.columns().get(position);
          refusals.add(
              new ValueRules.Refusal(field.name(), column.count, problem(field, column.least)));
        });
    throw new Refused(ValueRules.refused(what, refusals), this);
  }

  /** The task failure of refused values, with the count behind it. */
  static final class Refused extends TaskFailure {
    private static final long serialVersionUID = 1L;
    private final transient Refusals refusals;

    Refused(String message, Refusals refusals) {
      super(message);
      this.refusals = refusals;
    }

    Refusals refusals() {
      return refusals;
    }
  }

  private static String problem(Types.NestedField field, Object value) {
    try {
      Values.convert(field.type(), value);
    } catch (ValueRuleException e) {
      return e.problem();
    }
    throw new IllegalStateException("Value refused once and accepted later: " + field.name());
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static boolean less(Object value, Object least) {
    return value instanceof Comparable comparable
        && value.getClass() == least.getClass()
        && comparable.compareTo(least) < 0;
  }
}
