package io.lakeplan.aws.glue;

import io.lakeplan.env.CatalogSettings;
import io.lakeplan.env.Environment;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Iceberg catalog properties of an environment's {@code glue} catalog: Iceberg's {@code
 * GlueCatalog} with {@code S3FileIO} (from {@code iceberg-aws}, beside the job's AWS SDK v2), the
 * S3 warehouse, the region, the endpoint override (path-style S3 with it), SSE-KMS on every object
 * S3FileIO writes ({@code s3.sse.type=kms} with the environment's {@code kms-key}, which an AWS
 * environment must name; S3 encryption settings in its catalog properties are refused), and time
 * limits on the Apache HTTP client. Each namespace (layer) is a Glue database of the same name.
 *
 * <p>Iceberg's GlueCatalog guards commits with Glue's optimistic {@code VersionId} check; the
 * emulator used in tests (moto) ignores it, so the tests do not prove concurrent commits.
 */
public final class GlueCatalogProperties {
  /** Iceberg's Glue catalog implementation. */
  public static final String GLUE_CATALOG = "org.apache.iceberg.aws.glue.GlueCatalog";

  /** Iceberg's S3 file IO. */
  public static final String S3_FILE_IO = "org.apache.iceberg.aws.s3.S3FileIO";

  private GlueCatalogProperties() {}

  /**
   * The properties of {@code environment}'s catalog.
   *
   * @throws IllegalArgumentException when the environment's catalog is not {@code glue}
   */
  public static Map<String, String> of(Environment environment) {
    if (environment.catalog().type() != CatalogSettings.Type.GLUE) {
      throw new IllegalArgumentException(
          "Environment " + environment.name() + " has no glue catalog");
    }
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("catalog-impl", GLUE_CATALOG);
    properties.put("io-impl", S3_FILE_IO);
    properties.put("warehouse", environment.catalog().warehouse());
    if (environment.region() != null) {
      properties.put("client.region", environment.region());
    }
    if (environment.endpointOverride() != null) {
      properties.put("glue.endpoint", environment.endpointOverride());
      properties.put("s3.endpoint", environment.endpointOverride());
      properties.put("kms.endpoint", environment.endpointOverride());
      properties.put("dynamodb.endpoint", environment.endpointOverride());
      properties.put("s3.path-style-access", "true");
    }
    properties.put("s3.sse.type", "kms");
    if (environment.kmsKey() != null) {
      properties.put("s3.sse.key", environment.kmsKey());
    }
    properties.put("http-client.type", "apache");
    properties.put("http-client.apache.connection-timeout-ms", "5000");
    properties.put("http-client.apache.socket-timeout-ms", "60000");
    return properties;
  }
}
