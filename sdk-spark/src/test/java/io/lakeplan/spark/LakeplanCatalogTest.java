package io.lakeplan.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
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
}
