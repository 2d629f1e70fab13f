package io.lakeplan.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.model.Condition;
import io.lakeplan.model.UseCase;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** Lossless round trips over generated use cases (jqwik drives the seeds, 1,000 per property). */
class RoundTripPropertyTest {

  @Property(tries = 1000)
  void yaml_readOfWrite_equalsTheUseCase(@ForAll long seed) {
    UseCase useCase = new UseCaseArbitraries(seed).useCase();
    String yaml = UseCaseCodec.toYaml(useCase);
    UseCase read = UseCaseCodec.fromYaml(yaml);
    assertThat(read).as("YAML:\n%s", yaml).isEqualTo(useCase);
    assertThat(UseCaseCodec.toYaml(read)).isEqualTo(yaml);
  }

  @Property(tries = 1000)
  void json_readOfWrite_equalsTheUseCase(@ForAll long seed) {
    UseCase useCase = new UseCaseArbitraries(seed).useCase();
    String json = UseCaseCodec.toJson(useCase);
    assertThat(UseCaseCodec.fromYaml(json)).as("JSON:\n%s", json).isEqualTo(useCase);
  }

  @Property(tries = 1000)
  void condition_parseOfText_equalsTheCondition(@ForAll long seed) {
    UseCase useCase = new UseCaseArbitraries(seed).useCase();
    useCase.merges().stream()
        .map(merge -> merge.deleteWhen())
        .filter(java.util.Objects::nonNull)
        .forEach(
            condition -> assertThat(Condition.parse(condition.toString())).isEqualTo(condition));
  }
}
