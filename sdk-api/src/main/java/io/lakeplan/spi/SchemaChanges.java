package io.lakeplan.spi;

import io.lakeplan.model.JdbcIngestion;
import io.lakeplan.model.KafkaIngestion;
import io.lakeplan.model.Migration;
import io.lakeplan.model.SchemaChangePolicy;
import io.lakeplan.model.TableId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * How a run treats a source whose columns differ from its target's ({@link SchemaChangePolicy}),
 * decided once for every engine: the comparison (by name, ignoring case), the decision, and every
 * text a run fails or reports with. Engines compare before they write anything; what they then add,
 * drop or fill must not differ (the conformance suite compares them).
 *
 * <ul>
 *   <li>A target column the source lacks: a required one fails the run under every policy; an
 *       optional one fails it under {@code fail}, naming it, and is filled with null under {@code
 *       append-new-columns} and {@code ignore} (the summary names it).
 *   <li>A source column the target lacks: {@code fail} fails the run naming it, {@code
 *       append-new-columns} adds it to the target (optional), {@code ignore} drops it; the summary
 *       names what was added or dropped.
 * </ul>
 */
public final class SchemaChanges {

  private final String what;
  private final String source;
  private final TableId target;
  private final SchemaChangePolicy policy;

  private SchemaChanges(String what, String source, TableId target, SchemaChangePolicy policy) {
    this.what = what;
    this.source = source;
    this.target = target;
    this.policy = policy;
  }

  /** The schema changes of a migration's conversion: its input against its target. */
  public static SchemaChanges of(Migration migration) {
    return new SchemaChanges(
        "Migration " + migration.id(),
        "the input",
        migration.target().table(),
        migration.onSchemaChange());
  }

  /** The schema changes of a JDBC ingestion: its source table or query against its target. */
  public static SchemaChanges of(JdbcIngestion ingestion) {
    return new SchemaChanges(
        "Ingestion " + ingestion.id(),
        "the source",
        ingestion.target(),
        ingestion.onSchemaChange());
  }

  /**
   * The schema changes of a Kafka ingestion: its declared columns against its target's columns that
   * no Kafka fact fills ({@link KafkaCoordinates}); fields of a value that are not declared are
   * never read.
   */
  public static SchemaChanges of(KafkaIngestion ingestion) {
    return new SchemaChanges(
        "Kafka ingestion " + ingestion.id(),
        "the declared schema",
        ingestion.target(),
        ingestion.onSchemaChange());
  }

  /**
   * Of a Kafka ingestion's target columns {@code targetColumns}, those its records are expected to
   * fill: the declared ones, and every other column no Kafka fact fills ({@link KafkaCoordinates}).
   */
  public static List<String> kafkaFilled(KafkaIngestion ingestion, List<String> targetColumns) {
    List<String> filled = new ArrayList<>();
    for (String column : targetColumns) {
      boolean declared =
          ingestion.columns().stream().anyMatch(c -> c.name().equalsIgnoreCase(column));
      if (declared || KafkaCoordinates.of(column, ingestion.format(), false) == null) {
        filled.add(column);
      }
    }
    return filled;
  }

  /**
   * What a run does with its source's columns.
   *
   * @param added the source columns the target gains ({@code append-new-columns}), as the source
   *     names them, in source order
   * @param dropped the source columns left out ({@code ignore}), in source order
   * @param filled the optional target columns the source lacks, filled with null, in target order
   * @param source what the source is called in texts ({@code the source}, {@code the input}, {@code
   *     the declared schema})
   */
  public record Decision(
      String source,
      SchemaChangePolicy policy,
      TableId target,
      List<String> added,
      List<String> dropped,
      List<String> filled) {

    /** Whether the source's columns are exactly the target's. */
    public boolean isEmpty() {
      return added.isEmpty() && dropped.isEmpty() && filled.isEmpty();
    }

    /**
     * What the run changed or left out, to end its summary with ({@code "; added columns discount,
     * channel to raw.orders (on-schema-change: append-new-columns)"}); empty when nothing.
     */
    public String summary() {
      StringBuilder summary = new StringBuilder();
      if (!added.isEmpty()) {
        summary
            .append("; added ")
            .append(columns(added))
            .append(" to ")
            .append(target)
            .append(" (on-schema-change: append-new-columns)");
      }
      if (!dropped.isEmpty()) {
        summary
            .append("; dropped source ")
            .append(columns(dropped))
            .append(", not in ")
            .append(target)
            .append(" (on-schema-change: ignore)");
      }
      if (!filled.isEmpty()) {
        summary
            .append("; ")
            .append(target)
            .append(' ')
            .append(columns(filled))
            .append(" not in ")
            .append(source)
            .append(", left null");
      }
      return summary.toString();
    }
  }

  /**
   * Compares the source's columns with the target's and decides, before anything is written.
   *
   * @param sourceColumns the source's column names, in source order
   * @param targetColumns the target's column names the source is expected to fill, in table order
   * @param requiredColumns those of {@code targetColumns} that may not hold null
   * @param failure the engine's task failure for a message
   * @throws RuntimeException from {@code failure} when the source lacks a required column, or has
   *     columns the target lacks under {@code fail}
   */
  public Decision decide(
      List<String> sourceColumns,
      List<String> targetColumns,
      Collection<String> requiredColumns,
      Function<String, ? extends RuntimeException> failure) {
    Set<String> targetNames = lowerCase(targetColumns);
    Set<String> sourceNames = lowerCase(sourceColumns);
    Set<String> required = lowerCase(requiredColumns);
    List<String> extra = new ArrayList<>();
    Set<String> seen = new TreeSet<>();
    for (String column : sourceColumns) {
      String name = column.toLowerCase(Locale.ROOT);
      if (!targetNames.contains(name) && seen.add(name)) {
        extra.add(column);
      }
    }
    List<String> lacking = new ArrayList<>();
    List<String> lackingRequired = new ArrayList<>();
    for (String column : targetColumns) {
      String name = column.toLowerCase(Locale.ROOT);
      if (!sourceNames.contains(name)) {
        (required.contains(name) ? lackingRequired : lacking).add(column);
      }
    }
    if (!lackingRequired.isEmpty()) {
      throw failure.apply(
          what
              + ": "
              + source
              + " lacks "
              + columns(lackingRequired)
              + ", required in "
              + target
              + "; add "
              + (lackingRequired.size() == 1 ? "it" : "them")
              + " to "
              + source
              + ", or make "
              + (lackingRequired.size() == 1 ? "it" : "them")
              + " optional in "
              + target
              + " ("
              + target
              + " unchanged)");
    }
    if (!lacking.isEmpty() && policy == SchemaChangePolicy.FAIL) {
      throw failure.apply(
          what
              + ": "
              + source
              + " lacks "
              + columns(lacking)
              + " of "
              + target
              + "; set on-schema-change: ignore (or append-new-columns) to leave "
              + (lacking.size() == 1 ? "it" : "them")
              + " null, or add "
              + (lacking.size() == 1 ? "it" : "them")
              + " to "
              + source
              + " ("
              + target
              + " unchanged)");
    }
    if (!extra.isEmpty() && policy == SchemaChangePolicy.FAIL) {
      throw failure.apply(
          what
              + ": "
              + source
              + " has columns the target "
              + target
              + " lacks: "
              + String.join(", ", extra)
              + "; set on-schema-change: append-new-columns to add them, or ignore to drop them ("
              + target
              + " unchanged)");
    }
    return new Decision(
        source,
        policy,
        target,
        policy == SchemaChangePolicy.APPEND_NEW_COLUMNS ? List.copyOf(extra) : List.of(),
        policy == SchemaChangePolicy.IGNORE ? List.copyOf(extra) : List.of(),
        List.copyOf(lacking));
  }

  /**
   * Why a column of the source cannot be added to the target: its type has no Lakeplan column type.
   */
  public String unsupportedType(String column, String type) {
    return what
        + ": "
        + source
        + " column "
        + column
        + " has type "
        + type
        + ", which no Lakeplan column type holds, so on-schema-change: append-new-columns cannot add"
        + " it to "
        + target
        + "; cast it in the source, or set on-schema-change: ignore ("
        + target
        + " unchanged)";
  }

  private static String columns(List<String> names) {
    return (names.size() == 1 ? "column " : "columns ") + String.join(", ", names);
  }

  private static Set<String> lowerCase(Collection<String> names) {
    Set<String> lower = new TreeSet<>();
    for (String name : names) {
      lower.add(name.toLowerCase(Locale.ROOT));
    }
    return lower;
  }
}
