package io.lakeplan.spark.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeplan.model.Condition;
import io.lakeplan.model.TableId;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.And;
import org.apache.spark.sql.catalyst.expressions.EqualTo;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.In;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.parser.CatalystSqlParser$;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The SQL text the Spark engine builds from model values, read back by Spark's own SQL parser (no
 * session needed): hostile text stays one literal holding exactly that text, hostile names never
 * reach the text.
 */
class SqlTest {

  private static final String[] HOSTILE =
      new String[] {
        "it's",
        "a\\",
        "\\' or 1 = 1 or op = '",
        "'; DROP TABLE lakeplan.raw.orders; --",
        "/* x */ `y` \"z\"",
        "line\nbreak\ttab\u0000nul",
        "\u0430\uff4f \uD83D\uDE00",
        "'".repeat(5_000) + "\\".repeat(5_000),
      };

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7})
  void literal_readBySpark_isExactlyTheText(int index) {
    String text = HOSTILE[index];
    Expression parsed = CatalystSqlParser$.MODULE$.parseExpression(Sql.literal(text));

    assertThat(parsed).isInstanceOf(Literal.class);
    assertThat(((Literal) parsed).value().toString()).isEqualTo(text);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7})
  void conditionLiteral_readBySpark_isOneComparisonWithExactlyTheText(int index) {
    String text = HOSTILE[index];
    Condition condition =
        new Condition.Compare(
            new Condition.Column("op"), Condition.Operator.EQ, new Condition.Literal(text));

    Expression parsed = CatalystSqlParser$.MODULE$.parseExpression(condition.toSql(Sql::quote));

    assertThat(parsed).isInstanceOf(EqualTo.class);
    assertThat(((EqualTo) parsed).left().sql()).isEqualTo("op");
    assertThat(((Literal) ((EqualTo) parsed).right()).value().toString()).isEqualTo(text);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "op in ('''; DROP TABLE t; --', 'a\\', 'x'' OR ''1''=''1') and amount > 0",
        "op in ('a\\', ') or true or (') and amount > 0",
      })
  void parsedCondition_readBySpark_keepsItsShape(String text) {
    Condition condition = Condition.parse(text);

    Expression parsed = CatalystSqlParser$.MODULE$.parseExpression(condition.toSql(Sql::quote));

    assertThat(parsed).isInstanceOf(And.class);
    In in = (In) ((And) parsed).left();
    List<String> values =
        scala.jdk.javaapi.CollectionConverters.asJava(in.list()).stream()
            .map(value -> ((Literal) value).value().toString())
            .toList();
    assertThat(values)
        .isEqualTo(
            ((Condition.In) ((Condition.And) condition).operands().get(0))
                .values().stream().map(literal -> (String) literal.value()).toList());
    assertThat(((And) parsed).right().sql()).isEqualTo("(amount > 0)");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "o`rders",
        "o'rders",
        "orders; DROP TABLE x",
        "orders--",
        "orders/**/",
        "\u043erders",
        "\uff4frders",
        "orders\n",
      })
  void quote_hostileName_isRefusedNamingIt(String name) {
    assertThatThrownBy(() -> Sql.quote(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Unsafe SQL identifier: '"
                + name
                + "' (must match [A-Za-z_][A-Za-z0-9_]*, at most 128 characters)");
    assertThatThrownBy(() -> Sql.table(TableId.of("raw", name)))
        .hasMessageStartingWith(
            "Unsafe SQL identifier: '" + name.toLowerCase(java.util.Locale.ROOT) + "'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"orders", "_x", "order_2"})
  void quote_plainName_isBackQuoted(String name) {
    assertThat(Sql.quote(name)).isEqualTo("`" + name + "`");
    assertThat(Sql.table(TableId.of("raw", name))).isEqualTo("lakeplan.`raw`.`" + name + "`");
  }
}
