package io.lakeplan.spark.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** How a team's Spark job's parameters are split and what is kept of its output. */
class SparkSubmitJobTest {

  @Test
  void tokens_splitLikeAShell_quotesAndEscapesKeepBlanks() {
    assertThat(
            SparkSubmitJob.tokens(
                "  --conf 'spark.app.name=nightly report'\t--conf \"a=\\\"b c\\\" \\\\ d\""
                    + " --name x\\ y --conf k=v'w'\"z\""))
        .containsExactly(
            "--conf",
            "spark.app.name=nightly report",
            "--conf",
            "a=\"b c\" \\ d",
            "--name",
            "x y",
            "--conf",
            "k=vwz");
    assertThat(SparkSubmitJob.tokens("")).isEmpty();
    assertThat(SparkSubmitJob.tokens(null)).isEmpty();
    assertThat(SparkSubmitJob.tokens("--conf a=''")).containsExactly("--conf", "a=");
  }

  @Test
  void tokens_unclosedQuoteOrLoneBackslash_failsNamingIt() {
    assertThatThrownBy(() -> SparkSubmitJob.tokens("--conf \"a=b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("spark-submit parameters have an unclosed \" quote");
    assertThatThrownBy(() -> SparkSubmitJob.tokens("--conf a=b\\"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("spark-submit parameters end with a lone \\");
  }

  @Test
  void launcher_withoutASparkDistribution_isThisJvmRunningSparkSubmit() {
    List<String> launcher = SparkSubmitJob.launcher(Map.of("SPARK_HOME", "/no/such/spark"));

    assertThat(launcher.get(0)).endsWith("/bin/java");
    assertThat(launcher).contains("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "-cp");
    assertThat(launcher.get(launcher.indexOf("-cp") + 1))
        .isEqualTo(System.getProperty("java.class.path"));
    assertThat(launcher).last().isEqualTo("org.apache.spark.deploy.SparkSubmit");
  }

  @Test
  void output_pythonTraceback_errorLineIsItsExceptionLine_evenWithJvmLinesAfterIt() {
    SparkSubmitOutput output = new SparkSubmitOutput();
    List.of(
            "marker",
            "Traceback (most recent call last):",
            "  File \"/x/report.py\", line 8, in <module>",
            "    raise ValueError(\"bad partition 7\")",
            "ValueError: bad partition 7",
            "12:00:01.000 WARN  ShutdownHookManager: java.io.IOException: late noise",
            "java.io.IOException: late noise")
        .forEach(output::accept);

    assertThat(output.errorLine()).isEqualTo("ValueError: bad partition 7");
  }

  @Test
  void output_jvmFailure_errorLineIsTheLastExceptionLine_tailKeepsTheLastLines() {
    SparkSubmitOutput output = new SparkSubmitOutput();
    IntStream.range(0, 30).forEach(i -> output.accept("line " + i));
    output.accept("Exception in thread \"main\" org.apache.spark.SparkException: no input");
    output.accept("\tat org.apache.spark.Foo.bar(Foo.scala:1)");
    output.accept("Caused by: java.io.FileNotFoundException: /x/in");
    output.accept("\t... 12 more");

    assertThat(output.errorLine()).isEqualTo("java.io.FileNotFoundException: /x/in");
    assertThat(output.tail())
        .hasSize(SparkSubmitOutput.TAIL_LINES)
        .last()
        .isEqualTo("\t... 12 more");
    assertThat(output.tail().get(0)).isEqualTo("line 14");
  }

  @Test
  void output_withoutAnExceptionLine_errorLineIsTheLastLine_nullWithoutOutput() {
    SparkSubmitOutput output = new SparkSubmitOutput();
    assertThat(output.errorLine()).isNull();
    output.accept("Error: Unrecognized option: --bogus");
    output.accept("Usage: spark-submit [options] <app jar | python file | R file> [app arguments]");
    output.accept("");

    assertThat(output.errorLine()).isEqualTo("Error: Unrecognized option: --bogus");
    SparkSubmitOutput plain = new SparkSubmitOutput();
    plain.accept("exiting: nothing to do");
    assertThat(plain.errorLine()).isEqualTo("exiting: nothing to do");
  }
}
