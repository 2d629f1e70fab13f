package io.lakeplan.env;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.util.Map;
import org.immutables.value.Value;

/**
 * The Iceberg catalog every task reads and writes (named {@code lakeplan} in generated SQL).
 *
 * <p>{@code hadoop} (the default): a Hadoop catalog over a warehouse folder, {@code
 * .lakeplan/warehouse} relative to the working directory unless set. {@code glue}: the AWS Glue
 * Data Catalog with Iceberg's S3FileIO; the warehouse is an {@code s3://} location, each namespace
 * (layer: raw, process, analytics, …) is one Glue database of the same name, and every object is
 * written SSE-KMS with the environment's {@link Environment#kmsKey()}.
 */
@Value.Immutable
@JsonSerialize(as = ImmutableCatalogSettings.class)
@JsonDeserialize(as = ImmutableCatalogSettings.class)
public abstract class CatalogSettings {
  /** The kinds of catalog. */
  public enum Type {
    /** Iceberg's Hadoop catalog over a folder (local runs, tests). */
    HADOOP,
    /** Iceberg's GlueCatalog + S3FileIO (AWS). */
    GLUE
  }

  /** The kind of catalog. Default: {@code hadoop}. */
  @Value.Default
  public Type type() {
    return Type.HADOOP;
  }

  /**
   * Where new tables go: a folder (relative to the working directory) or URI for {@code hadoop}, an
   * {@code s3://bucket/prefix} for {@code glue}. Default: {@code .lakeplan/warehouse}.
   */
  @Value.Default
  public String warehouse() {
    return ".lakeplan/warehouse";
  }

  /**
   * Extra Iceberg catalog properties, added after Lakeplan's own (e.g. {@code lock-impl}, {@code
   * glue.skip-archive}); empty by default. Never put credentials here; S3 encryption settings
   * ({@code s3.sse.*}, …) are refused too, as Lakeplan sets them from {@code kms-key}.
   */
  public abstract Map<String, String> properties();

  /** A builder of catalog settings. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link CatalogSettings}; every setter is named after its property. */
  public static final class Builder extends ImmutableCatalogSettings.Builder {}
}
