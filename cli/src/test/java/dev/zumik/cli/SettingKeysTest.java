package dev.zumik.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SettingKeysTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', nullValues = "KNOWN", value = {
        "kafka.security.protocol             | KNOWN",
        "kafka.sasl.jaas.config              | KNOWN",
        "kafka.num.stream.threads            | KNOWN",
        "kafka.producer.linger.ms            | KNOWN",
        "kafka.main.consumer.max.poll.records | KNOWN",
        "registry.basic.auth.user.info       | KNOWN",
        "registry.schema.registry.url        | KNOWN",
        "decision.material.gain.pct          | KNOWN",
        "kafka.secutity.protocol             | did you mean kafka.security.protocol?",
        "kafka.producer.lingr.ms             | it is not a Kafka client or Streams setting",
        "kafka.zzz                           | it is not a Kafka client or Streams setting",
        "registry.schema.registry.ur         | did you mean registry.schema.registry.url?",
        "registry.use.latest.version         | the registry settings are",
        "kafak.bootstrap.servers             | settings are kafka.<client property>, registry.<serde property> or decision.<threshold>",
    })
    void shouldKnowKafkaRegistryAndDecisionKeysAndNameTheNearestForATypo(final String key, final String problem) {
        if (problem == null) {
            assertThat(SettingKeys.problem(key)).isNull();
        } else {
            assertThat(SettingKeys.problem(key)).contains(problem);
        }
    }
}
