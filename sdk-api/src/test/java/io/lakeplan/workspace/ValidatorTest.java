package io.lakeplan.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeplan.TestUseCases;
import io.lakeplan.model.ConversionMode;
import io.lakeplan.model.Dependency;
import io.lakeplan.model.FileFormat;
import io.lakeplan.model.JdbcConnection;
import io.lakeplan.model.KafkaIngestion;
import io.lakeplan.model.Merge;
import io.lakeplan.model.SchemaChangePolicy;
import io.lakeplan.model.SecretRef;
import io.lakeplan.model.StartingPosition;
import io.lakeplan.model.UseCase;
import io.lakeplan.model.ValueFormat;
import io.lakeplan.plan.TaskSpec;
import io.lakeplan.validation.Problem;
import io.lakeplan.validation.ProblemCode;
import io.lakeplan.validation.SourceLocation;
import io.lakeplan.validation.ValidationException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ListAssert;
import org.junit.jupiter.api.Test;

class ValidatorTest {

  private static ListAssert<Problem> problems(UseCase useCase) {
    return assertThat(Validator.validate(List.of(useCase)));
  }

  private static Problem only(List<Problem> problems, ProblemCode code) {
    List<Problem> matching = problems.stream().filter(p -> p.code() == code).toList();
    assertThat(matching).as("problems with code %s in %s", code, problems).hasSize(1);
    return matching.get(0);
  }

  private static Problem only(UseCase useCase, ProblemCode code) {
    return only(Validator.validate(List.of(useCase)), code);
  }

  @Test
  void validUseCase_hasNoProblems() {
    problems(TestUseCases.orders().build()).isEmpty();
    assertThat(Validator.validate(TestUseCases.orders().build())).isEmpty();
  }

  @Test
  void workspace_useCaseWithProblemsOfItsOwn_isLeftOutOfTheChecksAcrossUseCases() {
    // found by FrontEndFuzzTest (sdk-cli): a broken copy sharing the valid one's tables got
    // "also declared" problems, and DAG layout of the broken one threw NullPointerException
    UseCase valid = TestUseCases.orders().build();
    UseCase brokenCopy = TestUseCases.orders().name("orders-copy").owner("").build();
    UseCase noTarget =
        UseCase.named("history")
            .owner("team@example.com")
            .table("process.history", t -> t.column("id", "long"))
            .migrate(m -> m.id("history").fromPath("hdfs://nn/data", FileFormat.PARQUET))
            .build();

    assertThat(Validator.validate(List.of(valid, brokenCopy, noTarget)))
        .extracting(Problem::useCase, Problem::path, Problem::code)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("orders-copy", "owner", ProblemCode.BLANK),
            org.assertj.core.groups.Tuple.tuple(
                "history", "migrations[history].target", ProblemCode.REQUIRED));
  }

  @Test
  void missingRequiredFields_areAllReportedAtOnce() {
    UseCase useCase =
        UseCase.builder()
            .migrate(m -> m.fromPath("hdfs://nn/data", FileFormat.PARQUET))
            .mergeInto("process.orders", m -> m.id("upsert"))
            .build();
    List<Problem> problems = Validator.validate(useCase);
    assertThat(problems)
        .extracting(Problem::path, Problem::code)
        .contains(
            org.assertj.core.groups.Tuple.tuple("name", ProblemCode.REQUIRED),
            org.assertj.core.groups.Tuple.tuple("owner", ProblemCode.REQUIRED),
            org.assertj.core.groups.Tuple.tuple("migrations[0].id", ProblemCode.REQUIRED),
            org.assertj.core.groups.Tuple.tuple("migrations[0].target", ProblemCode.REQUIRED),
            org.assertj.core.groups.Tuple.tuple("merges[upsert]", ProblemCode.REQUIRED));
    assertThat(
            problems.stream()
                .filter(p -> p.path().equals("owner"))
                .findFirst()
                .orElseThrow()
                .message())
        .isEqualTo("Missing owner (a team address); add it");
  }

  @Test
  void blankOwner_isReportedAsBlank() {
    Problem problem = only(TestUseCases.orders().owner("  ").build(), ProblemCode.BLANK);
    assertThat(problem.path()).isEqualTo("owner");
    assertThat(problem.message()).contains("Blank owner");
  }

  @Test
  void duplicateStepIds_areReported() {
    UseCase useCase =
        TestUseCases.orders()
            .mergeInto(
                "process.orders",
                m -> m.id("orders-history").source("raw.orders").addKey("order_id"))
            .build();
    Problem problem = only(useCase, ProblemCode.DUPLICATE_ID);
    assertThat(problem.message())
        .isEqualTo("Duplicate step id 'orders-history'; ids must be unique");
  }

  @Test
  void mergeOrderByColumnTheTargetDoesNotKeep_isReportedNamingTheFix() {
    UseCase useCase =
        TestUseCases.orders()
            .mergeInto(
                "process.orders",
                m -> m.id("by-op").source("raw.orders").addKey("order_id").orderBy("op"))
            .build();
    Problem problem = only(useCase, ProblemCode.UNKNOWN_COLUMN);
    assertThat(problem.path()).isEqualTo("merges[by-op].order-by");
    assertThat(problem.message())
        .isEqualTo(
            "order-by column 'op' has no column in target process.orders; keep it in the target"
                + " (a column of that name, or one mapped from it under columns) so a late, older"
                + " change cannot overwrite a newer row");
  }

  @Test
  void mergeOrderByColumns_eachNotKeptOrRepeated_isReported() {
    Problem notKept = only(mergeOrderedBy("updated_at", "op"), ProblemCode.UNKNOWN_COLUMN);
    assertThat(notKept.path()).isEqualTo("merges[by-two].order-by");
    assertThat(notKept.message()).startsWith("order-by column 'op' has no column in target");

    Problem duplicate = only(mergeOrderedBy("updated_at", "updated_at"), ProblemCode.DUPLICATE_ID);
    assertThat(duplicate.path()).isEqualTo("merges[by-two].order-by");
    assertThat(duplicate.message()).contains("order-by column 'updated_at'");
  }

  @Test
  void tombstoneRetention_negativeOrWithoutDeletes_isReportedNamingTheFix() {
    UseCase negative =
        mergeBy(
            m ->
                m.orderBy("updated_at")
                    .deleteWhen("op = 'D'")
                    .tombstoneRetention(Duration.ofDays(-1)));
    Problem invalid = only(negative, ProblemCode.NON_POSITIVE_DURATION);
    assertThat(invalid.path()).isEqualTo("merges[by-two].tombstone-retention");
    assertThat(invalid.message()).contains("-1d").contains("0 to keep no tombstones");

    UseCase withoutDeletes =
        mergeBy(m -> m.orderBy("updated_at").tombstoneRetention(Duration.ofDays(3)));
    Problem conflicting = only(withoutDeletes, ProblemCode.CONFLICTING_SETTINGS);
    assertThat(conflicting.path()).isEqualTo("merges[by-two].tombstone-retention");
    assertThat(conflicting.message()).contains("needs delete-when and order-by");
  }

  /** The orders use case with merge by-two of raw.orders, ordered by {@code columns}. */
  private static UseCase mergeOrderedBy(String... columns) {
    return mergeBy(m -> m.orderBy(columns));
  }

  /** The orders use case with merge by-two of raw.orders by order_id, as {@code more} sets. */
  private static UseCase mergeBy(java.util.function.UnaryOperator<Merge.Builder> more) {
    return TestUseCases.orders()
        .mergeInto(
            "process.orders",
            m -> more.apply(m.id("by-two").source("raw.orders").addKey("order_id")))
        .build();
  }

  @Test
  void invalidStepId_namesTheValueAndTheRule() {
    UseCase useCase =
        TestUseCases.orders()
            .mergeInto(
                "process.orders",
                m -> m.id("Upsert Orders").source("raw.orders").addKey("order_id"))
            .build();
    Problem problem = only(useCase, ProblemCode.INVALID_ID);
    assertThat(problem.path()).isEqualTo("merges[Upsert Orders].id");
    assertThat(problem.message())
        .startsWith("Invalid id 'Upsert Orders'")
        .contains("lower-case letters");
  }

  @Test
  void unknownMergeSource_isReportedWithItsPath() {
    UseCase useCase =
        TestUseCases.orders()
            .mergeInto("process.orders", m -> m.id("typo").source("raw.ordrs").addKey("order_id"))
            .build();
    Problem problem = only(useCase, ProblemCode.UNKNOWN_TABLE);
    assertThat(problem.path()).isEqualTo("merges[typo].source");
    assertThat(problem.message()).contains("raw.ordrs").contains("declare it under tables");
  }

  @Test
  void mergeSourceDeclaredButWrittenByNothing_isReportedNamingTheExternalFlag() {
    UseCase useCase =
        TestUseCases.orders()
            .table("raw.refunds", t -> t.requiredColumn("order_id", "long"))
            .mergeInto(
                "process.orders", m -> m.id("refunds").source("raw.refunds").addKey("order_id"))
            .build();

    Problem problem = only(useCase, ProblemCode.UNKNOWN_TABLE);
    assertThat(problem.path()).isEqualTo("merges[refunds].source");
    assertThat(problem.message())
        .startsWith("Merge source raw.refunds is declared but nothing in the workspace writes it")
        .endsWith("or mark it 'external: true' under tables when another system writes it");
  }

  @Test
  void mergeSourceDeclaredExternal_isAccepted() {
    UseCase useCase =
        TestUseCases.orders()
            .table("raw.refunds", t -> t.requiredColumn("order_id", "long").external(true))
            .mergeInto(
                "process.orders", m -> m.id("refunds").source("raw.refunds").addKey("order_id"))
            .build();

    assertThat(Validator.validate(List.of(useCase))).isEmpty();
  }

  @Test
  void unknownTable_isNotReportedWhenOneUseCaseIsCheckedAlone() {
    UseCase useCase =
        TestUseCases.orders()
            .mergeInto("process.orders", m -> m.id("typo").source("raw.ordrs").addKey("order_id"))
            .build();
    assertThat(Validator.validate(useCase))
        .extracting(Problem::code)
        .doesNotContain(ProblemCode.UNKNOWN_TABLE);
  }

  @Test
  void danglingDagDependency_listsKnownDags() {
    UseCase useCase = TestUseCases.orders().dependsOn("dag:customers.ingestion").build();
    Problem problem = only(useCase, ProblemCode.DANGLING_DEPENDENCY);
    assertThat(problem.path()).isEqualTo("dependencies[0]");
    assertThat(problem.message())
        .contains("'customers.ingestion'")
        .contains("orders.transformation");
  }

  @Test
  void dependencyCycleAcrossUseCases_isReported() {
    UseCase orders = TestUseCases.orders().dependsOn("dag:customers.transformation").build();
    UseCase customers =
        UseCase.named("customers")
            .owner("crm@example.com")
            .schedule("@daily")
            .table("process.customers", t -> t.requiredColumn("order_id", "long"))
            .mergeInto(
                "process.customers",
                m -> m.id("upsert").source("process.orders").addKey("order_id"))
            .build();
    List<Problem> problems = Validator.validate(List.of(orders, customers));
    Problem cycle = only(problems, ProblemCode.DEPENDENCY_CYCLE);
    assertThat(cycle.message())
        .startsWith("DAGs wait on each other in a circle: ")
        .contains("orders.transformation")
        .contains("customers.transformation");
    // issue 24.9: the path named the step that makes the link (was always 'dependencies')
    assertThat(cycle.useCase() + ": " + cycle.path())
        .isIn("orders: dependencies[0]", "customers: merges[upsert]");
  }

  @Test
  void dependencyCycleThroughTables_isReportedAtTheReadingStep() {
    // issue 24.9: a cycle made only of reads and writes was reported under 'dependencies', a key
    // neither file has
    UseCase left =
        UseCase.named("left")
            .owner("a@example.com")
            .table("process.left", t -> t.requiredColumn("id", "long"))
            .mergeInto("process.left", m -> m.id("from-right").source("process.right").addKey("id"))
            .build();
    UseCase right =
        UseCase.named("right")
            .owner("a@example.com")
            .table("process.right", t -> t.requiredColumn("id", "long"))
            .mergeInto("process.right", m -> m.id("from-left").source("process.left").addKey("id"))
            .build();
    Problem cycle = only(Validator.validate(List.of(left, right)), ProblemCode.DEPENDENCY_CYCLE);
    assertThat(cycle.toString())
        .isEqualTo(
            "left: merges[from-right]: DAGs wait on each other in a circle: left.transformation →"
                + " right.transformation → left.transformation; remove a declared dependency or"
                + " break the read/write loop [dependency-cycle]");
  }

  @Test
  void dependencyCycleWithinUseCase_isReported() {
    UseCase useCase =
        TestUseCases.orders()
            .table("process.a", t -> t.requiredColumn("id", "long"))
            .table("process.b", t -> t.requiredColumn("id", "long"))
            .mergeInto("process.a", m -> m.id("a-from-b").source("process.b").addKey("id"))
            .mergeInto("process.b", m -> m.id("b-from-a").source("process.a").addKey("id"))
            .build();
    Problem cycle = only(useCase, ProblemCode.DEPENDENCY_CYCLE);
    assertThat(cycle.message())
        .startsWith("Tasks wait on each other in a circle: ")
        .contains("a-from-b")
        .contains("b-from-a");
  }

  @Test
  void invalidCron_isRejectedWhenParsed() {
    assertThatThrownBy(() -> TestUseCases.orders().schedule("61 * * * *"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid cron '61 * * * *': minute value 61 is outside 0-59");
  }

  @Test
  void nonPositiveDuration_namesTheValue() {
    UseCase useCase =
        TestUseCases.orders()
            .maintain("raw.orders", m -> m.id("bad").expireSnapshots(Duration.ofDays(-3), 1))
            .build();
    Problem problem = only(useCase, ProblemCode.NON_POSITIVE_DURATION);
    assertThat(problem.path()).isEqualTo("maintenance[bad].tasks[expire-snapshots].older-than");
    assertThat(problem.message()).isEqualTo("Invalid older-than: -3d (must be positive, e.g. 7d)");
  }

  @Test
  void mergeKeyAbsentFromDeclaredSchema_isReported() {
    UseCase useCase =
        TestUseCases.orders()
            .mergeInto(
                "process.orders",
                m -> m.id("by-customer").source("raw.orders").addKey("customer_id"))
            .build();
    List<Problem> problems =
        Validator.validate(List.of(useCase)).stream()
            .filter(p -> p.code() == ProblemCode.UNKNOWN_COLUMN)
            .toList();
    assertThat(problems).extracting(Problem::path).containsOnly("merges[by-customer].keys[0]");
    assertThat(problems.get(0).message())
        .contains("'customer_id'")
        .contains("process.orders")
        .contains("order_id");
  }

  @Test
  void passwordInJdbcUrl_isAPlaintextSecret() {
    UseCase useCase =
        TestUseCases.orders()
            .ingestJdbc(
                j ->
                    j.id("leaky")
                        .connection(
                            JdbcConnection.builder()
                                .url("jdbc:postgresql://db/sales?user=x&password=hunter2")
                                .build())
                        .table("public.orders")
                        .target("raw.orders"))
            .build();
    Problem problem = only(useCase, ProblemCode.PLAINTEXT_SECRET);
    assertThat(problem.path()).isEqualTo("jdbc-ingestions[leaky].connection.url");
    assertThat(problem.message()).contains("value hidden").doesNotContain("hunter2");
  }

  @Test
  void userInfoPasswordInJdbcUrl_isAPlaintextSecret() {
    UseCase useCase =
        TestUseCases.orders()
            .ingestJdbc(
                j ->
                    j.id("leaky")
                        .connection(
                            JdbcConnection.builder()
                                .url("jdbc:oracle:thin://scott:tiger@db:1521/orcl")
                                .build())
                        .table("orders")
                        .target("raw.orders"))
            .build();
    assertThat(only(useCase, ProblemCode.PLAINTEXT_SECRET).message()).doesNotContain("tiger");
  }

  @Test
  void secretInArgumentsOrProperties_isAPlaintextSecret() {
    UseCase useCase =
        TestUseCases.orders()
            .sparkJob(
                j ->
                    j.id("own-job")
                        .entrypoint("s3://jobs/main.py")
                        .addArgument("--db-password")
                        .addArgument("hunter2")
                        .sparkSubmitParameters("--conf spark.hadoop.fs.s3a.secret.key=AKIAXYZ"))
            .ingestJdbc(
                j ->
                    j.id("props")
                        .connection(
                            JdbcConnection.builder()
                                .url("jdbc:postgresql://db/sales")
                                .putProperty("password", "x")
                                .build())
                        .table("public.orders")
                        .target("raw.orders"))
            .build();
    List<Problem> secrets =
        Validator.validate(List.of(useCase)).stream()
            .filter(p -> p.code() == ProblemCode.PLAINTEXT_SECRET)
            .toList();
    assertThat(secrets)
        .extracting(Problem::path)
        .containsExactlyInAnyOrder(
            "spark-jobs[own-job].arguments[1]",
            "spark-jobs[own-job].spark-submit-parameters",
            "jdbc-ingestions[props].connection.properties.password");
    assertThat(secrets)
        .extracting(Problem::message)
        .noneMatch(m -> m.contains("hunter2") || m.contains("AKIAXYZ"));
  }

  @Test
  void sparkJobArgumentWithoutAValue_isAnInvalidValue_neverPassedAsNull(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path folder) throws Exception {
    java.nio.file.Path file =
        java.nio.file.Files.writeString(
            folder.resolve("payments.yaml"),
            String.join(
                "\n",
                "api-version: lakeplan/v1",
                "name: payments",
                "owner: payments-team@example.com",
                "spark-jobs:",
                "  - id: payments_migration",
                "    entrypoint: s3://jobs/main.py",
                "    arguments:",
                "      - --config",
                "      - NULL",
                ""));

    Problem problem = only(Workspace.load(file).problems(), ProblemCode.INVALID_VALUE);

    assertThat(problem.path()).isEqualTo("spark-jobs[payments_migration].arguments[1]");
    assertThat(problem.message())
        .isEqualTo(
            "Argument 2 has no value (YAML reads an unquoted null, NULL, ~ or an empty item as"
                + " none): write it in quotes, e.g. 'NULL', or remove it");
  }

  @Test
  void sparkJobParametersTurningS3EncryptionOff_areInvalidValuesNamingTheKeyAndTheFix() {
    UseCase useCase =
        TestUseCases.orders()
            .sparkJob(
                j ->
                    j.id("own-job")
                        .entrypoint("s3://jobs/main.py")
                        .sparkSubmitParameters(
                            "--conf spark.executor.memory=4g --conf"
                                + " spark.hadoop.fs.s3a.encryption.algorithm=NONE"
                                + " --conf spark.io.encryption.enabled=true"))
            .build();
    Problem problem = only(useCase, ProblemCode.INVALID_VALUE);
    assertThat(problem.path()).isEqualTo("spark-jobs[own-job].spark-submit-parameters");
    assertThat(problem.message())
        .isEqualTo(
            "--conf spark.hadoop.fs.s3a.encryption.algorithm configures S3 encryption (Lakeplan"
                + " writes every S3 object SSE-KMS with the environment's kms-key itself: remove"
                + " the setting (to use another key, set kms-key))");
  }

  @Test
  void secretReferences_areNotPlaintextSecrets() {
    UseCase useCase =
        TestUseCases.orders()
            .sparkJob(
                j ->
                    j.id("own-job")
                        .entrypoint("s3://jobs/main.py")
                        .addArgument("--db-password")
                        .addArgument("secretsmanager:prod/db")
                        .addArgument("password=env:DB_PASSWORD"))
            .build();
    assertThat(Validator.validate(List.of(useCase))).isEmpty();
  }

  @Test
  void unsafeIdentifier_isReported() {
    UseCase useCase =
        TestUseCases.orders().table("process.o'rders", t -> t.requiredColumn("id", "long")).build();
    Problem problem = only(useCase, ProblemCode.UNSAFE_IDENTIFIER);
    assertThat(problem.path()).isEqualTo("tables[process.o'rders].table");
    assertThat(problem.message())
        .isEqualTo(
            "Unsafe table name 'o'rders' (use letters, digits and _, starting with a letter or _)");
  }

  @Test
  void snapshotExpiryShorterThanIncrementalReaderInterval_isReported() {
    UseCase useCase =
        TestUseCases.orders()
            .schedule("@daily")
            .maintain("raw.orders", m -> m.id("tight").expireSnapshots(Duration.ofHours(12), 1))
            .build();
    Problem problem = only(useCase, ProblemCode.RETENTION_TOO_SHORT);
    assertThat(problem.path()).isEqualTo("maintenance[tight].tasks[expire-snapshots].older-than");
    assertThat(problem.message())
        .contains("12h")
        .contains("orders-upsert")
        .contains("@daily")
        .contains("set older-than above 1d");
  }

  @Test
  void hardDeleteColumnAbsent_isReported() {
    UseCase useCase =
        TestUseCases.orders()
            .maintain(
                "process.orders", m -> m.id("gdpr").hardDelete("created_at", Duration.ofDays(30)))
            .build();
    Problem problem = only(useCase, ProblemCode.INVALID_HARD_DELETE_COLUMN);
    assertThat(problem.path()).isEqualTo("maintenance[gdpr].tasks[hard-delete].column");
    assertThat(problem.message()).contains("'created_at' is not in process.orders");
  }

  @Test
  void hardDeleteColumnNotTemporal_isReported() {
    UseCase useCase =
        TestUseCases.orders()
            .maintain("process.orders", m -> m.id("gdpr").hardDelete("status", Duration.ofDays(30)))
            .build();
    assertThat(only(useCase, ProblemCode.INVALID_HARD_DELETE_COLUMN).message())
        .isEqualTo("Hard-delete column 'status' is string; it must be a date or timestamp");
  }

  @Test
  void addFilesWithCsv_conflicts() {
    UseCase useCase =
        TestUseCases.orders()
            .migrate(
                m ->
                    m.id("csv")
                        .fromPath("hdfs://nn/csv", FileFormat.CSV)
                        .mode(ConversionMode.ADD_FILES)
                        .target("raw.csv_orders", t -> t.requiredColumn("id", "long")))
            .build();
    assertThat(only(useCase, ProblemCode.CONFLICTING_SETTINGS).message())
        .startsWith("mode add-files cannot register csv files");
  }

  @Test
  void addFilesWithAppendNewColumns_conflictsNamingTheFieldAndTheFix() {
    UseCase useCase =
        TestUseCases.orders()
            .migrate(
                m ->
                    m.id("in-place")
                        .fromPath("hdfs://nn/parquet", FileFormat.PARQUET)
                        .mode(ConversionMode.ADD_FILES)
                        .onSchemaChange(SchemaChangePolicy.APPEND_NEW_COLUMNS)
                        .target("raw.in_place", t -> t.requiredColumn("id", "long")))
            .build();
    Problem problem = only(useCase, ProblemCode.CONFLICTING_SETTINGS);
    assertThat(problem.path()).isEqualTo("migrations[in-place].on-schema-change");
    assertThat(problem.message())
        .isEqualTo(
            "on-schema-change append-new-columns cannot add columns with mode add-files, which"
                + " registers the files as they are; use mode rewrite, or on-schema-change fail"
                + " or ignore");
  }

  @Test
  void addFilesWithIgnore_isValid() {
    UseCase useCase =
        TestUseCases.orders()
            .migrate(
                m ->
                    m.id("in-place")
                        .fromPath("hdfs://nn/parquet", FileFormat.PARQUET)
                        .mode(ConversionMode.ADD_FILES)
                        .onSchemaChange(SchemaChangePolicy.IGNORE)
                        .target("raw.in_place", t -> t.requiredColumn("id", "long")))
            .build();
    assertThat(Validator.validate(List.of(useCase)))
        .noneMatch(problem -> problem.path().startsWith("migrations[in-place]"));
  }

  @Test
  void rawKafkaWithASchemaPolicyOtherThanFail_conflictsNamingTheFieldAndTheFix() {
    for (SchemaChangePolicy policy :
        List.of(SchemaChangePolicy.APPEND_NEW_COLUMNS, SchemaChangePolicy.IGNORE)) {
      UseCase useCase =
          withClicks(
                  TestUseCases.orders(),
                  k -> k.format(ValueFormat.RAW).columns(List.of()).onSchemaChange(policy))
              .build();
      Problem problem = only(useCase, ProblemCode.CONFLICTING_SETTINGS);
      assertThat(problem.path()).isEqualTo("kafka-ingestions[clicks].on-schema-change");
      assertThat(problem.message())
          .isEqualTo(
              "on-schema-change "
                  + io.lakeplan.codec.YamlFormat.name(policy)
                  + " compares the declared columns of JSON values with the target, and format"
                  + " raw declares none; remove on-schema-change, or use format json with columns");
    }
  }

  private static UseCase.Builder withClicks(
      UseCase.Builder builder, java.util.function.UnaryOperator<KafkaIngestion.Builder> extra) {
    return builder.ingestKafka(
        k ->
            extra.apply(
                k.id("clicks")
                    .bootstrapServers("b:9092")
                    .addTopic("clicks")
                    .column("id", "long")
                    .checkpoint("s3://c/clicks")
                    .target("raw.clicks")));
  }

  private static TaskSpec.IngestKafka clicksTask(UseCase useCase) {
    return Planner.plan(useCase).dags().stream()
        .flatMap(dag -> dag.tasks().stream())
        .filter(task -> task.id().equals("clicks"))
        .map(task -> (TaskSpec.IngestKafka) task.spec())
        .findFirst()
        .orElseThrow();
  }

  @Test
  void kafkaWithoutMigrationOrStartingPosition_validatesAndStartsAtTheEarliestOffsets() {
    UseCase useCase =
        withClicks(TestUseCases.orders().table("raw.clicks", t -> t.column("id", "long")), k -> k)
            .build();

    assertThat(Validator.validate(List.of(useCase))).isEmpty();
    assertThat(clicksTask(useCase).ingestion().startingPosition())
        .isEqualTo(StartingPosition.EARLIEST);
  }

  @Test
  void kafkaIntoAWatermarkedMigrationTarget_withoutStartingPosition_startsAfterTheWatermark() {
    // the orders use case migrates raw.orders with a watermark column
    UseCase useCase =
        withClicks(
                TestUseCases.orders(),
                k ->
                    k.column("order_id", "long")
                        .onSchemaChange(SchemaChangePolicy.IGNORE)
                        .target("raw.orders"))
            .build();

    assertThat(Validator.validate(List.of(useCase))).isEmpty();
    assertThat(clicksTask(useCase).ingestion().startingPosition())
        .isEqualTo(StartingPosition.MIGRATION_WATERMARK);
  }

  @Test
  void kafkaDeclaringFewerOrOtherColumnsThanItsDeclaredTarget_underFail_isAWarning() {
    UseCase fewer =
        withClicks(TestUseCases.orders(), k -> k.column("order_id", "long").target("raw.orders"))
            .build();
    assertThat(Validator.validate(List.of(fewer))).isEmpty();
    List<Problem> lacking = Validator.warnings(fewer);
    assertThat(lacking).extracting(Problem::code).containsOnly(ProblemCode.SCHEMA_MISMATCH);
    assertThat(lacking.get(0).path()).endsWith("[clicks].columns");
    assertThat(lacking.get(0).message())
        .startsWith("Kafka ingestion clicks: the declared schema lacks columns ")
        .contains("set on-schema-change: ignore (or append-new-columns) to leave them null")
        .endsWith("; as declared, the first run fails");

    UseCase other =
        withClicks(
                TestUseCases.orders().table("raw.clicks", t -> t.column("id", "long")),
                k -> k.column("page", "string"))
            .build();
    assertThat(Validator.warnings(other))
        .extracting(Problem::message)
        .singleElement()
        .asString()
        .contains("has columns the target raw.clicks lacks: page")
        .contains("set on-schema-change: append-new-columns to add them");

    UseCase ignoring =
        withClicks(
                TestUseCases.orders(),
                k ->
                    k.column("order_id", "long")
                        .onSchemaChange(SchemaChangePolicy.IGNORE)
                        .target("raw.orders"))
            .build();
    assertThat(Validator.warnings(ignoring))
        .extracting(Problem::code)
        .doesNotContain(ProblemCode.SCHEMA_MISMATCH);
  }

  @Test
  void kafkaExplicitlyFromMigrationWatermark_needsAWatermarkedMigration() {
    UseCase useCase =
        withClicks(
                TestUseCases.orders().table("raw.clicks", t -> t.column("id", "long")),
                k -> k.startingPosition(StartingPosition.MIGRATION_WATERMARK))
            .build();
    Problem problem = only(useCase, ProblemCode.CONFLICTING_SETTINGS);
    assertThat(problem.path()).isEqualTo("kafka-ingestions[clicks].starting-position");
    assertThat(problem.message()).contains("raw.clicks").contains("earliest, latest or timestamp");
  }

  @Test
  void twoKafkaIngestionsSharingACheckpoint_areAConflictNamingBoth() {
    UseCase useCase =
        withClicks(TestUseCases.orders().table("raw.clicks", t -> t.column("id", "long")), k -> k)
            .ingestKafka(
                k ->
                    k.id("views")
                        .bootstrapServers("localhost:9092")
                        .addTopic("views")
                        .column("id", "long")
                        .checkpoint("s3://c/clicks/")
                        .target("raw.clicks"))
            .build();

    Problem problem = only(useCase, ProblemCode.CONFLICTING_SETTINGS);
    assertThat(problem.path()).isEqualTo("kafka-ingestions[views].checkpoint");
    assertThat(problem.message())
        .contains("Kafka ingestions clicks and views share the checkpoint")
        .contains("give each ingestion its own checkpoint");
  }

  /** A use case migrating raw.events with {@code watermarkColumn} as its watermark. */
  private static UseCase.Builder migratedEvents(String watermarkColumn) {
    return UseCase.named("events")
        .owner("events@example.com")
        .schedule("@daily")
        .migrate(
            m ->
                m.id("history")
                    .fromPath("hdfs://nn/events", FileFormat.PARQUET)
                    .target(
                        "raw.events", t -> t.requiredColumn("id", "long").column("at", "timestamp"))
                    .watermarkColumn(watermarkColumn));
  }

  @Test
  void kafkaStartingAtANumericMigrationWatermark_isAConflictNamingTheColumn() {
    for (StartingPosition position :
        java.util.Arrays.asList(StartingPosition.MIGRATION_WATERMARK, null)) {
      UseCase useCase =
          migratedEvents("id")
              .ingestKafka(
                  k ->
                      k.id("events-stream")
                          .bootstrapServers("localhost:9092")
                          .addTopic("events")
                          .column("id", "long")
                          .column("at", "timestamp")
                          .checkpoint("s3://c/events/")
                          .startingPosition(position)
                          .target("raw.events"))
              .build();

      Problem problem = only(useCase, ProblemCode.CONFLICTING_SETTINGS);
      assertThat(problem.path()).isEqualTo("kafka-ingestions[events-stream].starting-position");
      assertThat(problem.message())
          .contains(" starts at a time, but the migration into raw.events records a watermark of")
          .contains("long column 'id'")
          .contains("use a timestamp or date watermark-column, or set starting-position");
    }
  }

  @Test
  void kafkaStartingAtATimeMigrationWatermark_isClean() {
    UseCase useCase =
        migratedEvents("at")
            .ingestKafka(
                k ->
                    k.id("events-stream")
                        .bootstrapServers("localhost:9092")
                        .addTopic("events")
                        .column("id", "long")
                        .column("at", "timestamp")
                        .checkpoint("s3://c/events/")
                        .target("raw.events"))
            .build();

    assertThat(Validator.validate(List.of(useCase))).isEmpty();
  }

  @Test
  void jdbcWhoseIncrementalColumnIsNotOfTheMigrationWatermarksKind_isAConflict() {
    UseCase useCase =
        migratedEvents("at")
            .ingestJdbc(
                j ->
                    j.id("events-db")
                        .connection(
                            c ->
                                c.url("jdbc:postgresql://db/x")
                                    .dialect(io.lakeplan.model.JdbcDialect.POSTGRES))
                        .table("public.events")
                        .incrementalColumn("id")
                        .target("raw.events"))
            .build();

    Problem problem = only(useCase, ProblemCode.CONFLICTING_SETTINGS);
    assertThat(problem.path()).isEqualTo("jdbc-ingestions[events-db].incremental-column");
    assertThat(problem.message())
        .isEqualTo(
            "incremental column 'id' is long, but the migration into raw.events hands over a"
                + " watermark of timestamp column 'at'; the first run reads after that watermark,"
                + " so use an incremental column of the same kind (a timestamp or date) or change"
                + " the migration's watermark-column");
  }

  @Test
  void jdbcMergeWhoseIncrementalColumnIsNotInTheTarget_isAnUnknownColumn() {
    UseCase useCase =
        migratedEvents("at")
            .ingestJdbc(
                j ->
                    j.id("events-db")
                        .connection(
                            c ->
                                c.url("jdbc:postgresql://db/x")
                                    .dialect(io.lakeplan.model.JdbcDialect.POSTGRES))
                        .table("public.events")
                        .incrementalColumn("changed_at")
                        .writeMode(io.lakeplan.model.WriteMode.MERGE)
                        .addKey("id")
                        .target("raw.events"))
            .build();

    Problem problem = only(useCase, ProblemCode.UNKNOWN_COLUMN);
    assertThat(problem.path()).isEqualTo("jdbc-ingestions[events-db].incremental-column");
    assertThat(problem.message())
        .isEqualTo(
            "Incremental column 'changed_at' is not in the declared schema of target raw.events,"
                + " and a merge keeps the latest row of each key by it; declare it in the target"
                + " or use write-mode append");
  }

  private static UseCase eventsJdbc(
      java.util.function.UnaryOperator<io.lakeplan.model.JdbcIngestion.Builder> more) {
    return migratedEvents("at")
        .ingestJdbc(
            j ->
                more.apply(
                    j.id("events-db")
                        .connection(
                            c ->
                                c.url("jdbc:postgresql://db/x")
                                    .dialect(io.lakeplan.model.JdbcDialect.POSTGRES))
                        .table("public.events")
                        .incrementalColumn("at")
                        .target("raw.events")))
        .build();
  }

  @Test
  void jdbcLookbackWithKeys_isValid_inAppendAndMergeMode() {
    for (io.lakeplan.model.WriteMode mode : io.lakeplan.model.WriteMode.values()) {
      UseCase useCase =
          eventsJdbc(j -> j.writeMode(mode).addKey("id").lookback(Duration.ofMinutes(10)));

      assertThat(Validator.validate(List.of(useCase))).as("%s", mode).isEmpty();
      assertThat(Validator.warnings(useCase)).as("%s", mode).isEmpty();
    }
  }

  @Test
  void jdbcLookbackWithoutKeys_isRequiredAtKeys_evenInAppendMode() {
    UseCase useCase = eventsJdbc(j -> j.lookback(Duration.ofMinutes(10)));

    Problem problem = only(useCase, ProblemCode.REQUIRED);
    assertThat(problem.path()).isEqualTo("jdbc-ingestions[events-db].keys");
    assertThat(problem.message())
        .isEqualTo(
            "lookback needs keys: a row read again is recognised as already ingested by its keys"
                + " and incremental value, so that it does not land twice; list the key columns,"
                + " or remove lookback");
  }

  @Test
  void jdbcNegativeLookback_isOutOfRange() {
    UseCase useCase = eventsJdbc(j -> j.addKey("id").lookback(Duration.ofMinutes(-5)));

    Problem problem = only(useCase, ProblemCode.OUT_OF_RANGE);
    assertThat(problem.path()).isEqualTo("jdbc-ingestions[events-db].lookback");
    assertThat(problem.message())
        .isEqualTo(
            "Invalid lookback: -5m (must not be negative; 0 reads again only the rows at the"
                + " watermark)");
  }

  @Test
  void jdbcLookbackWithoutIncrementalColumn_isAConflict() {
    UseCase useCase =
        eventsJdbc(j -> j.addKey("id").lookback(Duration.ofMinutes(5)).incrementalColumn(null));

    Problem problem = only(useCase, ProblemCode.CONFLICTING_SETTINGS);
    assertThat(problem.path()).isEqualTo("jdbc-ingestions[events-db].lookback");
    assertThat(problem.message())
        .isEqualTo(
            "lookback needs incremental-column: without one every run reads the whole source;"
                + " set incremental-column, or remove lookback");
  }

  @Test
  void jdbcLookbackOfTheWrongKind_forTheDeclaredIncrementalColumn_isAConflictNamingTheFix() {
    UseCase durationOnNumber =
        UseCase.named("events")
            .owner("events@example.com")
            .schedule("@daily")
            .table("raw.events", t -> t.requiredColumn("id", "long").column("seq", "long"))
            .ingestJdbc(
                j ->
                    j.id("events-db")
                        .connection(c -> c.url("jdbc:postgresql://db/x"))
                        .table("public.events")
                        .incrementalColumn("seq")
                        .addKey("id")
                        .lookback(Duration.ofMinutes(10))
                        .target("raw.events"))
            .build();
    UseCase numberOnTime = eventsJdbc(j -> j.addKey("id").lookback(500));

    Problem durationProblem = only(durationOnNumber, ProblemCode.CONFLICTING_SETTINGS);
    Problem numberProblem = only(numberOnTime, ProblemCode.CONFLICTING_SETTINGS);

    assertThat(durationProblem.path()).isEqualTo("jdbc-ingestions[events-db].lookback");
    assertThat(durationProblem.message())
        .isEqualTo(
            "lookback 10m is a duration, but incremental column 'seq' is long in target"
                + " raw.events; write a number of the column's units, e.g. lookback: 1000");
    assertThat(numberProblem.message())
        .isEqualTo(
            "lookback 500 is a number, but incremental column 'at' is timestamp in target"
                + " raw.events; write a duration, e.g. lookback: 10m");
  }

  @Test
  void jdbcLookbackWhoseKeyIsNotInTheTarget_isAnUnknownColumn() {
    UseCase useCase = eventsJdbc(j -> j.addKey("event_id").lookback(Duration.ofMinutes(10)));

    Problem problem = only(useCase, ProblemCode.UNKNOWN_COLUMN);
    assertThat(problem.path()).isEqualTo("jdbc-ingestions[events-db].keys[0]");
    assertThat(problem.message())
        .isEqualTo(
            "Key column 'event_id' is not in the declared schema of target raw.events (columns:"
                + " id, at)");
  }

  @Test
  void jdbcWithoutLookback_isValid_butWarnsThatLateRowsAreNeverRead() {
    UseCase useCase = eventsJdbc(j -> j);

    assertThat(Validator.validate(List.of(useCase))).isEmpty();
    assertThat(Validator.warnings(useCase))
        .extracting(Problem::toString)
        .containsExactly(
            "events: jdbc-ingestions[events-db].lookback: No lookback: each run reads only rows"
                + " with at after the last run's watermark, so a row committed after a run with at"
                + " at or below that watermark (the same second, a transaction committing late) is"
                + " never read; set lookback to the longest time a row can take to commit (e.g."
                + " lookback: 10m, or a number for a numeric column), which needs keys"
                + " [late-rows-unread]");
    // a warning never fails a plan
    assertThat(Planner.plan(useCase).dags()).isNotEmpty();
  }

  @Test
  void jdbcWithZeroLookback_warnsThatLateRowsBelowTheWatermarkAreNeverRead() {
    UseCase useCase = eventsJdbc(j -> j.addKey("id").lookback(Duration.ZERO));

    assertThat(Validator.validate(List.of(useCase))).isEmpty();
    assertThat(Validator.warnings(useCase))
        .singleElement()
        .satisfies(
            warning -> {
              assertThat(warning.code()).isEqualTo(ProblemCode.LATE_ROWS_UNREAD);
              assertThat(warning.path()).isEqualTo("jdbc-ingestions[events-db].lookback");
              assertThat(warning.message())
                  .isEqualTo(
                      "lookback 0s reads again only the rows with at equal to the last run's"
                          + " watermark, so a row committed after a run with at below that"
                          + " watermark (a transaction committing late) is never read; set"
                          + " lookback to the longest time a row can take to commit");
            });
  }

  @Test
  void jdbcWithoutIncrementalColumn_readsEverythingAndHasNoWarning() {
    UseCase useCase = eventsJdbc(j -> j.incrementalColumn(null));

    assertThat(Validator.warnings(useCase)).isEmpty();
  }

  @Test
  void kafkaIntoATableNothingCreates_namesTheColumnsToDeclare() {
    UseCase useCase = withClicks(TestUseCases.orders(), k -> k.column("kind", "string")).build();

    Problem problem = only(useCase, ProblemCode.UNKNOWN_TABLE);
    assertThat(problem.path()).isEqualTo("kafka-ingestions[clicks].target");
    assertThat(problem.message())
        .isEqualTo(
            "Kafka ingestion target raw.clicks is not declared, so nothing creates it and the"
                + " first run would fail; declare it under tables with the ingestion's columns"
                + " (id long, kind string), or migrate into it first");
  }

  @Test
  void jdbcIntoATableNothingCreates_isReported() {
    UseCase useCase =
        TestUseCases.orders()
            .ingestJdbc(
                j ->
                    j.id("payments")
                        .connection(
                            c ->
                                c.url("jdbc:postgresql://db/x")
                                    .dialect(io.lakeplan.model.JdbcDialect.POSTGRES))
                        .table("public.payments")
                        .target("raw.payments"))
            .build();

    Problem problem = only(useCase, ProblemCode.UNKNOWN_TABLE);
    assertThat(problem.path()).isEqualTo("jdbc-ingestions[payments].target");
    assertThat(problem.message())
        .startsWith("JDBC ingestion target raw.payments is not declared, so nothing creates it")
        .endsWith("declare it under tables with its columns, or migrate into it first");
  }

  @Test
  void planner_throwsOnceWithEveryProblem() {
    UseCase useCase = TestUseCases.orders().owner(" ").retries(42).build();
    assertThatThrownBy(() -> Planner.plan(useCase))
        .isInstanceOf(ValidationException.class)
        .hasMessageStartingWith("2 problems:")
        .hasMessageContaining("owner: Blank owner")
        .hasMessageContaining("retries: Invalid retries: 42 (must be 0-10)");
  }

  @Test
  void duplicateUseCaseNames_areReported() {
    List<Problem> problems =
        Validator.validate(List.of(TestUseCases.orders().build(), TestUseCases.orders().build()));
    assertThat(problems).extracting(Problem::code).contains(ProblemCode.DUPLICATE_ID);
    assertThat(problems)
        .extracting(Problem::message)
        .anyMatch(
            m -> m.equals("Use case 'orders' is defined twice; use-case names must be unique"));
  }

  @Test
  void declaredTableDependencyOnUnknownTable_isReported() {
    UseCase useCase =
        TestUseCases.orders().addDependency(Dependency.parse("table:raw.nowhere")).build();
    assertThat(only(useCase, ProblemCode.UNKNOWN_TABLE).message()).contains("raw.nowhere");
  }

  @Test
  void problemToString_isOneReadableLine() {
    Problem problem =
        new Problem(
            "orders",
            "merges[x].keys",
            ProblemCode.UNKNOWN_COLUMN,
            "Key column 'k' is not there",
            new SourceLocation("orders.yaml", 12, 7));
    assertThat(problem)
        .hasToString(
            "orders.yaml:12:7: merges[x].keys: Key column 'k' is not there [unknown-column]");
  }

  @Test
  void secretRefToString_neverEchoesABadValue() {
    assertThatThrownBy(() -> SecretRef.parse("hunter2"))
        .hasMessage(
            "Invalid secret reference (value hidden): write env:NAME, secretsmanager:NAME or ssm:/PARAMETER, never the secret itself");
  }

  @Test
  void mergeWithoutKeys_isReported() {
    UseCase useCase =
        TestUseCases.orders()
            .addMerge(
                Merge.builder()
                    .id("nokeys")
                    .target(io.lakeplan.model.TableId.parse("process.orders"))
                    .source(io.lakeplan.model.TableId.parse("raw.orders"))
                    .build())
            .build();
    Problem problem = only(useCase, ProblemCode.REQUIRED);
    assertThat(problem.path()).isEqualTo("merges[nokeys].keys");
    assertThat(problem.message())
        .isEqualTo("Missing keys; list the columns that match source and target rows");
  }

  @Test
  void tablePropertiesWithSecrets_areReported() {
    UseCase useCase =
        TestUseCases.orders()
            .table(
                "process.extra",
                t ->
                    t.requiredColumn("id", "long")
                        .properties(Map.of("s3.secret-access-key", "abc")))
            .build();
    assertThat(only(useCase, ProblemCode.PLAINTEXT_SECRET).path())
        .isEqualTo("tables[process.extra].properties.s3.secret-access-key");
  }

  private static final String ORDERS_SPELLED_TWICE =
      """
      api-version: lakeplan/v1
      name: orders
      owner: team@example.com
      schedule: "@hourly"
      migrations:
        - id: history
          source: {path: hdfs://nn/orders, format: parquet}
          target:
            table: raw.Orders
            columns: [{name: id, type: long}]
      merges:
        - id: upsert
          target: process.orders
          source: raw.orders
          keys: [id]
      tables:
        - table: process.orders
          columns: [{name: id, type: long}]
      """;

  @Test
  void tableIds_differingOnlyInCase_areOneTable() {
    // was: raw.Orders and raw.orders validated as two tables, two assets and no lineage; on Glue
    // they are one table
    UseCase useCase = io.lakeplan.codec.UseCaseCodec.fromYaml(ORDERS_SPELLED_TWICE);

    assertThat(Validator.validate(List.of(useCase))).isEmpty();
    assertThat(useCase.migrations().get(0).target().table())
        .isEqualTo(io.lakeplan.model.TableId.parse("raw.orders"))
        .hasToString("raw.orders");
    var plan = Planner.plan(useCase);
    assertThat(plan.dag("orders.transformation").upstream())
        .singleElement()
        .satisfies(
            dependency -> {
              assertThat(dependency.dag()).isEqualTo("orders.migration");
              assertThat(dependency.tables())
                  .extracting(Object::toString)
                  .containsExactly("raw.orders");
            });
    assertThat(
            plan.dags().stream()
                .flatMap(dag -> dag.tasks().stream())
                .filter(task -> task.spec() instanceof TaskSpec.CreateTable)
                .map(task -> task.spec().writes().iterator().next().toString()))
        .containsExactlyInAnyOrder("raw.orders", "process.orders");
  }

  @Test
  void tableDeclaredTwice_inTwoSpellings_isOneDuplicateDeclaration() {
    UseCase useCase =
        io.lakeplan.codec.UseCaseCodec.fromYaml(
            ORDERS_SPELLED_TWICE.replace("table: process.orders\n", "table: Process.Orders\n")
                + "  - table: RAW.orders\n    columns: [{name: id, type: long}]\n");

    Problem problem = only(useCase, ProblemCode.DUPLICATE_ID);
    assertThat(problem.path()).isEqualTo("tables");
    assertThat(problem.message())
        .isEqualTo(
            "Table raw.orders is declared twice (as a table or a migration target; table names are"
                + " case-insensitive, as in Glue, so raw.Orders and raw.orders are one table);"
                + " declare it once");
  }

  @Test
  void tableDeclaredInTwoUseCases_inTwoSpellings_isReported() {
    UseCase orders = io.lakeplan.codec.UseCaseCodec.fromYaml(ORDERS_SPELLED_TWICE);
    UseCase other =
        io.lakeplan.codec.UseCaseCodec.fromYaml(
            """
            api-version: lakeplan/v1
            name: other
            owner: team@example.com
            tables:
              - table: PROCESS.ORDERS
                columns: [{name: id, type: long}]
            """);

    Problem problem = only(Validator.validate(List.of(orders, other)), ProblemCode.DUPLICATE_ID);
    assertThat(problem.useCase()).isEqualTo("other");
    assertThat(problem.message())
        .isEqualTo(
            "Table process.orders is also declared by use case 'orders'; declare it in one use case only");
  }

  private static UseCase yaml(String text) {
    return io.lakeplan.codec.UseCaseCodec.fromYaml(text);
  }

  private static UseCase ingestingInto(String name, String target) {
    return yaml(
        """
        api-version: lakeplan/v1
        name: %s
        owner: team@example.com
        schedule: "@hourly"
        jdbc-ingestions:
          - id: load
            connection: {url: "jdbc:postgresql://db:5432/shop"}
            table: public.events
            target: %s
        """
            .formatted(name, target));
  }

  private static final String EVENTS_TABLE =
      """
      api-version: lakeplan/v1
      name: shared
      owner: team@example.com
      tables:
        - table: raw.events
          columns: [{name: id, type: long}]
      """;

  @Test
  void writerInAnotherDag_waitsForTheTablesCreator() {
    // was: the ingestion got no dependency on the DAG that creates its target, and its first run
    // could fail on a table that did not exist yet
    UseCase shared = yaml(EVENTS_TABLE);
    UseCase loader = ingestingInto("loader", "raw.events");

    assertThat(Validator.validate(List.of(shared, loader))).isEmpty();
    var plan = Planner.plan(shared, loader);
    assertThat(plan.dag("shared.migration").tasks())
        .extracting(io.lakeplan.plan.Task::id)
        .containsExactly("create.raw.events");
    assertThat(plan.dag("loader.ingestion").upstream())
        .singleElement()
        .satisfies(
            dependency -> {
              assertThat(dependency.dag()).isEqualTo("shared.migration");
              assertThat(dependency.reason())
                  .isEqualTo(io.lakeplan.plan.DagDependency.Reason.CREATION);
              assertThat(dependency.tables())
                  .extracting(Object::toString)
                  .containsExactly("raw.events");
            });
  }

  @Test
  void writersOfOneTable_inDagsNothingOrders_areReportedNamingBoth() {
    // was: two use cases wrote raw.events on their own schedules with no order and no warning
    List<Problem> problems =
        Validator.validate(
            List.of(
                yaml(EVENTS_TABLE),
                ingestingInto("alpha", "raw.events"),
                ingestingInto("beta", "raw.Events")));

    Problem problem = only(problems, ProblemCode.UNORDERED_WRITERS);
    assertThat(problems).containsExactly(problem);
    assertThat(problem.useCase()).isEqualTo("beta");
    assertThat(problem.path()).isEqualTo("jdbc-ingestions[load]");
    assertThat(problem.message())
        .isEqualTo(
            "Table raw.events is written here in DAG beta.ingestion and by jdbc-ingestions[load]"
                + " of use case 'alpha' in DAG alpha.ingestion, and neither DAG waits for the"
                + " other, so both could write it at once; write the table from one DAG, or make"
                + " one wait for the other (a dependency on dag:alpha.ingestion)");
  }

  @Test
  void writersOfOneTable_orderedByADependency_areAccepted() {
    UseCase beta =
        yaml(
            """
            api-version: lakeplan/v1
            name: beta
            owner: team@example.com
            schedule: "@hourly"
            dependencies: ["dag:alpha.ingestion"]
            jdbc-ingestions:
              - id: load
                connection: {url: "jdbc:postgresql://db:5432/shop"}
                table: public.events
                target: raw.events
            """);

    assertThat(
            Validator.validate(
                List.of(yaml(EVENTS_TABLE), ingestingInto("alpha", "raw.events"), beta)))
        .isEmpty();
  }

  @Test
  void writersOfOneTable_inOneDag_runOneAfterTheOther() {
    UseCase twoLoads =
        yaml(
            EVENTS_TABLE
                + """
                jdbc-ingestions:
                  - id: load-b
                    connection: {url: "jdbc:postgresql://db:5432/shop"}
                    table: public.events_b
                    target: raw.events
                  - id: load-a
                    connection: {url: "jdbc:postgresql://db:5432/shop"}
                    table: public.events_a
                    target: raw.events
                """);

    assertThat(Validator.validate(List.of(twoLoads))).isEmpty();
    assertThat(Planner.plan(twoLoads).dag("shared.ingestion").edges())
        .containsExactly(
            io.lakeplan.plan.Edge.of("create.raw.events", "load-a"),
            io.lakeplan.plan.Edge.of("create.raw.events", "load-b"),
            io.lakeplan.plan.Edge.of("load-a", "load-b"));
  }
}
