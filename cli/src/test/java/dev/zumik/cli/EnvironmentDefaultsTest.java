package dev.zumik.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zumik.schemas.config.ClientSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class EnvironmentDefaultsTest {

    @Test
    void shouldTakeOptionsFromZumikCommandOptionVariablesWithFlagsWinning() {
        // given
        final CommandLine cli = new CommandLine(new Zumik());
        cli.setDefaultValueProvider(new EnvironmentDefaults(Map.of(
                "ZUMIK_CAPTURE_UPSTREAM", "https://api.openai.com;/anthropic=https://api.anthropic.com",
                "ZUMIK_CAPTURE_QUEUE_BYTES", "8m",
                "ZUMIK_CAPTURE_LISTEN", "0.0.0.0:9000")));

        // when
        final CommandLine.ParseResult parsed = cli.parseArgs("capture", "--listen", "127.0.0.1:7000");
        final CaptureCommand capture = (CaptureCommand) parsed.subcommand().commandSpec().userObject();

        // then
        assertThat(capture.upstreams).containsExactly("https://api.openai.com", "/anthropic=https://api.anthropic.com");
        assertThat(capture.queueBytes).isEqualTo("8m");
        assertThat(capture.listen).isEqualTo("127.0.0.1:7000");
        assertThat(capture.settings().upstreams()).hasSize(2);
        assertThat(capture.settings().queueBytes()).isEqualTo(8L << 20);
    }

    @Test
    void shouldKeepTheServerCommandsOptionVariablesOutOfTheClientSettings() {
        // given the kafka and registry server commands' port variables beside a client setting
        final Map<String, String> env = Map.of("ZUMIK_KAFKA_SERVER_PORT", "9192", "ZUMIK_KAFKA_SERVER_DATA_DIR", "/var/lib/zumik",
                "ZUMIK_REGISTRY_SERVER_PORT", "8181", "ZUMIK_KAFKA_BOOTSTRAP_SERVERS", "broker:9092");
        final CommandLine cli = new CommandLine(new Zumik());
        cli.setDefaultValueProvider(new EnvironmentDefaults(env));
        // when
        final CommandLine.ParseResult kafka = cli.parseArgs("kafka");
        final ClientSettings client = ClientSettings.resolve(env, null, Map.of());
        // then the server command takes its port, and no client property named port, data.dir or anything of the servers appears
        assertThat(kafka.subcommand().matchedOptionValue("--port", -1)).isEqualTo(-1);
        assertThat(kafka.subcommand().commandSpec().findOption("--port").getValue().toString()).isEqualTo("9192");
        assertThat(client.kafkaProperties()).containsOnlyKeys("bootstrap.servers");
        assertThat(client.sources()).containsOnlyKeys("kafka.bootstrap.servers");
        assertThat(EnvironmentDefaults.variable(kafka.subcommand().commandSpec().findOption("--port"))).isEqualTo("ZUMIK_KAFKA_SERVER_PORT");
    }
}
