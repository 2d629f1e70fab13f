package io.lakeplan.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.testkit.moto.MotoExtension;
import io.lakeplan.testkit.moto.MotoServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.s3.S3Client;

/** The emulator the AWS tests share: one per JVM, on loopback, reset on demand and per class. */
@ExtendWith(MotoExtension.class)
class MotoExtensionIT {

  @Test
  void server_isOnLoopback_andResetForgetsEverything(MotoServer moto) {
    assertThat(moto.endpoint().getHost()).isEqualTo("127.0.0.1");
    assertThat(ProcessHandle.of(moto.pid()))
        .hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());
    try (S3Client s3 = MotoClients.of(moto).s3()) {
      s3.createBucket(b -> b.bucket("lakeplan-reset-check"));
      assertThat(s3.listBuckets().buckets())
          .extracting(b -> b.name())
          .contains("lakeplan-reset-check");

      moto.reset();

      assertThat(s3.listBuckets().buckets()).isEmpty();
    }
  }

  @Test
  void sdkDefaults_pointAtTheEmulator(MotoServer moto) {
    // a client built with no endpoint, region or credentials still lands on moto
    try (S3Client s3 = S3Client.builder().forcePathStyle(true).build()) {
      s3.createBucket(b -> b.bucket("lakeplan-defaults-check"));
    }
    try (S3Client s3 = MotoClients.of(moto).s3()) {
      assertThat(s3.listBuckets().buckets())
          .extracting(b -> b.name())
          .contains("lakeplan-defaults-check");
    }
  }

  @Test
  void close_stopsTheServerByItsProcessId() {
    MotoServer other = MotoServer.start(MotoExtension.executable());
    long pid = other.pid();

    other.close();

    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive))
        .isNotEqualTo(java.util.Optional.of(true));
  }
}
