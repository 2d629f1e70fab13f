package io.lakeplan.spi;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.model.Merge;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MergesTest {

  private static final Merge MERGE =
      Merge.builder()
          .id("orders_merge")
          .source("raw.orders")
          .target("process.orders")
          .addKey("region")
          .addKey("order_id")
          .build();

  private record File(long sequenceNumber, String path) {}

  @Test
  void arrivalOrder_sortsBySequenceNumberThenPath() {
    File first = new File(1, "s3://lake/raw/orders/data/zz.parquet");
    File secondA = new File(2, "s3://lake/raw/orders/data/aa.parquet");
    File secondB = new File(2, "s3://lake/raw/orders/data/bb.parquet");
    List<File> files = new ArrayList<>(List.of(secondB, first, secondA));

    files.sort(Merges.arrivalOrder(File::sequenceNumber, File::path));

    assertThat(files).containsExactly(first, secondA, secondB);
  }

  @Test
  void compareVersions_firstDifferingColumnDecides_andNullIsOlderThanAnyValue() {
    java.util.Comparator<Object> natural = (a, b) -> ((Integer) a).compareTo((Integer) b);

    assertThat(Merges.compareVersions(List.of(2, 1), List.of(1, 9), natural)).isPositive();
    assertThat(Merges.compareVersions(List.of(1, 1), List.of(1, 2), natural)).isNegative();
    assertThat(Merges.compareVersions(List.of(1, 2), List.of(1, 2), natural)).isZero();
    assertThat(Merges.compareVersions(java.util.Arrays.asList(null, 9), List.of(0, 0), natural))
        .isNegative();
    assertThat(Merges.compareVersions(java.util.Arrays.asList(1, null), List.of(1, 0), natural))
        .isNegative();
    assertThat(
            Merges.compareVersions(
                java.util.Arrays.asList(1, null), java.util.Arrays.asList(1, null), natural))
        .isZero();
  }

  @Test
  void nullKeys_oneColumn_namesMergeRowsColumnAndFix() {
    assertThat(Merges.nullKeys(MERGE, 3, List.of("order_id")))
        .isEqualTo(
            "Merge orders_merge: 3 source rows of raw.orders have no value for key column"
                + " order_id; a key identifies a row, so fill it upstream or filter those rows out"
                + " of raw.orders (process.orders unchanged)");
  }

  @Test
  void nullKeys_oneRowSeveralColumns_saysRowAndListsTheColumns() {
    assertThat(Merges.nullKeys(MERGE, 1, List.of("region", "order_id")))
        .startsWith(
            "Merge orders_merge: 1 source row of raw.orders has no value for key columns region"
                + " or order_id; ");
  }
}
