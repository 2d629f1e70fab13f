package io.lakeplan.workspace;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.TestUseCases;
import io.lakeplan.model.FileFormat;
import io.lakeplan.model.JdbcConnection;
import io.lakeplan.model.SecretRef;
import io.lakeplan.model.UseCase;
import io.lakeplan.validation.Problem;
import io.lakeplan.validation.ProblemCode;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile names, paths and queries are refused at validation with one problem naming the field and
 * the fix, before any SQL, Spark option, path or DAG file is built from them.
 */
class InjectionRulesTest {

  private static List<Problem> problems(UseCase useCase, ProblemCode code) {
    return Validator.validate(List.of(useCase)).stream().filter(p -> p.code() == code).toList();
  }

  private static Problem only(UseCase useCase, ProblemCode code) {
    List<Problem> matching = problems(useCase, code);
    assertThat(matching)
        .as("problems with code %s in %s", code, Validator.validate(List.of(useCase)))
        .hasSize(1);
    return matching.get(0);
  }

  /** The orders use case with a migration {@code archive} of parquet at {@code source}. */
  private static UseCase archive(String source, String landing) {
    return TestUseCases.orders()
        .migrate(
            m ->
                m.id("archive")
                    .fromPath(source, FileFormat.PARQUET)
                    .landing(landing)
                    .target(
                        "raw.archive",
                        t ->
                            t.requiredColumn("order_id", "long")
                                .column("status", "string")
                                .column("amount", "decimal(12,2)")
                                .column("op", "string")
                                .column("updated_at", "timestamp")
                                .partitionBy("day(updated_at)"))
                    .watermarkColumn("updated_at"))
        .build();
  }

  /** Each place a path reaches an engine, with a use case putting {@code path} there. */
  static Stream<Arguments> pathFields() {
    return Stream.of(
        Arguments.of(
            "migrations[archive].source.path",
            "source path",
            (Function<String, UseCase>) path -> archive(path, "s3://landing/orders")),
        Arguments.of(
            "migrations[archive].landing",
            "landing location",
            (Function<String, UseCase>) path -> archive("hdfs://namenode:8020/data/orders", path)),
        Arguments.of(
            "kafka-ingestions[clicks].checkpoint",
            "checkpoint location",
            (Function<String, UseCase>)
                path ->
                    TestUseCases.orders()
                        .ingestKafka(
                            k ->
                                k.id("clicks")
                                    .bootstrapServers("broker:9092")
                                    .addTopic("clicks")
                                    .column("order_id", "long")
                                    .checkpoint(path)
                                    .target("raw.clicks"))
                        .table("raw.clicks", t -> t.column("order_id", "long"))
                        .build()),
        Arguments.of(
            "merges[by-file].sql-file",
            "sql-file",
            (Function<String, UseCase>)
                path ->
                    TestUseCases.orders()
                        .mergeInto("process.orders", m -> m.id("by-file").sqlFile(path))
                        .build()),
        Arguments.of(
            "spark-jobs[own-job].entrypoint",
            "entrypoint",
            (Function<String, UseCase>)
                path ->
                    TestUseCases.orders().sparkJob(j -> j.id("own-job").entrypoint(path)).build()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pathFields")
  void dotDotSegment_isAnUnsafePath(String field, String what, Function<String, UseCase> useCase) {
    for (String path :
        List.of("../../etc/passwd", "s3://bucket/a/../b", "sql/..\\..\\secret.sql", "..")) {
      Problem problem = only(useCase.apply(path), ProblemCode.UNSAFE_PATH);
      assertThat(problem.path()).isEqualTo(field);
      assertThat(problem.message())
          .isEqualTo(
              "The "
                  + what
                  + " '"
                  + path
                  + "' has a '..' segment; write the path without it (relative paths stay inside"
                  + " the use-case folder, absolute ones name their folder directly)");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pathFields")
  void credentialsInAUri_areAPlaintextSecret_andStayHidden(
      String field, String what, Function<String, UseCase> useCase) {
    for (String path :
        List.of(
            "s3://AKIAIOSFODNN7EXAMPLE:wJalrXUtnFEMIK7MDENG@bucket/x",
            "s3a://AKIAIOSFODNN7EXAMPLE@bucket/x",
            "hdfs://etl:wJalrXUtnFEMIK7MDENG@namenode:8020/data")) {
      Problem problem = only(useCase.apply(path), ProblemCode.PLAINTEXT_SECRET);
      assertThat(problem.path()).isEqualTo(field);
      assertThat(problem.message())
          .isEqualTo(
              "The "
                  + what
                  + " carries credentials before its '@' (value hidden); remove them and let the"
                  + " job role, or a secret reference such as secretsmanager:NAME, grant access")
          .doesNotContain("AKIA")
          .doesNotContain("wJalr");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pathFields")
  void controlCharacterInAPath_isAnUnsafePath_shownEscaped(
      String field, String what, Function<String, UseCase> useCase) {
    Problem problem = only(useCase.apply("s3://bucket/a\u0000b\nc"), ProblemCode.UNSAFE_PATH);
    assertThat(problem.path()).isEqualTo(field);
    assertThat(problem.message())
        .isEqualTo(
            "The "
                + what
                + " 's3://bucket/a\\u0000b\\nc' holds control character U+0000; remove it");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pathFields")
  void wildcardOrPolicyVariableInAPath_isAnUnsafePath(
      String field, String what, Function<String, UseCase> useCase) {
    for (String path :
        List.of("s3://bucket/*", "s3://bucket/data?/x", "s3://bucket/${aws:username}/x")) {
      Problem problem = only(useCase.apply(path), ProblemCode.UNSAFE_PATH);
      assertThat(problem.path()).isEqualTo(field);
      assertThat(problem.message())
          .isEqualTo(
              "The "
                  + what
                  + " '"
                  + path
                  + "' has a wildcard or variable ('*', '?' or '${'); name the exact folder or"
                  + " file (Lakeplan reads and writes one location, and the IAM policy built from"
                  + " it would match more)");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pathFields")
  void ordinaryPaths_areAccepted(String field, String what, Function<String, UseCase> useCase) {
    for (String path :
        List.of(
            "s3://bucket/orders/2024..2025/x",
            "sql/merge-orders.sql",
            "./sql/x.sql",
            "/abs/path/..hidden/x",
            "user@example.com/x")) {
      assertThat(Validator.validate(List.of(useCase.apply(path)))).as(path).isEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "o'rders",
        "o`rders",
        "o\"rders",
        "orders;drop",
        "orders--",
        "orders/*x*/",
        "orders\nx",
        "orders\u0000",
        "\u043erders", // Cyrillic o
        "\uff4frders", // fullwidth o
        "orde\u0280s",
        "orders ",
      })
  void hostileTableName_isAnUnsafeIdentifier(String name) {
    UseCase useCase =
        TestUseCases.orders().table("process." + name, t -> t.requiredColumn("id", "long")).build();
    Problem problem = only(useCase, ProblemCode.UNSAFE_IDENTIFIER);
    assertThat(problem.message())
        .isEqualTo(
            "Unsafe table name '"
                + Checks.printable(name)
                + "' (use letters, digits and _, starting with a letter or _)")
        .doesNotContain("\n")
        .doesNotContain("\u0000");
  }

  @ParameterizedTest
  @ValueSource(ints = {129, 100_000})
  void veryLongColumnName_isAnUnsafeIdentifier(int length) {
    String name = "c".repeat(length);
    UseCase useCase =
        TestUseCases.orders().table("process.wide", t -> t.requiredColumn(name, "long")).build();
    assertThat(only(useCase, ProblemCode.UNSAFE_IDENTIFIER).path())
        .isEqualTo("tables[process.wide].columns[" + name + "].name");
  }

  @ParameterizedTest
  @ValueSource(strings = {"orders-\u0430", "ORDERS", "orders;x", "orders/../x", "orders\n"})
  void hostileStepId_isAnInvalidId(String id) {
    UseCase useCase =
        TestUseCases.orders()
            .mergeInto("process.orders", m -> m.id(id).source("raw.orders").addKey("order_id"))
            .build();
    assertThat(problems(useCase, ProblemCode.INVALID_ID))
        .extracting(Problem::message)
        .anySatisfy(message -> assertThat(message).startsWith("Invalid id '" + id + "'"));
  }

  static Stream<Arguments> unsafeQueries() {
    return Stream.of(
        Arguments.of(
            "SELECT * FROM orders; DROP TABLE orders",
            "it has a ';' outside quotes (a query is one SELECT; remove the ';')"),
        Arguments.of(
            "SELECT * FROM orders;",
            "it has a ';' outside quotes (a query is one SELECT; remove the ';')"),
        Arguments.of(
            "SELECT * FROM orders) lakeplan_window --", "it closes a parenthesis it never opened"),
        Arguments.of("SELECT * FROM (orders", "it leaves 1 parenthesis(es) open"),
        Arguments.of("SELECT * FROM orders /*", "it opens a /* comment that never closes"),
        Arguments.of("SELECT 'x FROM orders", "it opens a text literal that never closes"),
        Arguments.of("SELECT \"x FROM orders", "it opens a quoted name that never closes"),
        // PostgreSQL E'' strings read \' as a quote: the ; is outside that literal
        Arguments.of(
            "SELECT E'\\'' ; DROP TABLE t; --' FROM orders",
            "it has a ';' outside quotes (a query is one SELECT; remove the ';')"),
        // standard strings read \ literally: the ; is outside that literal
        Arguments.of(
            "SELECT 'a\\' ; DROP TABLE t; SELECT ' FROM orders",
            "it has a ';' outside quotes (a query is one SELECT; remove the ';')"),
        Arguments.of(
            "SELECT $$'$$; DROP TABLE t; --' FROM orders",
            "it has $$-quoted text, which is not supported (use '…' literals instead)"),
        Arguments.of(
            "SELECT q'[']'; DROP TABLE t; --' FROM dual",
            "it has q'…' quoting, which is not supported (double a quote inside '…' instead)"));
  }

  @ParameterizedTest
  @MethodSource("unsafeQueries")
  void queryThatIsNotOneSelfContainedSelect_isAnUnsafeQuery(String query, String why) {
    UseCase useCase = TestUseCases.orders().ingestJdbc(j -> jdbcQuery(j, query)).build();
    Problem problem = only(useCase, ProblemCode.UNSAFE_QUERY);
    assertThat(problem.path()).isEqualTo("jdbc-ingestions[by-query].query");
    assertThat(problem.message())
        .isEqualTo(
            "The query cannot be read as one derived table: "
                + why
                + "; write a single SELECT whose quotes, comments and parentheses close");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "SELECT o.*, ';' AS x FROM orders o -- a comment; with a semicolon",
        "SELECT * FROM orders /* ; */ WHERE status IN ('a;b', 'it''s') AND (1 = 1)",
        "SELECT \"odd;name\" FROM orders",
        "SELECT s.SID FROM V$SESSION s",
        "SELECT seq FROM orders WHERE faq = 'q'",
      })
  void selfContainedSelect_isAccepted(String query) {
    UseCase useCase = TestUseCases.orders().ingestJdbc(j -> jdbcQuery(j, query)).build();
    assertThat(problems(useCase, ProblemCode.UNSAFE_QUERY)).isEmpty();
  }

  private static io.lakeplan.model.JdbcIngestion.Builder jdbcQuery(
      io.lakeplan.model.JdbcIngestion.Builder j, String query) {
    return j.id("by-query")
        .connection(
            c ->
                c.url("jdbc:postgresql://db:5432/sales")
                    .user("lakeplan")
                    .password(SecretRef.env("SALES_DB_PASSWORD")))
        .query(query)
        .incrementalColumn("updated_at")
        .addKey("order_id")
        .target("raw.orders");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"secretsmanager:prod/*", "secretsmanager:db-?#password", "ssm:/lakeplan/${x}"})
  void wildcardInASecretReference_isAnUnsafePath(String text) {
    SecretRef reference = SecretRef.parse(text);
    UseCase useCase =
        TestUseCases.orders()
            .ingestJdbc(
                j ->
                    j.id("wide")
                        .connection(
                            c ->
                                c.url("jdbc:postgresql://db:5432/sales")
                                    .user("lakeplan")
                                    .password(reference))
                        .table("public.orders")
                        .target("raw.orders"))
            .build();
    Problem problem = only(useCase, ProblemCode.UNSAFE_PATH);
    assertThat(problem.path()).isEqualTo("jdbc-ingestions[wide].connection.password");
    assertThat(problem.message())
        .isEqualTo(
            "Secret reference "
                + text
                + " has a wildcard or variable ('*', '?' or '${'); name one secret (the job"
                + " role's IAM policy grants exactly the secrets referenced)");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "jdbc:oracle:thin:scott/tiger@//db:1521/SALES",
        "jdbc:oracle:thin:scott/tiger@db:1521:SALES",
        "jdbc:postgresql://scott:tiger@db/sales",
      })
  void credentialsInAJdbcUrl_areAPlaintextSecret_andStayHidden(String url) {
    UseCase useCase =
        TestUseCases.orders()
            .ingestJdbc(
                j ->
                    j.id("leaky")
                        .connection(JdbcConnection.builder().url(url).build())
                        .table("orders")
                        .target("raw.orders"))
            .build();
    Problem problem = only(useCase, ProblemCode.PLAINTEXT_SECRET);
    assertThat(problem.path()).isEqualTo("jdbc-ingestions[leaky].connection.url");
    assertThat(problem.message()).doesNotContain("tiger");
  }
}
