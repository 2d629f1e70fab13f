package io.lakeplan.aws.iam;

import io.lakeplan.aws.internal.S3Location;
import io.lakeplan.env.AirflowSettings;
import io.lakeplan.env.Environment;
import io.lakeplan.model.KafkaAuth;
import io.lakeplan.model.KafkaIngestion;
import io.lakeplan.model.Migration;
import io.lakeplan.model.SecretRef;
import io.lakeplan.model.StartingPosition;
import io.lakeplan.model.TableId;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Plan;
import io.lakeplan.plan.Task;
import io.lakeplan.plan.TaskSpec;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The policy of one use case's EMR Serverless job runs, derived task by task from the plan: what
 * each task reads and writes (tables, landing folders, checkpoints), the watermark keys it reads
 * and writes, the secrets it resolves, and what every job run needs (the job jar, the use case's
 * plan files, the log folder, the KMS key).
 */
final class JobRolePolicy {
  private static final List<String> S3_READ = List.of("s3:GetObject");
  private static final List<String> S3_WRITE =
      List.of("s3:AbortMultipartUpload", "s3:DeleteObject", "s3:GetObject", "s3:PutObject");
  private static final List<String> GLUE_READ = List.of("glue:GetDatabase", "glue:GetTable");
  private static final List<String> GLUE_WRITE = List.of("glue:CreateTable", "glue:UpdateTable");

  private final Target target;
  private final Arns arns;
  private final String useCase;
  private final Set<TableId> readTables = new TreeSet<>();
  private final Set<TableId> writtenTables = new TreeSet<>();
  private final Map<String, S3Location> readFolders = new TreeMap<>();
  private final Map<String, S3Location> writtenFolders = new TreeMap<>();
  private final Set<String> readKeys = new TreeSet<>();
  private final Set<String> writtenKeys = new TreeSet<>();
  private final Set<String> secrets = new TreeSet<>();
  private final Set<String> parameters = new TreeSet<>();
  private final Set<String> notes = new LinkedHashSet<>();
  private final Set<String> dagIds = new TreeSet<>();

  private JobRolePolicy(Target target, String useCase) {
    this.target = target;
    this.arns = target.arns();
    this.useCase = useCase;
  }

  static PolicyDocument of(Target target, Plan plan, String useCase) {
    JobRolePolicy policy = new JobRolePolicy(target, useCase);
    for (Dag dag : plan.dags()) {
      if (dag.useCase().equals(useCase)) {
        policy.dagIds.add(dag.id());
        for (Task task : dag.tasks()) {
          policy.add(task.spec());
        }
      }
    }
    return policy.document();
  }

  private void add(TaskSpec spec) {
    readTables.addAll(spec.reads());
    writtenTables.addAll(spec.writes());
    spec.accept(
        new TaskSpec.Visitor<Void>() {
          @Override
          public Void createTable(TaskSpec.CreateTable spec) {
            return null;
          }

          @Override
          public Void copy(TaskSpec.Copy spec) {
            // a DataSync task, started by the MWAA role: nothing for the job role
            return null;
          }

          @Override
          public Void convert(TaskSpec.Convert spec) {
            migrationInput(spec.migration());
            return null;
          }

          @Override
          public Void reconcile(TaskSpec.Reconcile spec) {
            migrationInput(spec.migration());
            return null;
          }

          @Override
          public Void recordWatermark(TaskSpec.RecordWatermark spec) {
            writtenKeys.add(spec.migration().target().table().toString());
            return null;
          }

          @Override
          public Void ingestJdbc(TaskSpec.IngestJdbc spec) {
            writtenKeys.add(spec.ingestion().target().toString());
            secret(spec.ingestion().connection().password());
            return null;
          }

          @Override
          public Void ingestKafka(TaskSpec.IngestKafka spec) {
            KafkaIngestion ingestion = spec.ingestion();
            if (ingestion.effectiveStartingPosition() == StartingPosition.MIGRATION_WATERMARK) {
              readKeys.add(ingestion.target().toString());
            }
            if (ingestion.auth() != null) {
              secret(ingestion.auth().password());
              if (ingestion.auth().mechanism() == KafkaAuth.Mechanism.AWS_MSK_IAM) {
                notes.add(
                    "Kafka ingestion "
                        + ingestion.id()
                        + " signs in to MSK with IAM: grant kafka-cluster:Connect, DescribeTopic and"
                        + " ReadData on its cluster and topics separately (the plan names no"
                        + " cluster ARN)");
              }
            }
            folder(
                writtenFolders,
                "checkpoint of Kafka ingestion " + ingestion.id(),
                ingestion.checkpoint());
            return null;
          }

          @Override
          public Void mergeInto(TaskSpec.MergeInto spec) {
            if (spec.merge().sqlFile() != null) {
              notes.add(
                  "merge "
                      + spec.merge().id()
                      + " runs its own SQL file: the tables it reads beyond its target are not"
                      + " known, grant them separately");
            }
            return null;
          }

          @Override
          public Void maintain(TaskSpec.Maintain spec) {
            // maintenance is no lineage, yet it rewrites and deletes the table's files
            writtenTables.add(spec.table());
            return null;
          }

          @Override
          public Void runSparkJob(TaskSpec.RunSparkJob spec) {
            notes.add(
                "Spark job "
                    + spec.job().id()
                    + " is the team's own code: what it reads and writes is not known, grant it"
                    + " separately");
            return null;
          }
        });
  }

  private void migrationInput(Migration migration) {
    if (migration.landing() != null) {
      folder(readFolders, "landing of migration " + migration.id(), migration.landing());
    } else if (migration.source().path() != null) {
      folder(readFolders, "source of migration " + migration.id(), migration.source().path());
    } else {
      notes.add(
          "migration "
              + migration.id()
              + " reads Hive table "
              + migration.source().hiveTable()
              + " directly: grant its catalog and files separately");
    }
  }

  private void folder(Map<String, S3Location> folders, String what, String uri) {
    if (S3Location.isS3(uri)) {
      S3Location location = S3Location.parse(what, uri).asFolder();
      folders.put(location.toString(), location);
    } else {
      notes.add(
          what
              + " '"
              + uri
              + "' is not an s3:// location: no S3 permission for it (jobs on EMR Serverless read"
              + " and write S3)");
    }
  }

  private void secret(SecretRef reference) {
    if (reference == null) {
      return;
    }
    switch (reference.provider()) {
      case SECRETSMANAGER -> secrets.add(arns.secret(reference.name()));
      case SSM -> parameters.add(arns.ssmParameter(reference.name()));
      default ->
          notes.add(
              "secret "
                  + reference
                  + " is an environment variable of the job: no permission needed");
    }
  }

  private PolicyDocument document() {
    writtenTables.forEach(readTables::remove);
    Environment environment = target.environment();
    AirflowSettings airflow = environment.airflow();
    Statements statements = new Statements();

    // S3: the job jar and this use case's plan and environment files (every spec version, so a
    // deployment does not have to change the policy), the job logs, then the data
    S3Location jar = S3Location.parse("airflow.job-jar", airflow.jobJar());
    List<String> jobFiles = new ArrayList<>(specFolders(airflow));
    jobFiles.add(arns.s3Object(jar));
    statements.add("S3ReadJobFiles", S3_READ, jobFiles);
    S3Location logs =
        S3Location.parse("airflow.log-uri", airflow.logUri())
            .asFolder()
            .resolve("applications/" + airflow.emrApplicationId() + "/");
    statements.add("S3WriteJobLogs", List.of("s3:PutObject"), List.of(arns.s3Objects(logs)));
    Map<String, S3Location> readData = new TreeMap<>(readFolders);
    readTables.forEach(table -> put(readData, tableLocation(table)));
    Map<String, S3Location> writtenData = new TreeMap<>(writtenFolders);
    writtenTables.forEach(table -> put(writtenData, tableLocation(table)));
    writtenData.keySet().forEach(readData::remove);
    statements.add("S3ReadData", S3_READ, readData.values().stream().map(arns::s3Objects).toList());
    statements.add(
        "S3WriteData", S3_WRITE, writtenData.values().stream().map(arns::s3Objects).toList());
    // ListBucket is a bucket action: its s3:prefix condition limits it to the folders above,
    // one statement per bucket so that one bucket's prefixes do not open another's
    Map<String, List<String>> prefixes = new TreeMap<>();
    for (S3Location folder : concat(readData, writtenData)) {
      prefixes
          .computeIfAbsent(folder.bucket(), bucket -> new ArrayList<>())
          .addAll(Arns.listPrefixes(folder));
    }
    prefixes.forEach(
        (bucket, values) ->
            statements.add(
                Statement.of(
                        "S3List" + IamPolicies.sidPart(bucket),
                        List.of("s3:ListBucket"),
                        List.of(arns.s3Bucket(bucket)))
                    .when("StringLike", "s3:prefix", values)));

    // Glue: the catalog and the databases are resources of every table call
    Set<TableId> allTables = new TreeSet<>(readTables);
    allTables.addAll(writtenTables);
    statements.add("GlueReadTables", GLUE_READ, glue(allTables));
    statements.add("GlueWriteTables", GLUE_WRITE, glue(writtenTables));

    // DynamoDB: the watermark items of this use case's tables only (the partition key is the table)
    if ("dynamodb".equals(environment.watermarkScheme())) {
      String table = arns.dynamoDbTable(environment.watermarkLocation());
      if (!writtenKeys.isEmpty()) {
        statements.add(
            Statement.of(
                    "DynamoDbWriteWatermarks",
                    List.of("dynamodb:GetItem", "dynamodb:PutItem"),
                    List.of(table))
                .when("ForAllValues:StringEquals", "dynamodb:LeadingKeys", writtenKeys));
      }
      readKeys.removeAll(writtenKeys);
      if (!readKeys.isEmpty()) {
        statements.add(
            Statement.of("DynamoDbReadWatermarks", List.of("dynamodb:GetItem"), List.of(table))
                .when("ForAllValues:StringEquals", "dynamodb:LeadingKeys", readKeys));
      }
    } else if (!writtenKeys.isEmpty() || !readKeys.isEmpty()) {
      notes.add(
          "watermarks are "
              + environment.watermarks()
              + ", not a DynamoDB table: no watermark permission");
    }

    statements.add("SecretsManagerReadSecrets", List.of("secretsmanager:GetSecretValue"), secrets);
    statements.add("SsmReadParameters", List.of("ssm:GetParameter"), parameters);
    kms(statements, environment.kmsKey());
    return new PolicyDocument(
        IamPolicies.policyName(target.environment(), useCase),
        PolicyDocument.Role.JOB,
        useCase,
        statements.list(),
        List.copyOf(notes));
  }

  /**
   * The KMS key of S3 objects (SSE-KMS) and the watermark table: {@code kms:Decrypt} and {@code
   * kms:GenerateDataKey} only. An AWS environment always names one (validation); a local one has
   * none and needs no statement.
   */
  private static void kms(Statements statements, String kmsKey) {
    if (kmsKey == null) {
      return;
    }
    // the environment's key is always a key ARN (validation refuses aliases and key ids)
    statements.add("KmsUseKey", List.of("kms:Decrypt", "kms:GenerateDataKey"), List.of(kmsKey));
  }

  /**
   * The folders of the use case's plan and environment files: spec-location with the use case and
   * each of its DAG ids filled in, up to the spec version (every version, so that a deployment does
   * not have to change the policy).
   */
  private List<String> specFolders(AirflowSettings airflow) {
    Set<String> folders = new TreeSet<>();
    for (String dagId : dagIds) {
      String location =
          airflow.specLocation().replace("{use_case}", useCase).replace("{dag_id}", dagId);
      int open = location.indexOf('{');
      String known = open < 0 ? location : location.substring(0, open);
      S3Location folder =
          S3Location.parse("airflow.spec-location", known.substring(0, known.lastIndexOf('/') + 1));
      folders.add(arns.s3Objects(folder));
    }
    return List.copyOf(folders);
  }

  /**
   * Where Iceberg's GlueCatalog puts a table in a database without a location of its own (as {@code
   * lakeplan deploy} creates them): {@code WAREHOUSE/NAMESPACE.db/TABLE/}.
   */
  private S3Location tableLocation(TableId table) {
    return target.warehouse().resolve(table.namespace() + ".db/" + table.name() + "/");
  }

  private List<String> glue(Set<TableId> tables) {
    if (tables.isEmpty()) {
      return List.of();
    }
    List<String> resources = new ArrayList<>();
    resources.add(arns.glueCatalog());
    tables.forEach(
        table -> {
          resources.add(arns.glueDatabase(table.namespace()));
          resources.add(arns.glueTable(table.namespace(), table.name()));
        });
    return resources;
  }

  private static void put(Map<String, S3Location> folders, S3Location location) {
    folders.put(location.toString(), location);
  }

  private static List<S3Location> concat(
      Map<String, S3Location> first, Map<String, S3Location> second) {
    List<S3Location> all = new ArrayList<>(first.values());
    all.addAll(second.values());
    return all;
  }
}
