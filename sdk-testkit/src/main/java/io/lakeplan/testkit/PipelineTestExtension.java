package io.lakeplan.testkit;

import io.lakeplan.model.UseCase;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit 5 extension that hands each test a fresh {@link PipelineTestDriver} and closes it after
 * the test:
 *
 * <pre>{@code
 * @RegisterExtension
 * static PipelineTestExtension pipeline = PipelineTestExtension.forUseCase(OrdersUseCase::build);
 *
 * @Test
 * void upsertsOrders(PipelineTestDriver driver) { ... }
 * }</pre>
 */
public final class PipelineTestExtension implements ParameterResolver, AfterEachCallback {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(PipelineTestExtension.class);

  private final Supplier<PipelineTestDriver.Builder> builder;

  private PipelineTestExtension(Supplier<PipelineTestDriver.Builder> builder) {
    this.builder = builder;
  }

  /** Drivers for the use case {@code useCase} supplies (called once per test). */
  public static PipelineTestExtension forUseCase(Supplier<UseCase> useCase) {
    Objects.requireNonNull(useCase, "useCase");
    return new PipelineTestExtension(() -> PipelineTestDriver.builder().useCase(useCase.get()));
  }

  /** Drivers for the use cases in a YAML file or folder. */
  public static PipelineTestExtension forUseCases(Path path) {
    Objects.requireNonNull(path, "path");
    return new PipelineTestExtension(() -> PipelineTestDriver.builder().useCases(path));
  }

  /** Drivers from a builder {@code builder} supplies, for custom start times or stores. */
  public static PipelineTestExtension forBuilder(Supplier<PipelineTestDriver.Builder> builder) {
    return new PipelineTestExtension(Objects.requireNonNull(builder, "builder"));
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == PipelineTestDriver.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(
            PipelineTestDriver.class, ignored -> builder.get().build(), PipelineTestDriver.class);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    PipelineTestDriver driver =
        context.getStore(NAMESPACE).remove(PipelineTestDriver.class, PipelineTestDriver.class);
    if (driver != null) {
      driver.close();
    }
  }
}
