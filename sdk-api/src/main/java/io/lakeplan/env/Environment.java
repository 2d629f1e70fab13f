package io.lakeplan.env;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.lakeplan.model.SecretRef;
import io.lakeplan.spi.S3Encryption;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.immutables.value.Value;

/**
 * Where a plan runs: one typed, YAML-round-trippable file read by every entry point ({@code
 * lakeplan run --env}, {@code JobMain --env}, {@code lakeplan render airflow --env}). With no file,
 * {@link #local()} applies: a Hadoop catalog under {@code .lakeplan/warehouse}, watermarks in
 * {@code .lakeplan/watermarks}, secrets from environment variables.
 *
 * <pre>{@code
 * name: prod
 * region: eu-west-1
 * catalog:
 *   type: glue
 *   warehouse: s3://acme-lake/warehouse
 * watermarks: dynamodb:lakeplan-watermarks
 * secret-providers: [env, secretsmanager, ssm]
 * kms-key: arn:aws:kms:eu-west-1:123456789012:key/1234abcd-...
 * notifications:
 *   default-sns-topic-arn: arn:aws:sns:eu-west-1:123456789012:lake
 * airflow:
 *   emr-application-id: 00fexampleapp01
 *   job-jar: s3://acme-artifacts/lakeplan/lakeplan-job.jar
 * deploy:
 *   dags-location: s3://acme-mwaa/dags/
 * }</pre>
 *
 * <p>Read with {@link Environments#read(String, String)}: unknown keys and bad values are problems
 * with their path and {@code file:line:col}, like use cases. The file holds no secret values:
 * credentials come from the runtime (the job role on EMR, the default AWS credential chain
 * elsewhere) and secrets are references resolved when a task runs.
 */
@Value.Immutable
@JsonSerialize(as = ImmutableEnvironment.class)
@JsonDeserialize(as = ImmutableEnvironment.class)
public abstract class Environment {
  private static final Pattern STORE = Pattern.compile("(file|dynamodb):.+");
  private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d");
  private static final Pattern KMS_KEY_ARN =
      Pattern.compile("arn:aws[a-z-]*:kms:[a-z0-9-]+:\\d{12}:key/[A-Za-z0-9-]+");

  /** How a problem tells the reader to write {@link #kmsKey()}. */
  static final String KMS_KEY_FORM =
      "the ARN of a KMS key, e.g. arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

  /** The environment's name, shown in logs and run reports. Default: {@code local}. */
  @Value.Default
  public String name() {
    return "local";
  }

  /**
   * The AWS region of every AWS service the SDK calls (e.g. {@code eu-west-1}); null (the default)
   * uses the region of the runtime (the {@code AWS_REGION} of the job, or the SDK's default chain).
   */
  public abstract String region();

  /**
   * One endpoint for every AWS service, e.g. {@code http://127.0.0.1:5000} for an emulator or a
   * proxy; null (the default) uses AWS's own endpoints. With it, S3 is addressed path-style.
   */
  public abstract String endpointOverride();

  /**
   * The Iceberg catalog and warehouse. Default: a Hadoop catalog in {@code .lakeplan/warehouse}.
   */
  @Value.Default
  public CatalogSettings catalog() {
    return CatalogSettings.builder().build();
  }

  /**
   * Where watermarks live between runs, as {@code scheme:location}: {@code file:DIR} (a folder,
   * relative to the working directory) or {@code dynamodb:TABLE} (a DynamoDB table, created on
   * first use with encryption at rest and on-demand billing). Default: {@code
   * file:.lakeplan/watermarks}.
   */
  @Value.Default
  public String watermarks() {
    return "file:.lakeplan/watermarks";
  }

  /**
   * The secret stores a task may read references from. Default: {@code [env]}; an AWS environment
   * adds {@code secretsmanager} and {@code ssm}. A reference to a store not listed fails the task,
   * naming the reference.
   */
  @Value.Default
  public List<SecretRef.Provider> secretProviders() {
    return List.of(SecretRef.Provider.ENV);
  }

  /**
   * The ARN of the KMS key ({@code arn:aws:kms:REGION:ACCOUNT:key/ID}) that encrypts everything the
   * SDK writes on AWS: every S3 object (SSE-KMS: Iceberg data, metadata and manifests, landing
   * copies, checkpoints, the staged plan and environment files, deployed artifacts), the DynamoDB
   * watermark table, and the EMR Serverless job logs. Required by an environment that {@link
   * #usesAws() uses AWS}, and by runs on EMR Serverless and {@code lakeplan deploy}; a key ARN
   * rather than an alias or key id, because EMR Serverless takes only an ARN for its logs. Null
   * (the default) suits local environments only.
   */
  public abstract String kmsKey();

  /** Notification channels used where a use case names none. */
  @Value.Default
  public Notifications notifications() {
    return Notifications.builder().build();
  }

  /** How rendered Airflow DAGs reach EMR Serverless and DataSync (MWAA). */
  @Value.Default
  public AirflowSettings airflow() {
    return AirflowSettings.defaults();
  }

  /**
   * Where {@code lakeplan deploy} uploads the DAG files, and the local job jar it uploads. Default:
   * no DAG folder (deploy refuses to run, naming {@code deploy.dags-location}).
   */
  @Value.Default
  public DeploySettings deploy() {
    return DeploySettings.builder().build();
  }

  /**
   * The DataSync agents, name nodes and landing role of migrations' copies, which {@code lakeplan
   * deploy} turns into DataSync locations and tasks. Default: no agents, nothing deployed.
   */
  @Value.Default
  public DataSyncSettings dataSync() {
    return DataSyncSettings.builder().build();
  }

  /**
   * The account and roles of the IAM policies generated from a plan ({@code lakeplan iam}) and put
   * on the roles by {@code lakeplan deploy}. Default: none set (account from the execution role's
   * ARN, no role touched by deploy).
   */
  @Value.Default
  public IamSettings iam() {
    return IamSettings.builder().build();
  }

  /** The scheme of {@link #watermarks()}: {@code file} or {@code dynamodb}. */
  @JsonIgnore
  @Value.Derived
  public String watermarkScheme() {
    String store = watermarks();
    int colon = store == null ? -1 : store.indexOf(':');
    return colon < 0 ? "" : store.substring(0, colon);
  }

  /** The location part of {@link #watermarks()}: the folder or the table name. */
  @JsonIgnore
  @Value.Derived
  public String watermarkLocation() {
    String store = watermarks();
    int colon = store == null ? -1 : store.indexOf(':');
    return colon < 0 ? "" : store.substring(colon + 1);
  }

  /**
   * Whether the environment names an AWS resource, so the AWS runtime must be on the class path.
   */
  @JsonIgnore
  @Value.Derived
  public boolean usesAws() {
    return catalog().type() == CatalogSettings.Type.GLUE
        || "dynamodb".equals(watermarkScheme())
        || secretProviders().contains(SecretRef.Provider.SECRETSMANAGER)
        || secretProviders().contains(SecretRef.Provider.SSM);
  }

  /**
   * Checks the values.
   *
   * @throws IllegalArgumentException listing every invalid value and how to fix it
   */
  @Value.Check
  protected void check() {
    List<String> problems = new ArrayList<>();
    if (name() == null || name().isBlank()) {
      problems.add("name: '" + name() + "' (must not be blank; leave it out for 'local')");
    }
    if (region() != null && !REGION.matcher(region()).matches()) {
      problems.add("region: '" + region() + "' (an AWS region such as eu-west-1)");
    }
    if (endpointOverride() != null) {
      try {
        URI uri = new URI(endpointOverride());
        if (uri.getHost() == null
            || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
          throw new URISyntaxException(endpointOverride(), "not an http(s) URL");
        }
      } catch (URISyntaxException e) {
        problems.add(
            "endpoint-override: '"
                + endpointOverride()
                + "' (an http(s) URL such as http://127.0.0.1:5000)");
      }
    }
    if (watermarks() == null || !STORE.matcher(watermarks()).matches()) {
      problems.add(
          "watermarks: '"
              + watermarks()
              + "' (write file:DIR or dynamodb:TABLE, e.g. dynamodb:lakeplan-watermarks)");
    }
    String warehouse = catalog().warehouse();
    if (warehouse == null || warehouse.isBlank()) {
      problems.add("catalog.warehouse: '" + warehouse + "' (must not be blank)");
    } else if (catalog().type() == CatalogSettings.Type.GLUE && !warehouse.startsWith("s3://")) {
      problems.add(
          "catalog.warehouse: '"
              + warehouse
              + "' (a glue catalog's warehouse is an s3:// location, e.g. s3://bucket/warehouse)");
    }
    if (kmsKey() != null && !KMS_KEY_ARN.matcher(kmsKey()).matches()) {
      problems.add(
          "kms-key: '"
              + kmsKey()
              + "' (write "
              + KMS_KEY_FORM
              + "; EMR Serverless encrypts job logs only with a key ARN, not an alias or key id)");
    } else if (kmsKey() == null && usesAws()) {
      problems.add(
          "kms-key: missing (an AWS environment — a glue catalog, dynamodb watermarks or AWS"
              + " secret stores — encrypts every S3 object, the DynamoDB table and the EMR job logs"
              + " with its own key: write "
              + KMS_KEY_FORM
              + ")");
    }
    for (String key : S3Encryption.encryptionSettings(catalog().properties())) {
      problems.add(S3Encryption.problem("catalog.properties", key));
    }
    for (String key : catalog().properties().keySet()) {
      String lower = key.toLowerCase(Locale.ROOT);
      if (lower.contains("secret") || lower.contains("password") || lower.contains("token")) {
        problems.add(
            "catalog.properties."
                + key
                + ": credentials do not belong in an environment file (the runtime's role or"
                + " credential chain supplies them)");
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "Invalid environment " + name() + ": " + String.join("; ", problems));
    }
  }

  /** The embedded default: local Hadoop catalog and file watermarks under {@code .lakeplan/}. */
  public static Environment local() {
    return builder().build();
  }

  /** A builder of environments. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link Environment}; every setter is named after its property. */
  public static final class Builder extends ImmutableEnvironment.Builder {}
}
