package io.lakeplan.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

class LakeplanCatalogTest {
  private static final String EXTENSIONS =
      "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions";

  @Test
  void hadoop_localFolder_isAHadoopCatalogWithTheIcebergExtensions() {
    assertThat(LakeplanCatalog.hadoop(Path.of("/tmp/wh")))
        .containsEntry("spark.sql.extensions", EXTENSIONS)
        .containsEntry("spark.sql.catalog.lakeplan", "org.apache.iceberg.spark.SparkCatalog")
        .containsEntry("spark.sql.catalog.lakeplan.type", "hadoop")
        .containsEntry("spark.sql.catalog.lakeplan.warehouse", "file:///tmp/wh");
  }

  @Test
  void glue_isTheGlueCatalogWithS3FileIo() {
    assertThat(LakeplanCatalog.glue("s3://lake/warehouse"))
        .containsEntry("spark.sql.extensions", EXTENSIONS)
        .containsEntry(
            "spark.sql.catalog.lakeplan.catalog-impl", "org.apache.iceberg.aws.glue.GlueCatalog")
        .containsEntry("spark.sql.catalog.lakeplan.io-impl", "org.apache.iceberg.aws.s3.S3FileIO")
        .containsEntry("spark.sql.catalog.lakeplan.warehouse", "s3://lake/warehouse")
        .doesNotContainKey("spark.sql.catalog.lakeplan.type");
  }

  @Test
  void glue_nonS3Warehouse_failsNamingTheFix() {
    assertThatThrownBy(() -> LakeplanCatalog.glue("hdfs://nn/warehouse"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be an s3:// location");
  }

  @Test
  void applyFileSystemDefaults_keepsTheRuntimesSettings_butAlwaysAppliesS3Encryption() {
    Configuration conf = new Configuration(false);
    conf.set("fs.s3.impl", "com.amazon.ws.emr.hadoop.fs.EmrFileSystem");
    conf.set("fs.s3a.encryption.algorithm", "NONE");
    conf.set("fs.s3.enableServerSideEncryption", "false");
    Map<String, String> environment = new LinkedHashMap<>();
    environment.put("fs.s3.impl", "org.apache.hadoop.fs.s3a.S3AFileSystem");
    environment.put("fs.s3a.encryption.algorithm", "SSE-KMS");
    environment.put("fs.s3.enableServerSideEncryption", "true");
    environment.put("fs.s3a.encryption.key", "arn:aws:kms:eu-west-1:123456789012:key/k");
    environment.put("fs.s3a.endpoint.region", "eu-west-1");

    LakeplanCatalog.applyFileSystemDefaults(conf, environment);

    assertThat(conf.get("fs.s3.impl")).isEqualTo("com.amazon.ws.emr.hadoop.fs.EmrFileSystem");
    assertThat(conf.get("fs.s3a.encryption.algorithm")).isEqualTo("SSE-KMS");
    assertThat(conf.get("fs.s3.enableServerSideEncryption")).isEqualTo("true");
    assertThat(conf.get("fs.s3a.encryption.key"))
        .isEqualTo("arn:aws:kms:eu-west-1:123456789012:key/k");
    assertThat(conf.get("fs.s3a.endpoint.region")).isEqualTo("eu-west-1");
  }
}
