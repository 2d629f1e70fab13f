package io.lakeplan.spark.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Relative paths (sql-file, landing, checkpoint) resolve inside the use-case folder only. */
class ContextTest {
  private final Context context = new Context(null, URI.create("file:/work/use-cases/"), null);

  @ParameterizedTest
  @ValueSource(strings = {"../secret.sql", "sql/../../x", "sql\\..\\..\\x", ".."})
  void resolve_relativePathWithDotDot_isRefused(String path) {
    assertThatThrownBy(() -> context.resolve(path))
        .isInstanceOf(TaskFailedException.class)
        .hasMessage(
            "Unsafe relative path '"
                + path
                + "': a '..' segment would leave file:/work/use-cases/");
  }

  @ParameterizedTest
  @ValueSource(strings = {"sql/merge.sql", "./x", "a..b/c"})
  void resolve_relativePath_staysUnderTheFolder(String path) {
    assertThat(context.resolve(path)).isEqualTo("file:/work/use-cases/" + path);
  }
}
