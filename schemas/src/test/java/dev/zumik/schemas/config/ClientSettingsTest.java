package dev.zumik.schemas.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ClientSettingsTest {

    @Test
    void shouldTakeWhatAKafkaClientTakesAsBootstrapServers() {
        for (final String servers : new String[] {"127.0.0.1:9092", "broker-1:9092,broker-2:9093", "[::1]:9092", "SASL_SSL://kafka.example:9096",
            " a:1 , b:65535"}) {
            assertThat(ClientSettings.resolve(Map.of(), null, Map.of(ClientSettings.BOOTSTRAP, servers)).bootstrapServers()).isEqualTo(servers);
        }
    }

    @Test
    void shouldRefuseABootstrapListAKafkaClientWouldChokeOnSayingWhereItCameFrom() {
        for (final String servers : new String[] {":::", "host", "host:notaport", "127.0.0.1:0", "127.0.0.1:65536", "a:1,", "a b:1", "http://"}) {
            assertThatThrownBy(() -> ClientSettings.resolve(Map.of(), null, Map.of(ClientSettings.BOOTSTRAP, servers)))
                    .as(servers).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("from the command line")
                    .hasMessageContaining("got '" + servers + "'");
        }
        assertThatThrownBy(() -> ClientSettings.resolve(Map.of("ZUMIK_KAFKA_BOOTSTRAP_SERVERS", "nope"), null, Map.of()))
                .hasMessageContaining("from the environment (ZUMIK_KAFKA_BOOTSTRAP_SERVERS)");
    }
}
