package io.lakeplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.env.CatalogSettings;
import io.lakeplan.env.Environment;
import io.lakeplan.env.Environments;
import io.lakeplan.testkit.moto.MotoExtension;
import io.lakeplan.testkit.moto.MotoServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code bin/lakeplan run --env FILE} on the emulated AWS (moto), as a user runs it: a warehouse
 * bucket that does not exist fails the task on one line of the command's output naming the bucket
 * and what to check, with exit code 1; once the bucket exists the same command creates the table in
 * Glue.
 */
@ExtendWith(MotoExtension.class)
class RunOnAwsIT {
  private static final Path ROOT = Path.of(System.getProperty("lakeplan.root", ".."));
  private static final String BUCKET = "cli-lake";

  @TempDir Path work;

  /** A finished {@code bin/lakeplan} process: exit code and its interleaved stdout and stderr. */
  private record Launch(int exitCode, String out) {}

  private Launch launch(MotoServer moto, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(ROOT.resolve("bin/lakeplan").toString());
    command.addAll(List.of(args));
    Path log = Files.createTempFile(work, "launch", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    // the child's AWS SDK (default credential chain, AWS_ENDPOINT_URL) points at the emulator too
    builder.environment().putAll(moto.childEnvironment());
    Process process = builder.start();
    if (!process.waitFor(10, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("bin/lakeplan did not finish in 10 minutes");
    }
    return new Launch(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }

  @Test
  void run_withAMissingWarehouseBucket_printsOneLineNamingIt_andRunsOnceItExists(MotoServer moto)
      throws Exception {
    Path environmentFile = work.resolve("moto.yaml");
    String kmsKey;
    try (KmsClient kms = MotoClientsCli.client(KmsClient.builder(), moto)) {
      kmsKey = kms.createKey(b -> b.description("lakeplan cli test")).keyMetadata().arn();
    }
    Files.writeString(
        environmentFile,
        Environments.toYaml(
            Environment.builder()
                .name("moto")
                .region(MotoServer.REGION)
                .endpointOverride(moto.endpoint().toString())
                .catalog(
                    CatalogSettings.builder()
                        .type(CatalogSettings.Type.GLUE)
                        .warehouse("s3://" + BUCKET + "/warehouse")
                        .build())
                .watermarks("dynamodb:cli-watermarks")
                .kmsKey(kmsKey)
                .build()));
    Path spec = work.resolve("cli.yaml");
    Files.writeString(
        spec,
        String.join(
            "\n",
            "api-version: lakeplan/v1",
            "name: cli",
            "owner: it@example.com",
            "schedule: '@daily'",
            // one attempt: the failure line, not a retry five minutes later, is what is checked
            "retries: 0",
            "tables:",
            "  - table: raw.cli_orders",
            "    columns:",
            "      - {name: order_id, type: long, required: true}",
            ""));

    Launch failed = launch(moto, "run", spec.toString(), "--env", environmentFile.toString());

    assertThat(failed.exitCode()).as(failed.out()).isEqualTo(1);
    Matcher line =
        Pattern.compile("(?m)^\\[1/1\\] \\S+ FAILED in [0-9.]+ s — (.*)$").matcher(failed.out());
    assertThat(line.find()).as(failed.out()).isTrue();
    assertThat(line.group(1))
        .isEqualTo(
            "S3 bucket "
                + BUCKET
                + " (region "
                + MotoServer.REGION
                + ") does not exist: create it, or fix catalog.warehouse or the use case's"
                + " landing location (and check the region and endpoint-override)");

    try (S3Client s3 = MotoClientsCli.client(S3Client.builder().forcePathStyle(true), moto)) {
      s3.createBucket(b -> b.bucket(BUCKET));
    }
    Launch rerun = launch(moto, "run", spec.toString(), "--env", environmentFile.toString());

    assertThat(rerun.exitCode()).as(rerun.out()).isZero();
    assertThat(rerun.out()).containsPattern("(?m)^\\[1/1\\] \\S+ SUCCEEDED in [0-9.]+ s — ");
    try (GlueClient glue = MotoClientsCli.client(GlueClient.builder(), moto)) {
      assertThat(
              glue.getTable(b -> b.databaseName("raw").name("cli_orders"))
                  .table()
                  .parameters()
                  .get("metadata_location"))
          .startsWith("s3://" + BUCKET + "/warehouse/");
    }
  }
}
