package io.lakeplan.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The site hook (docs/hooks/lakeplan_docs.py) refuses a pasted java, yaml or json sample and lets
 * snippet includes and shell or output blocks through; run with .venv-docs's Python, which the
 * build's setup-docs step has made before the tests.
 */
class SiteHookTest {
  private static final Path ROOT =
      Path.of(System.getProperty("lakeplan.root", "..")).toAbsolutePath().normalize();

  private static String check(String markdown) throws IOException, InterruptedException {
    String script =
        "import sys\n"
            + "sys.path.insert(0, sys.argv[1])\n"
            + "import lakeplan_docs\n"
            + "from mkdocs.exceptions import PluginError\n"
            + "try:\n"
            + "    lakeplan_docs.check_samples_are_included(sys.stdin.read(), 'page.md')\n"
            + "    print('accepted')\n"
            + "except PluginError as e:\n"
            + "    print('refused: ' + str(e))\n";
    Process python =
        new ProcessBuilder(
                ROOT.resolve(".venv-docs/bin/python").toString(),
                "-c",
                script,
                ROOT.resolve("docs/hooks").toString())
            .redirectErrorStream(true)
            .start();
    python.getOutputStream().write(markdown.getBytes(StandardCharsets.UTF_8));
    python.getOutputStream().close();
    String out = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(python.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(python.exitValue()).as(out).isZero();
    return out;
  }

  @Test
  void pastedYamlOrJavaSample_isRefusedWithItsLine() throws Exception {
    assertThat(check("# Page\n\n```yaml\nname: orders\n```\n"))
        .isEqualTo(
            "refused: page.md:3: a pasted yaml sample; include it from a file the build compiles"
                + " or validates instead (--8<-- \"examples/...:section\")");
    assertThat(check("text\n\n~~~java\n--8<-- \"examples/A.java:x\"\nint x = 1;\n~~~\n"))
        .startsWith("refused: page.md:3: a pasted java sample");
  }

  @Test
  void includesShellAndOutputBlocks_areAccepted() throws Exception {
    assertThat(
            check(
                "```yaml\n--8<-- \"examples/orders/orders.yaml:merges\"\n```\n\n"
                    + "```bash\nbin/lakeplan run examples/orders\n```\n\n"
                    + "```\norders.yaml:14:9: problem [unknown-column]\n```\n"))
        .isEqualTo("accepted");
  }
}
