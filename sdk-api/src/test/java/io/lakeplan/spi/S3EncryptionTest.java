package io.lakeplan.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class S3EncryptionTest {

  @Test
  void isEncryptionSetting_everyS3EncryptionKeyOfIcebergS3aAndEmrfs_withOrWithoutAPrefix() {
    List<String> settings =
        List.of(
            "s3.sse.type",
            "s3.sse.key",
            "spark.sql.catalog.lakeplan.s3.sse.type",
            "fs.s3a.encryption.algorithm",
            "fs.s3a.encryption.key",
            "fs.s3a.server-side-encryption-algorithm",
            "fs.s3a.bucket.lake.encryption.algorithm",
            "spark.hadoop.fs.s3a.encryption.algorithm",
            "hadoop.fs.s3a.encryption.algorithm",
            "fs.s3.enableServerSideEncryption",
            "fs.s3.serverSideEncryption.kms.keyId",
            "fs.s3.cse.enabled",
            "FS.S3A.ENCRYPTION.ALGORITHM");
    assertThat(settings).allMatch(S3Encryption::isEncryptionSetting);
    assertThat(
            List.of(
                "spark.io.encryption.enabled",
                "spark.executor.memory",
                "s3.endpoint",
                "fs.s3a.path.style.access",
                "glue.skip-archive"))
        .noneMatch(S3Encryption::isEncryptionSetting);
    assertThat(S3Encryption.isEncryptionSetting(null)).isFalse();
  }

  @Test
  void encryptionSettings_ofSparkSubmitParameters_areTheConfKeysInOrder() {
    assertThat(
            S3Encryption.encryptionSettings(
                "--conf spark.executor.memory=4g --conf spark.hadoop.fs.s3a.encryption.algorithm=NONE"
                    + " --conf=spark.sql.catalog.lakeplan.s3.sse.type=none"
                    + " --conf 'spark.hadoop.fs.s3.enableServerSideEncryption=false'"
                    + " --conf spark.io.encryption.enabled=true"))
        .containsExactly(
            "spark.hadoop.fs.s3a.encryption.algorithm",
            "spark.sql.catalog.lakeplan.s3.sse.type",
            "spark.hadoop.fs.s3.enableServerSideEncryption");
    assertThat(S3Encryption.encryptionSettings((String) null)).isEmpty();
    assertThat(S3Encryption.encryptionSettings("--conf spark.executor.cores=2")).isEmpty();
  }

  @Test
  void encryptionSettings_ofProperties_areTheEncryptionKeysOnly() {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("glue.skip-archive", "true");
    properties.put("s3.sse.type", "none");
    assertThat(S3Encryption.encryptionSettings(properties)).containsExactly("s3.sse.type");
    assertThat(S3Encryption.problem("catalog.properties", "s3.sse.type"))
        .isEqualTo(
            "catalog.properties: s3.sse.type configures S3 encryption (" + S3Encryption.FIX + ")");
  }
}
