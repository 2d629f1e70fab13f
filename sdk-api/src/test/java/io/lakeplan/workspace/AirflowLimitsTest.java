package io.lakeplan.workspace;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.codec.Document;
import io.lakeplan.codec.UseCaseCodec;
import io.lakeplan.validation.Problem;
import io.lakeplan.validation.ProblemCode;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Limits Airflow enforces on what a use case becomes are validation problems at the field that
 * makes the id (issue 24.7), not a failure to write or import the DAG files.
 */
class AirflowLimitsTest {
  private static final String MINIMAL =
      """
      api-version: lakeplan/v1
      name: orders
      owner: sales-data@example.com
      """;

  private static List<Problem> problems(String yaml) {
    Document document = UseCaseCodec.read("orders.yaml", MINIMAL + yaml);
    assertThat(document.problems()).isEmpty();
    return Validator.validate(List.of(document.useCase()));
  }

  @Test
  void tagOver100Characters_isTooLongAtTheTag() {
    String tag = "t".repeat(101);

    List<Problem> problems = problems("tags: [sales, " + tag + "]\n");

    assertThat(problems)
        .extracting(Problem::path, Problem::code, Problem::message)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "tags[1]",
                ProblemCode.TOO_LONG,
                "Tag of 101 characters; Airflow allows at most 100: shorten it"));
    assertThat(problems("tags: [" + "t".repeat(100) + "]\n")).isEmpty();
  }

  @Test
  void createTableTaskIdOver250Characters_isTooLongAtTheTable() {
    String namespace = "n".repeat(120);
    String table = "t".repeat(125);
    String taskId = "create." + namespace + "." + table;

    List<Problem> problems =
        problems(
            "tables:\n  - table: "
                + namespace
                + "."
                + table
                + "\n    columns: [{name: id, type: long}]\n");

    assertThat(problems).hasSize(1);
    Problem problem = problems.get(0);
    assertThat(problem.code()).isEqualTo(ProblemCode.TOO_LONG);
    assertThat(problem.path()).isEqualTo("tables[" + namespace + "." + table + "]");
    assertThat(problem.message())
        .isEqualTo(
            "Task id '"
                + taskId
                + "' has "
                + taskId.length()
                + " characters; Airflow allows at most 250: shorten the step id or the table"
                + " name it is made of");
  }

  @Test
  void dagIdOver241Characters_isTooLongAtTheStepThatNamesIt() {
    String fits = "d".repeat(241);
    String tooLong = "d".repeat(242);
    String job = "spark-jobs:\n  - {id: job, entrypoint: 's3://jobs/job.py', dag: %s}\n";

    assertThat(problems(job.formatted(fits))).isEmpty();
    List<Problem> problems = problems(job.formatted(tooLong));

    assertThat(problems).hasSize(1);
    assertThat(problems.get(0).code()).isEqualTo(ProblemCode.TOO_LONG);
    assertThat(problems.get(0).path()).isEqualTo("spark-jobs[job]");
    assertThat(problems.get(0).message())
        .startsWith("DAG id '" + tooLong + "' has 242 characters; Airflow allows 250")
        .contains("at most 241")
        .endsWith("shorten the use-case name, the step's schedule or its dag");
  }
}
