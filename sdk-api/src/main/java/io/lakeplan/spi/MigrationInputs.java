package io.lakeplan.spi;

import io.lakeplan.model.Migration;
import io.lakeplan.model.TableId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * What every engine decides and says the same way when a migration's conversion runs again.
 *
 * <p>A conversion records the fingerprint of the input it converted ({@link
 * CommitProperties#migrationSource}) on its snapshot and as a table property. A re-run whose input
 * has the same fingerprint changes nothing, so rows other writers added since (an ingestion, a
 * merge) and rows a hard delete removed stay as they are. A REWRITE whose input changed overwrites
 * its partitions only while nothing but maintenance rewrites committed to the table since the last
 * conversion; otherwise it refuses before writing. ADD_FILES registers a folder once: a folder that
 * changed after it was added is refused. Reconciliation and the watermark read the table as the
 * conversion left it, so a re-run after ingestions passes.
 */
public final class MigrationInputs {

  private MigrationInputs() {}

  /**
   * The fingerprint of an input: {@code files=3;sha256=…} over its files' descriptions (each file's
   * path relative to the input, size and modification time, or what the engine knows of it), in any
   * order.
   */
  public static String fingerprint(Collection<String> files) {
    List<String> sorted = new ArrayList<>(files);
    sorted.sort(null);
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
    for (String file : sorted) {
      digest.update(file.getBytes(StandardCharsets.UTF_8));
      digest.update((byte) '\n');
    }
    return "files="
        + sorted.size()
        + ";sha256="
        + HexFormat.of().formatHex(digest.digest()).substring(0, 32);
  }

  /** The number of files a fingerprint describes, as written in it; -1 when unreadable. */
  static long files(String fingerprint) {
    if (fingerprint == null || !fingerprint.startsWith("files=")) {
      return -1;
    }
    int end = fingerprint.indexOf(';');
    try {
      return Long.parseLong(
          fingerprint.substring("files=".length(), end < 0 ? fingerprint.length() : end));
    } catch (NumberFormatException | IndexOutOfBoundsException e) {
      return -1;
    }
  }

  /** The summary of a conversion that found its input as it converted it last time. */
  public static String unchanged(Migration migration, String location, String fingerprint) {
    return "input "
        + location
        + " of migration "
        + migration.id()
        + " unchanged since it was converted into "
        + migration.target().table()
        + " ("
        + files(fingerprint)
        + " files); nothing to do";
  }

  /**
   * Why a REWRITE of a changed input is refused: {@code writes} (e.g. {@code append (snapshot 42)})
   * committed to the table since the last conversion, or its history is gone ({@code writes}
   * empty).
   */
  public static String overwriteRefused(Migration migration, TableId table, List<String> writes) {
    return "The input of migration "
        + migration.id()
        + " changed since it was converted into "
        + table
        + (writes.isEmpty()
            ? ", and the snapshot of that conversion has expired, so Lakeplan cannot tell which"
                + " rows other writers added since"
            : ", and other writes committed to the table since ("
                + String.join(", ", writes.size() > 5 ? writes.subList(0, 5) : writes)
                + (writes.size() > 5 ? ", " + (writes.size() - 5) + " more" : "")
                + ")")
        + "; converting again would overwrite the rows they wrote or bring back rows they"
        + " deleted. Table unchanged. Bring the changed rows in through an ingestion, or drop"
        + " the table and run the migration from the start";
  }

  /** Why ADD_FILES is refused for a folder whose files changed after they were added. */
  public static String addedFolderChanged(
      Migration migration, String location, String recorded, String now) {
    return "The files of "
        + location
        + " changed since migration "
        + migration.id()
        + " added them to "
        + migration.target().table()
        + " ("
        + files(recorded)
        + " files then, "
        + files(now)
        + " now); ADD_FILES registers a folder once, so nothing was added. Put new files in a"
        + " new folder for another migration, or use mode rewrite";
  }

  /**
   * One snapshot of a table as the engines describe it to {@link #history}: its id, Iceberg
   * operation ({@code append}, {@code overwrite}, {@code delete}, {@code replace}) and summary.
   */
  public record Snapshot(long id, String operation, Map<String, String> summary) {}

  /**
   * What a table's history says about migration {@code migrationId}'s last conversion.
   *
   * @param newestFirst the current snapshot and its ancestors, newest first
   * @param tableProperty the table property {@link CommitProperties#migrationSource}, or null
   */
  public static History history(
      String migrationId, List<Snapshot> newestFirst, String tableProperty) {
    String key = CommitProperties.migrationSource(migrationId);
    Snapshot conversion = null;
    List<String> writes = new ArrayList<>();
    for (Snapshot snapshot : newestFirst) {
      // a rewrite (compaction) carries Lakeplan's summary properties forward and keeps the rows
      if ("replace".equals(snapshot.operation())) {
        continue;
      }
      if (snapshot.summary() != null && snapshot.summary().get(key) != null) {
        conversion = snapshot;
        break;
      }
      writes.add(snapshot.operation() + " (snapshot " + snapshot.id() + ")");
    }
    String recorded = conversion != null ? conversion.summary().get(key) : tableProperty;
    return new History(recorded, conversion == null ? null : conversion.id(), List.copyOf(writes));
  }

  /**
   * A migration's last conversion.
   *
   * @param recorded the fingerprint last converted, or null when it never converted into the table
   * @param conversionSnapshot the conversion's snapshot, or null when the history lacks it
   * @param writesSince commits after it (all of them without one) that changed rows, newest first
   */
  public record History(String recorded, Long conversionSnapshot, List<String> writesSince) {

    /** Whether a REWRITE of a changed input would overwrite or bring back other writers' rows. */
    public boolean overwriteUnsafe() {
      return !writesSince.isEmpty() || (conversionSnapshot == null && recorded != null);
    }
  }
}
