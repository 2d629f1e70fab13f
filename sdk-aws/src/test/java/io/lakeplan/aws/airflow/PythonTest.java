package io.lakeplan.aws.airflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Python text the DAG renderer writes for hostile strings; {@code AirflowHostileTextIT} reads
 * the same strings back with Python's own parser.
 */
class PythonTest {

  static Stream<Arguments> hostileStrings() {
    return Stream.of(
        // text, string literal, docstring body
        Arguments.of("a\"b", "\"a\\\"b\"", "a\\\"b"),
        Arguments.of("\"\"\"", "\"\\\"\\\"\\\"\"", "\\\"\\\"\\\""),
        Arguments.of("x\\", "\"x\\\\\"", "x\\\\"),
        Arguments.of("'''", "\"'''\"", "'''"),
        Arguments.of("a\nb\r\tc", "\"a\\nb\\r\\tc\"", "a\nb\\r\\tc"),
        Arguments.of("nul\u0000esc\u001b", "\"nul\\u0000esc\\u001b\"", "nul\\u0000esc\\u001b"),
        Arguments.of("\u2028\u2029\u0085\ufeff", "\"\\u2028\\u2029\\u0085\\ufeff\"", null),
        Arguments.of("\ud83d\ude00", "\"\\U0001f600\"", "\\U0001f600"),
        Arguments.of("lone\ud83d", "\"lone\\ud83d\"", "lone\\ud83d"),
        Arguments.of("{x} %s $y", "\"{x} %s $y\"", "{x} %s $y"));
  }

  @ParameterizedTest
  @MethodSource("hostileStrings")
  void hostileText_isEscapedForPython(String text, String literal, String docstring) {
    assertThat(Python.string(text)).isEqualTo(literal);
    if (docstring != null) {
      assertThat(Python.docstring(text)).isEqualTo(docstring);
    }
    assertThat(Python.docstring(text)).doesNotContain("\"\"\"").doesNotContain("\u0000");
  }

  @ParameterizedTest
  @MethodSource("hostileStrings")
  void hostileText_inAComment_staysOnOneLine(String text, String literal, String docstring) {
    assertThat(Python.comment(text))
        .doesNotContain("\n")
        .doesNotContain("\r")
        .doesNotContain("\u2028")
        .doesNotContain("\u0000");
  }
}
