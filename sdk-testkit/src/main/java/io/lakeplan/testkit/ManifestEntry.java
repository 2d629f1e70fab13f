package io.lakeplan.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * One entry of an Iceberg manifest, live or deleted, as the manifest file itself holds it: read
 * with plain Avro, not with Iceberg's manifest readers (which skip the entries of removed files),
 * so a test can check what a table's metadata still says about files it no longer reads — the
 * column bounds of a removed file are values of the rows it held.
 *
 * @param snapshotId the retained snapshot that reaches the manifest (an entry appears once per
 *     snapshot that reaches it)
 * @param manifest the manifest file's location
 * @param status whether the entry adds, keeps or removes its file
 * @param content what the file holds: data, position deletes or equality deletes
 * @param file the data or delete file's location
 * @param lowerBounds the file's lower bound per column name, with the Java types of {@link
 *     io.lakeplan.testkit.conformance.ConformanceSession} rows ({@code LocalDateTime} for {@code
 *     timestamp}, {@code Instant} for {@code timestamptz}, {@code LocalDate}, {@code String}, …);
 *     empty when the manifest records none
 * @param upperBounds the file's upper bound per column name, typed as {@code lowerBounds}
 */
public record ManifestEntry(
    long snapshotId,
    String manifest,
    Status status,
    Content content,
    String file,
    Map<String, Object> lowerBounds,
    Map<String, Object> upperBounds) {

  /** An entry's status, as the Iceberg spec numbers them. */
  public enum Status {
    /** The file was in the table before the manifest's snapshot (0). */
    EXISTING,
    /** The manifest's snapshot added the file (1). */
    ADDED,
    /** The manifest's snapshot removed the file (2): the table no longer reads it. */
    DELETED
  }

  /** What an entry's file holds, as the Iceberg spec numbers it. */
  public enum Content {
    /** Rows (0). */
    DATA,
    /** Positions of deleted rows (1). */
    POSITION_DELETES,
    /** Values of deleted rows' equality columns (2). */
    EQUALITY_DELETES
  }

  public ManifestEntry {
    lowerBounds = Collections.unmodifiableMap(new LinkedHashMap<>(lowerBounds));
    upperBounds = Collections.unmodifiableMap(new LinkedHashMap<>(upperBounds));
  }

  /**
   * Every entry of every manifest (data and delete manifests) reachable from every snapshot {@code
   * table} retains, in snapshot, manifest and file order, read from the manifest files through the
   * table's file IO.
   *
   * @throws UncheckedIOException when a manifest cannot be read
   */
  public static List<ManifestEntry> readAll(Table table) {
    Map<String, List<ManifestEntry>> byManifest = new HashMap<>();
    List<ManifestEntry> entries = new ArrayList<>();
    for (Snapshot snapshot : table.snapshots()) {
      for (ManifestFile manifest : snapshot.allManifests(table.io())) {
        for (ManifestEntry entry :
            byManifest.computeIfAbsent(manifest.path(), path -> read(table, path))) {
          entries.add(
              new ManifestEntry(
                  snapshot.snapshotId(),
                  entry.manifest(),
                  entry.status(),
                  entry.content(),
                  entry.file(),
                  entry.lowerBounds(),
                  entry.upperBounds()));
        }
      }
    }
    return entries;
  }

  /** The entries of one manifest file (snapshot id -1: not yet attributed). */
  private static List<ManifestEntry> read(Table table, String manifest) {
    List<ManifestEntry> entries = new ArrayList<>();
    try (InputStream in = table.io().newInputFile(manifest).newStream();
        DataFileStream<GenericRecord> records =
            new DataFileStream<>(in, new GenericDatumReader<>())) {
      for (GenericRecord record : records) {
        GenericRecord file = (GenericRecord) record.get("data_file");
        Object content = file.hasField("content") ? file.get("content") : null;
        entries.add(
            new ManifestEntry(
                -1,
                manifest,
                Status.values()[((Number) record.get("status")).intValue()],
                content == null ? Content.DATA : Content.values()[((Number) content).intValue()],
                file.get("file_path").toString(),
                bounds(table, file.get("lower_bounds")),
                bounds(table, file.get("upper_bounds"))));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read manifest " + manifest, e);
    }
    return entries;
  }

  /** A bounds map as Avro holds it (an array of key/value records, int keys) by column name. */
  private static Map<String, Object> bounds(Table table, Object avro) {
    Map<String, Object> bounds = new LinkedHashMap<>();
    if (!(avro instanceof List<?> pairs)) {
      return bounds;
    }
    for (Object pair : pairs) {
      GenericRecord keyValue = (GenericRecord) pair;
      int fieldId = ((Number) keyValue.get("key")).intValue();
      ByteBuffer value = ((ByteBuffer) keyValue.get("value")).duplicate();
      Types.NestedField field = null;
      String name = null;
      for (Schema schema : schemasNewestFirst(table)) {
        field = schema.findField(fieldId);
        if (field != null) {
          name = schema.findColumnName(fieldId);
          break;
        }
      }
      if (field == null) {
        bounds.put("#" + fieldId, value);
      } else {
        bounds.put(name, javaValue(field.type(), Conversions.fromByteBuffer(field.type(), value)));
      }
    }
    return bounds;
  }

  private static List<Schema> schemasNewestFirst(Table table) {
    List<Schema> schemas = new ArrayList<>();
    schemas.add(table.schema());
    table.schemas().entrySet().stream()
        .sorted(Map.Entry.<Integer, Schema>comparingByKey().reversed())
        .forEach(entry -> schemas.add(entry.getValue()));
    return schemas;
  }

  private static Object javaValue(Type type, Object value) {
    if (value == null) {
      return null;
    }
    switch (type.typeId()) {
      case TIMESTAMP:
        Instant instant = Instant.EPOCH.plus((Long) value, ChronoUnit.MICROS);
        return ((Types.TimestampType) type).shouldAdjustToUTC()
            ? instant
            : LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
      case DATE:
        return LocalDate.ofEpochDay((Integer) value);
      case STRING:
        return value.toString();
      default:
        return value;
    }
  }
}
