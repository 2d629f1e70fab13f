package io.lakeplan.testkit.conformance;

import io.lakeplan.model.UseCase;

/** The conformance suite on the in-memory engine, through {@link InMemoryConformanceSession}. */
class InMemoryEngineConformanceTest extends AbstractEngineConformanceTest {

  @Override
  protected Endpoints endpoints() {
    return Endpoints.none();
  }

  @Override
  protected ConformanceSession open(UseCase useCase) {
    return InMemoryConformanceSession.open(useCase);
  }
}
