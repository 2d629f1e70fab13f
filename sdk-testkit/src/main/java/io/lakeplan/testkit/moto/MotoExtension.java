package io.lakeplan.testkit.moto;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests an emulated AWS: one {@link MotoServer} per test JVM (started by the first class that
 * uses it, stopped by process id when the test run ends), reset before each test class.
 * {@code @ExtendWith(MotoExtension.class)} on a class, then a {@link MotoServer} parameter in a
 * {@code @BeforeAll}, constructor or test method.
 *
 * <p>While the server runs, this JVM's AWS SDK defaults point at it too ({@code aws.endpointUrl},
 * static test credentials, region {@value MotoServer#REGION}), so a client built without an
 * explicit endpoint still cannot reach a real AWS endpoint.
 *
 * <p>The executable is, in order: the system property {@code lakeplan.moto.server}, the environment
 * variable {@code LAKEPLAN_MOTO_SERVER}, or {@code .venv-moto/bin/moto_server} in the folder named
 * by the system property {@code lakeplan.root} or in the working directory or one of its parents.
 * When none exists the test fails (it never skips), naming the fix: {@code bin/setup-moto}, which
 * the build runs before the integration tests.
 */
public final class MotoExtension implements BeforeAllCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(MotoExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    server(context).reset();
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == MotoServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return server(context);
  }

  private static MotoServer server(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(
            MotoServer.class,
            type -> {
              MotoServer server = MotoServer.start(executable());
              server.systemProperties().forEach(System::setProperty);
              return server;
            },
            MotoServer.class);
  }

  /** Where {@code moto_server} is; fails naming every place looked at and the fix. */
  public static Path executable() {
    String property = System.getProperty("lakeplan.moto.server");
    if (property != null) {
      return existing(Path.of(property), "-Dlakeplan.moto.server");
    }
    String variable = System.getenv("LAKEPLAN_MOTO_SERVER");
    if (variable != null) {
      return existing(Path.of(variable), "LAKEPLAN_MOTO_SERVER");
    }
    List<Path> looked = new ArrayList<>();
    String root = System.getProperty("lakeplan.root");
    List<Path> starts = new ArrayList<>();
    if (root != null) {
      starts.add(Path.of(root));
    }
    starts.add(Path.of("").toAbsolutePath());
    for (Path start : starts) {
      for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
        Path candidate = dir.resolve(".venv-moto/bin/moto_server");
        looked.add(candidate);
        if (Files.isExecutable(candidate)) {
          return candidate;
        }
      }
    }
    throw new IllegalStateException(
        "moto_server not found (looked at "
            + looked
            + "): run bin/setup-moto, or set -Dlakeplan.moto.server=PATH");
  }

  private static Path existing(Path path, String source) {
    if (!Files.isExecutable(path)) {
      throw new IllegalStateException(
          "moto_server " + path + " (from " + source + ") is not an executable file");
    }
    return path;
  }
}
