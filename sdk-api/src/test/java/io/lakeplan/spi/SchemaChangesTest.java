package io.lakeplan.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeplan.model.JdbcConnection;
import io.lakeplan.model.JdbcIngestion;
import io.lakeplan.model.SchemaChangePolicy;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SchemaChangesTest {

  private static SchemaChanges jdbc(SchemaChangePolicy policy) {
    return SchemaChanges.of(
        JdbcIngestion.builder()
            .id("orders-jdbc")
            .connection(JdbcConnection.builder().url("jdbc:postgresql://db/sales").build())
            .table("public.orders")
            .target("raw.orders")
            .onSchemaChange(policy)
            .build());
  }

  private static final List<String> TARGET = List.of("id", "status", "note");

  @Test
  void fail_sourceWithColumnsTheTargetLacks_failsNamingThemAndTheFix() {
    assertThatThrownBy(
            () ->
                jdbc(SchemaChangePolicy.FAIL)
                    .decide(
                        List.of("ID", "status", "note", "discount", "channel"),
                        TARGET,
                        Set.of("id"),
                        IllegalStateException::new))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "Ingestion orders-jdbc: the source has columns the target raw.orders lacks:"
                + " discount, channel; set on-schema-change: append-new-columns to add them, or"
                + " ignore to drop them (raw.orders unchanged)");
  }

  @Test
  void everyPolicy_sourceWithoutARequiredColumn_failsNamingIt() {
    for (SchemaChangePolicy policy : SchemaChangePolicy.values()) {
      assertThatThrownBy(
              () ->
                  jdbc(policy)
                      .decide(
                          List.of("status", "extra"),
                          TARGET,
                          Set.of("id"),
                          IllegalStateException::new))
          .as(policy.name())
          .hasMessage(
              "Ingestion orders-jdbc: the source lacks column id, required in raw.orders; add it"
                  + " to the source, or make it optional in raw.orders (raw.orders unchanged)");
    }
  }

  @Test
  void sourceWithoutAnOptionalColumn_failsUnderFail_andIsFilledWithNullOtherwise() {
    assertThatThrownBy(
            () ->
                jdbc(SchemaChangePolicy.FAIL)
                    .decide(
                        List.of("id", "status"), TARGET, Set.of("id"), IllegalStateException::new))
        .hasMessage(
            "Ingestion orders-jdbc: the source lacks column note of raw.orders; set"
                + " on-schema-change: ignore (or append-new-columns) to leave it null, or add it to"
                + " the source (raw.orders unchanged)");
    for (SchemaChangePolicy policy :
        List.of(SchemaChangePolicy.APPEND_NEW_COLUMNS, SchemaChangePolicy.IGNORE)) {
      SchemaChanges.Decision decision =
          jdbc(policy)
              .decide(List.of("id", "status"), TARGET, Set.of("id"), IllegalStateException::new);
      assertThat(decision.filled()).containsExactly("note");
      assertThat(decision.added()).isEmpty();
      assertThat(decision.dropped()).isEmpty();
      assertThat(decision.summary())
          .isEqualTo("; raw.orders column note not in the source, left null");
    }
  }

  @Test
  void appendAndIgnore_nameTheColumnsAddedOrDropped_inSourceOrder() {
    List<String> source = List.of("channel", "id", "status", "note", "discount");
    SchemaChanges.Decision append =
        jdbc(SchemaChangePolicy.APPEND_NEW_COLUMNS)
            .decide(source, TARGET, Set.of("id"), IllegalStateException::new);
    assertThat(append.added()).containsExactly("channel", "discount");
    assertThat(append.summary())
        .isEqualTo(
            "; added columns channel, discount to raw.orders (on-schema-change:"
                + " append-new-columns)");
    SchemaChanges.Decision ignore =
        jdbc(SchemaChangePolicy.IGNORE)
            .decide(source, TARGET, Set.of("id"), IllegalStateException::new);
    assertThat(ignore.dropped()).containsExactly("channel", "discount");
    assertThat(ignore.added()).isEmpty();
    assertThat(ignore.summary())
        .isEqualTo(
            "; dropped source columns channel, discount, not in raw.orders (on-schema-change:"
                + " ignore)");
  }

  @Test
  void sameColumnsInAnotherCase_isNoChange() {
    SchemaChanges.Decision decision =
        jdbc(SchemaChangePolicy.FAIL)
            .decide(
                List.of("NOTE", "Status", "id"), TARGET, Set.of("id"), IllegalStateException::new);
    assertThat(decision.isEmpty()).isTrue();
    assertThat(decision.summary()).isEmpty();
  }
}
