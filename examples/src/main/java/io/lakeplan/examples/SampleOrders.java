package io.lakeplan.examples;

import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * The sample orders of the JDBC and Kafka examples, in two waves: the first run of an example reads
 * the first wave; the second wave then changes some of those orders and adds new ones, and the
 * second run reads only that wave.
 */
public final class SampleOrders {
  /** How many orders the first wave creates. */
  public static final int FIRST_WAVE_ORDERS = 8;

  private static final LocalDateTime DAY = LocalDateTime.parse("2026-03-02T09:00:00");

  private SampleOrders() {}

  /**
   * The first wave: orders 1 to {@value #FIRST_WAVE_ORDERS} created a minute apart from 09:00, and
   * orders 1 to 3 paid ten minutes after their creation (so the wave holds two versions of them).
   */
  public static List<OrderChange> firstWave() {
    List<OrderChange> changes = new ArrayList<>();
    for (int id = 1; id <= FIRST_WAVE_ORDERS; id++) {
      changes.add(order(id, "NEW", DAY.plusMinutes(id)));
    }
    for (int id = 1; id <= 3; id++) {
      changes.add(order(id, "PAID", DAY.plusMinutes(id + 10)));
    }
    return List.copyOf(changes);
  }

  /**
   * The second wave, an hour later: orders 1 to 3 shipped, order 4 cancelled, orders 9 and 10 new.
   */
  public static List<OrderChange> secondWave() {
    LocalDateTime later = DAY.plusHours(1);
    List<OrderChange> changes = new ArrayList<>();
    for (int id = 1; id <= 3; id++) {
      changes.add(order(id, "SHIPPED", later.plusMinutes(id)));
    }
    changes.add(order(4, "CANCELLED", later.plusMinutes(4)));
    changes.add(order(FIRST_WAVE_ORDERS + 1, "NEW", later.plusMinutes(5)));
    changes.add(order(FIRST_WAVE_ORDERS + 2, "NEW", later.plusMinutes(6)));
    return List.copyOf(changes);
  }

  /**
   * Order {@code id}'s version with {@code status} at {@code time}; amount ({@code id}0.50) and
   * customer by id.
   */
  private static OrderChange order(long id, String status, LocalDateTime time) {
    return new OrderChange(id, 100 + id % 3, status, BigDecimal.valueOf(id * 1000 + 50, 2), time);
  }
}
