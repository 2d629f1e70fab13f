package io.lakeplan.spark.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import javax.security.auth.login.AppConfigurationEntry;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.JaasContext;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code sasl.jaas.config} built for SASL, read back by Kafka's own JAAS parser. */
class KafkaSecurityTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "plain",
        "with\"quote",
        "back\\slash\\",
        "new\nline",
        "carriage\rreturn",
        "x\" debug=\"true",
        "\"; org.apache.kafka.common.security.plain.PlainLoginModule required a=\"b",
        "tab\tand \u00e9 \ud83d\ude00",
      })
  void jaas_hostileCredentials_areExactlyTheTwoOptions(String secret) {
    String config =
        KafkaSecurity.jaas(
            "org.apache.kafka.common.security.plain.PlainLoginModule", "etl" + secret, secret);

    List<AppConfigurationEntry> entries =
        JaasContext.loadClientContext(Map.of("sasl.jaas.config", new Password(config)))
            .configurationEntries();

    assertThat(entries).hasSize(1);
    assertThat(entries.get(0).getLoginModuleName())
        .isEqualTo("org.apache.kafka.common.security.plain.PlainLoginModule");
    assertThat(entries.get(0).getOptions())
        .isEqualTo(Map.of("username", "etl" + secret, "password", secret));
  }
}
