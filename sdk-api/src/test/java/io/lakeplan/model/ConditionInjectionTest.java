package io.lakeplan.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Conditions ({@code delete-when}, filters) with hostile text: whatever a text literal holds, the
 * SQL form keeps it one Spark string literal; whatever else a condition holds, it is a column, a
 * keyword, a number or an operator of the condition language, or the parser refuses it.
 */
class ConditionInjectionTest {

  static Stream<Arguments> hostileLiterals() {
    return Stream.of(
        // value held by the literal, condition text, Spark SQL
        Arguments.of("it's", "op = 'it''s'", "`op` = 'it\\'s'"),
        Arguments.of("a\\", "op = 'a\\'", "`op` = 'a\\\\'"),
        Arguments.of(
            "\\' or 1 = 1 or op = '",
            "op = '\\'' or 1 = 1 or op = '''",
            "`op` = '\\\\\\' or 1 = 1 or op = \\''"),
        Arguments.of(
            "'; DROP TABLE x; --", "op = '''; DROP TABLE x; --'", "`op` = '\\'; DROP TABLE x; --'"),
        Arguments.of("/* c */ `x` \"y\"", "op = '/* c */ `x` \"y\"'", "`op` = '/* c */ `x` \"y\"'"),
        Arguments.of("line\nbreak\u0000nul", "op = 'line\nbreak\u0000nul'", null),
        Arguments.of("\u0430\uff4f", "op = '\u0430\uff4f'", "`op` = '\u0430\uff4f'"));
  }

  @ParameterizedTest
  @MethodSource("hostileLiterals")
  void hostileTextLiteral_staysOneLiteral_inTheTextAndSqlForms(
      String value, String text, String sql) {
    Condition condition = Condition.parse(text);

    assertThat(condition).isEqualTo(Condition.parse(condition.toString()));
    assertThat(condition.columns()).containsExactly("op");
    assertThat(condition.matches(Map.of("op", value)::get)).isTrue();
    assertThat(condition.matches(Map.of("op", value + "x")::get)).isFalse();
    String rendered = condition.toSql(column -> "`" + column + "`");
    assertThat(rendered)
        .isEqualTo("`op` = '" + value.replace("\\", "\\\\").replace("'", "\\'") + "'");
    if (sql != null) {
      assertThat(rendered).isEqualTo(sql);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "op = 'D'; DROP TABLE x",
        "op = 'D' -- and amount > 0",
        "op = 'D' /* x */",
        "op in (select op from other)",
        "op = (select 1)",
        "`op` = 'D'",
        "\"op\" = 'D'",
        "op = 'D' union select 1",
        "op = 0x41",
        "op = 'D' or",
      })
  void conditionWithSqlBeyondTheLanguage_isRefusedWithThePosition(String text) {
    assertThatThrownBy(() -> Condition.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Invalid condition '" + text + "' at column ");
  }

  static Stream<Arguments> lookAlikes() {
    return Stream.of(
        // Cyrillic a, fullwidth o and p, Arabic-Indic digits, NUL, a non-breaking space
        Arguments.of("\u043ep = 'D'", 1, 0x043e),
        Arguments.of("\uff4f\uff50 = 'D'", 1, 0xff4f),
        Arguments.of("amount > \u0661\u0662", 10, 0x0661),
        Arguments.of("op = 'D'\u0000", 9, 0x0000),
        Arguments.of("op\u00a0= 'D'", 3, 0x00a0));
  }

  @ParameterizedTest
  @MethodSource("lookAlikes")
  void nonAsciiOrControlCharacterOutsideLiterals_isRefusedNamingItsCodePoint(
      String text, int column, int codePoint) {
    assertThatThrownBy(() -> Condition.parse(text))
        .hasMessage(
            "Invalid condition '"
                + text
                + "' at column "
                + column
                + ": character "
                + String.format("U+%04X", codePoint)
                + " outside a text literal; columns, keywords and numbers are plain ASCII (retype"
                + " it, it may be a look-alike), text goes in quotes");
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 10_000})
  void longLiteralOrInList_rendersEveryValueQuoted(int size) {
    String value = "'".repeat(size);
    Condition condition = Condition.parse("op in ('" + value.replace("'", "''") + "', 'x')");

    assertThat(condition.toSql(column -> "`" + column + "`"))
        .isEqualTo("`op` IN ('" + "\\'".repeat(size) + "', 'x')");
  }
}
