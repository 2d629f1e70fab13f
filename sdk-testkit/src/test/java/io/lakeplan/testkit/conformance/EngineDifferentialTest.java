package io.lakeplan.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.testkit.conformance.EngineDifferential.Outcome;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EngineDifferentialTest {

  private static final Outcome SPARK =
      new Outcome(
          Map.of("events", "SUCCEEDED rows=2"),
          Map.of(),
          Map.of(1L, "{d=10.00, id=1}", 2L, "{d=7.00, id=2}"),
          Map.of(3L, "column d: 3 decimals where decimal(10,2) keeps 2"));

  @Test
  void disagreements_ofTheSameOutcome_areNone_andAJsonRoundTripKeepsIt() {
    assertThat(EngineDifferential.disagreements(SPARK, SPARK, List.of(), "Spark", "in memory"))
        .isEmpty();
    assertThat(Outcome.fromJson(SPARK.toJson())).isEqualTo(SPARK);
  }

  @Test
  void disagreements_nameEachRowDeadLetterAndTaskThatDiffers_withBothSidesAndTheInput() {
    Outcome memory =
        new Outcome(
            Map.of("events", "SUCCEEDED rows=1"),
            Map.of(),
            Map.of(1L, "{d=10.00, id=1}"),
            Map.of(
                2L, "column d: not a number (decimal(10,2))",
                3L, "column ts: a date without a time"));
    List<String> inputs = List.of("{0}", "{1}", "{\"id\": 2, \"d\": \"x\"}", "{3}");

    List<String> differences =
        EngineDifferential.disagreements(SPARK, memory, inputs, "Spark", "in memory");

    assertThat(differences)
        .containsExactly(
            "task outcomes\n    Spark: {events=SUCCEEDED rows=2}\n"
                + "    in memory: {events=SUCCEEDED rows=1}",
            "row 2 from {\"id\": 2, \"d\": \"x\"}\n    Spark: {d=7.00, id=2}\n    in memory: null",
            "dead letter at offset 2 from {\"id\": 2, \"d\": \"x\"}\n    Spark: null\n"
                + "    in memory: column d: not a number (decimal(10,2))",
            "dead letter at offset 3 from {3}\n"
                + "    Spark: column d: 3 decimals where decimal(10,2) keeps 2\n"
                + "    in memory: column ts: a date without a time");
  }
}
